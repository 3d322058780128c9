"""Flagging an item for an admin alerts the workspace's admins, and the item's page shows the flag."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape

from archive.alerts import unread_count
from archive.audit.ledger import verify_workspace
from archive.audit.review import flag_for_admin
from archive.models import Alert, AlertKind, Role
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    MembershipFactory,
    PassageFactory,
    UserFactory,
    WorkspaceFactory,
)

REASON = "Possible duplicate of another claim."


@pytest.fixture
def claim(workspace, analyst):
    return ClaimFactory(workspace=workspace, created_by=analyst, statement="Shelling resumed.")


def recipients() -> set[str]:
    return {alert.recipient.username for alert in Alert.objects.select_related("recipient")}


def test_flagging_alerts_each_admin_of_the_workspace(claim, reviewer, ws_admin, workspace):
    second = MembershipFactory(
        workspace=workspace, role=Role.ADMIN, user=UserFactory(username="admin-2")
    ).user
    flag_for_admin(claim, user=reviewer, reason=REASON)
    assert recipients() == {ws_admin.username, second.username}
    assert set(Alert.objects.values_list("kind", flat=True)) == {AlertKind.FLAGGED}


def test_flagging_alerts_no_analyst_reviewer_or_admin_of_another_workspace(
    claim, reviewer, analyst, ws_admin, outsider
):
    flag_for_admin(claim, user=reviewer, reason=REASON)
    assert recipients() == {ws_admin.username}


def test_an_admin_who_flags_is_not_alerted_but_the_other_admins_are(claim, ws_admin, workspace):
    other = MembershipFactory(workspace=workspace, role=Role.ADMIN, user=UserFactory(username="admin-2")).user
    flag_for_admin(claim, user=ws_admin, reason=REASON)
    assert recipients() == {other.username}


def test_an_inactive_admin_gets_no_flag_alert(claim, reviewer, ws_admin):
    ws_admin.is_active = False
    ws_admin.save()
    flag_for_admin(claim, user=reviewer, reason=REASON)
    assert not Alert.objects.exists()


def test_a_refused_flag_alerts_nobody(claim, analyst, ws_admin):
    with pytest.raises(PermissionDenied):
        flag_for_admin(claim, user=analyst, reason=REASON)
    assert not Alert.objects.exists()


def test_the_flag_alert_names_the_claim_who_flagged_it_and_why(claim, reviewer, ws_admin):
    flag_for_admin(claim, user=reviewer, reason=f"  {REASON} ")
    alert = Alert.objects.get()
    assert alert.claim == claim
    assert alert.message == (
        f"reviewer flagged the claim \u2068Shelling resumed.\u2069 for an admin: {REASON}"
    )


def test_the_flag_alert_of_evidence_points_at_the_evidence_and_its_claim(claim, reviewer, ws_admin, source):
    evidence = EvidenceFactory(claim=claim, passage=PassageFactory(workspace=claim.workspace, source=source))
    flag_for_admin(evidence, user=reviewer, reason="Wrong passage.")
    alert = Alert.objects.get()
    assert (alert.evidence, alert.claim) == (evidence, claim)
    assert alert.message.startswith(
        "reviewer flagged the evidence for the claim \u2068Shelling resumed.\u2069"
    )


def test_the_flag_alert_of_an_annotation_points_at_it_and_its_source(reviewer, ws_admin, workspace, source):
    note = AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(workspace=workspace, source=source)]
    )
    flag_for_admin(note, user=reviewer, reason="Offensive wording.")
    alert = Alert.objects.get()
    assert (alert.annotation, alert.source) == (note, source)


def test_the_admins_inbox_and_header_show_the_flag_with_a_link_to_the_claim(
    client, claim, reviewer, ws_admin, workspace
):
    flag_for_admin(claim, user=reviewer, reason=REASON)
    assert unread_count(ws_admin) == 1
    client.force_login(ws_admin)
    html = client.get(reverse("archive:alerts")).content.decode()
    assert "flagged for an admin" in html and "Possible duplicate of another claim." in html
    assert f'href="{reverse("archive:claim", args=[workspace.slug, claim.pk])}"' in html
    assert "No alerts." not in html


def test_the_admins_inbox_links_a_flagged_annotation_to_its_source_and_history(
    client, reviewer, ws_admin, workspace, source
):
    note = AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(workspace=workspace, source=source)]
    )
    flag_for_admin(note, user=reviewer, reason="Offensive wording.")
    client.force_login(ws_admin)
    html = client.get(reverse("archive:alerts")).content.decode()
    assert reverse("archive:source", args=[workspace.slug, source.pk]) in html
    assert reverse("archive:object_history", args=[workspace.slug, "annotation", note.pk]) in html


def test_flagging_from_the_claim_page_alerts_the_admin(client, claim, reviewer, ws_admin, workspace):
    client.force_login(reviewer)
    client.post(
        reverse("archive:flag", args=[workspace.slug, "claim", claim.pk]),
        {"version": claim.version, "reason": REASON},
    )
    assert recipients() == {ws_admin.username}


def test_the_claim_page_shows_its_latest_flag_who_and_why(client, claim, reviewer, ws_admin, workspace):
    flag_for_admin(claim, user=reviewer, reason="First look.")
    flag_for_admin(claim, user=ws_admin, reason=REASON)
    client.force_login(ws_admin)
    html = client.get(reverse("archive:claim", args=[workspace.slug, claim.pk])).content.decode()
    assert "<strong>Flagged for an admin</strong> by <bdi>ws-admin</bdi>" in html
    assert REASON in html and "First look." not in html


def test_an_unflagged_claims_page_shows_no_flag(client, claim, ws_admin, workspace):
    client.force_login(ws_admin)
    html = client.get(reverse("archive:claim", args=[workspace.slug, claim.pk])).content.decode()
    assert "<strong>Flagged for an admin</strong>" not in html


def test_the_history_page_of_flagged_evidence_shows_the_flag(
    client, claim, reviewer, ws_admin, workspace, source
):
    evidence = EvidenceFactory(claim=claim, passage=PassageFactory(workspace=workspace, source=source))
    flag_for_admin(evidence, user=reviewer, reason="Wrong passage.")
    client.force_login(ws_admin)
    url = reverse("archive:object_history", args=[workspace.slug, "evidence", evidence.pk])
    html = client.get(url).content.decode()
    assert "<strong>Flagged for an admin</strong> by <bdi>reviewer</bdi>" in html and "Wrong passage." in html


def test_flag_alerts_are_in_the_verified_ledger(claim, reviewer, ws_admin, workspace):
    flag_for_admin(claim, user=reviewer, reason=REASON)
    assert Alert.history.count() == 1
    assert verify_workspace(workspace.pk).ok


def test_a_flag_in_another_workspace_does_not_reach_this_ones_admin(reviewer, ws_admin):
    elsewhere = WorkspaceFactory()
    their_reviewer = MembershipFactory(workspace=elsewhere, role=Role.REVIEWER).user
    flag_for_admin(ClaimFactory(workspace=elsewhere), user=their_reviewer, reason=REASON)
    assert not Alert.objects.filter(recipient=ws_admin).exists()


def test_each_mark_read_button_is_described_by_its_alerts_message(client, claim, reviewer, ws_admin):
    flag_for_admin(claim, user=reviewer, reason=REASON)
    alert = Alert.objects.get(recipient=ws_admin)
    client.force_login(ws_admin)
    page = client.get(reverse("archive:alerts")).content.decode()
    assert f'id="alert-{alert.pk}-message">{escape(alert.message)}' in page
    assert f'aria-describedby="alert-{alert.pk}-message">Mark read</button>' in page
