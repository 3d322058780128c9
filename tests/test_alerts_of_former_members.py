"""A member removed from a workspace no longer counts, sees or marks its alerts: marking
them read would write to the history of a workspace they have left."""

import pytest
from django.urls import reverse

from archive.alerts import mark_read, unread_count
from archive.audit.review import flag_for_admin
from archive.models import Alert, HistoryEntry, Membership
from tests.factories import ClaimFactory


@pytest.fixture
def flagged(workspace, reviewer, ws_admin, analyst):
    """An unread alert for the workspace's admin, who is then removed from it."""
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="Shelling resumed.")
    flag_for_admin(claim, user=reviewer, reason="Possible duplicate.")
    assert unread_count(ws_admin) == 1
    Membership.objects.filter(user=ws_admin, workspace=workspace).delete()
    return Alert.objects.get(recipient=ws_admin)


def test_a_former_members_alerts_are_not_counted(flagged, ws_admin):
    assert unread_count(ws_admin) == 0


def test_a_former_member_cannot_mark_them_read(flagged, ws_admin, workspace):
    entries = HistoryEntry.objects.filter(workspace=workspace).count()
    assert mark_read(user=ws_admin) == 0
    flagged.refresh_from_db()
    assert flagged.read_at is None
    assert HistoryEntry.objects.filter(workspace=workspace).count() == entries


def test_the_header_shows_no_badge_for_them(client, flagged, ws_admin):
    client.force_login(ws_admin)
    page = client.get(reverse("archive:alerts")).content.decode()
    assert "unread alert" not in page
