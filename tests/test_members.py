"""A workspace always keeps an admin, whichever way its members are changed."""

import pytest
from django.urls import reverse

from archive.models import Membership, Role
from archive.workspaces import LAST_ADMIN, remove_member, set_role


def test_the_last_admin_can_be_neither_demoted_nor_removed(ws_admin, workspace):
    membership = Membership.objects.get(workspace=workspace, user=ws_admin)
    with pytest.raises(Exception, match=LAST_ADMIN):
        set_role(workspace=workspace, member=ws_admin, role=Role.ANALYST, user=ws_admin)
    with pytest.raises(Exception, match=LAST_ADMIN):
        remove_member(membership=membership, user=ws_admin, reason="leaving")
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_an_admin_may_step_down_once_another_admin_is_there(ws_admin, workspace, analyst):
    set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin)
    set_role(workspace=workspace, member=ws_admin, role=Role.ANALYST, user=ws_admin, reason="handing over")
    assert Membership.objects.get(workspace=workspace, user=ws_admin).role == Role.ANALYST


def test_the_site_admin_is_refused_deleting_the_last_admin_without_an_error_page(
    client, superuser, ws_admin, workspace
):
    membership = Membership.objects.get(workspace=workspace, user=ws_admin)
    client.force_login(superuser)
    url = reverse("admin:archive_membership_delete", args=[membership.pk])
    response = client.post(url, {"post": "yes", "reason": "tidying up"}, follow=True)
    assert response.status_code == 200
    assert f"Nothing was deleted. {LAST_ADMIN}" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_site_admins_bulk_delete_removes_none_if_it_would_remove_the_last_admin(
    client, superuser, ws_admin, analyst, workspace
):
    ids = list(workspace.memberships.filter(user__in=[analyst, ws_admin]).values_list("pk", flat=True))
    client.force_login(superuser)
    data = {"action": "delete_selected", "_selected_action": ids, "post": "yes", "reason": "tidying up"}
    response = client.post(reverse("admin:archive_membership_changelist"), data, follow=True)
    assert response.status_code == 200
    assert LAST_ADMIN in response.content.decode()
    assert workspace.memberships.filter(pk__in=ids).count() == 2
