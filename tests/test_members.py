"""A workspace's members, managed by its admins on the members page (the Django
admin's membership pages call the same domain functions)."""

import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse

from archive import workspaces
from archive.core.text import control_character_problem
from archive.models import HistoryEntry, Membership, Role, Workspace
from archive.models.workspace import INACTIVE_ACCOUNT
from archive.workspaces import LAST_ADMIN, remove_member, set_role
from tests.factories import UserFactory
from tests.support import reverted


def members_url(workspace) -> str:
    return reverse("archive:members", args=[workspace.slug])


def remove_url(membership) -> str:
    return reverse("archive:member_remove", args=[membership.workspace.slug, membership.pk])


def role_url(workspace, user) -> str:
    membership = Membership.objects.get(workspace=workspace, user=user)
    return reverse("archive:member_role", args=[workspace.slug, membership.pk])


def test_admin_adds_someone_with_a_role_and_the_reason_is_kept(client, ws_admin, workspace, outsider):
    client.force_login(ws_admin)
    data = {"username": outsider.username, "role": Role.REVIEWER, "reason": "joins the verification desk"}
    response = client.post(members_url(workspace), data)
    assert response.status_code == 302
    membership = Membership.objects.get(workspace=workspace, user=outsider)
    assert membership.role == Role.REVIEWER
    created = membership.history.get()
    assert (created.history_user, created.history_change_reason) == (ws_admin, "joins the verification desk")
    assert HistoryEntry.objects.filter(model="membership", object_id=membership.pk).count() == 1
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "\u2068outsider\u2069 is now a member, as Reviewer."
    ]


def test_admin_changes_a_members_role(client, ws_admin, workspace, analyst):
    client.force_login(ws_admin)
    client.post(role_url(workspace, analyst), {"role": Role.REVIEWER, "reason": "audits"})
    membership = Membership.objects.get(workspace=workspace, user=analyst)
    assert membership.role == Role.REVIEWER
    assert membership.history.first().history_change_reason == "audits"


def test_opening_a_role_change_address_goes_to_the_members_page(client, ws_admin, workspace, analyst):
    # After a refused change, the address bar shows the form's URL: Enter there is a GET.
    client.force_login(ws_admin)
    response = client.get(role_url(workspace, analyst))
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("archive:members", args=[workspace.slug]),
    )
    assert Membership.objects.get(workspace=workspace, user=analyst).role == Role.ANALYST


def test_admin_removes_a_member_with_a_reason(client, ws_admin, workspace, analyst):
    membership = Membership.objects.get(workspace=workspace, user=analyst)
    client.force_login(ws_admin)
    response = client.post(remove_url(membership), {"reason": "left the project"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    deleted = Membership.history.filter(id=membership.pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (ws_admin, "left the project")


def test_removing_without_a_reason_is_refused_and_the_member_stays(client, ws_admin, workspace, analyst):
    membership = Membership.objects.get(workspace=workspace, user=analyst)
    client.force_login(ws_admin)
    response = client.post(remove_url(membership), {"reason": "  "})
    assert response.status_code == 400
    assert "analyst\u2069 was not removed." in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_unknown_username_is_refused_with_what_to_do(client, ws_admin, workspace):
    before = workspace.memberships.count()
    client.force_login(ws_admin)
    response = client.post(members_url(workspace), {"username": "nobody-here", "role": Role.ANALYST})
    assert response.status_code == 400
    assert "Accounts are made by the operator of the site." in response.content.decode()
    assert workspace.memberships.count() == before


def test_a_username_with_a_control_character_is_refused_on_the_field_with_the_shared_message(
    client, ws_admin, workspace, analyst
):
    client.force_login(ws_admin)
    data = {"username": f"{analyst.username}\x1b", "role": Role.ANALYST}
    response = client.post(members_url(workspace), data)
    assert response.status_code == 400
    assert response.context["form"].errors["username"] == [
        control_character_problem(data["username"], what="The username", lines=False)
    ]


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


def test_the_page_says_why_the_last_admin_stays(client, ws_admin, workspace):
    membership = Membership.objects.get(workspace=workspace, user=ws_admin)
    client.force_login(ws_admin)
    response = client.post(remove_url(membership), {"reason": "leaving"})
    assert response.status_code == 400
    assert LAST_ADMIN in response.content.decode()
    demoted = client.post(role_url(workspace, ws_admin), {"role": Role.ANALYST})
    assert demoted.status_code == 400 and LAST_ADMIN in demoted.content.decode()
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMIN


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


def test_admin_renames_the_workspace_and_says_why(client, ws_admin, workspace):
    client.force_login(ws_admin)
    url = reverse("archive:workspace_edit", args=[workspace.slug])
    data = {"name": "Daraa 2017", "description": "Shelling reports.", "reason": "the case narrowed"}
    assert client.post(url, data).status_code == 302
    workspace.refresh_from_db()
    assert (workspace.name, workspace.description) == ("Daraa 2017", "Shelling reports.")
    assert workspace.history.first().history_change_reason == "the case narrowed"


def test_a_workspace_without_a_name_is_refused(client, ws_admin, workspace):
    client.force_login(ws_admin)
    response = client.post(reverse("archive:workspace_edit", args=[workspace.slug]), {"name": " "})
    assert response.status_code == 400
    assert Workspace.objects.get(pk=workspace.pk).name == workspace.name


def test_an_admin_who_steps_down_lands_on_the_workspace_they_still_read(client, ws_admin, analyst, workspace):
    set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin)
    client.force_login(ws_admin)
    demoted = client.post(role_url(workspace, ws_admin), {"role": Role.REVIEWER})
    assert demoted["Location"] == reverse("archive:workspace", args=[workspace.slug])
    assert client.get(demoted["Location"]).status_code == 200


def test_an_admin_who_leaves_lands_on_their_home_page(client, ws_admin, analyst, workspace):
    set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin)
    client.force_login(analyst)
    own = Membership.objects.get(workspace=workspace, user=analyst)
    left = client.post(remove_url(own), {"reason": "moving to another case"})
    assert left["Location"] == reverse("archive:home")
    assert client.get(left["Location"]).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_two_admins_stepping_down_at_once_leave_one_admin(workspace, ws_admin, analyst, monkeypatch):
    set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin)
    real_update = workspaces.update_object

    def slow_update(*args, **kwargs):  # both have checked before either writes, unless one waits
        time.sleep(0.3)
        return real_update(*args, **kwargs)

    monkeypatch.setattr(workspaces, "update_object", slow_update)
    start, outcomes = threading.Barrier(2), []

    def step_down(admin) -> None:
        try:
            start.wait()
            set_role(workspace=workspace, member=admin, role=Role.ANALYST, user=admin)
            outcomes.append("stepped down")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=step_down, args=(admin,)) for admin in (ws_admin, analyst)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["stepped down", LAST_ADMIN])
    assert workspace.memberships.filter(role=Role.ADMIN).count() == 1


def test_adding_someone_already_a_member_is_refused_saying_so_and_their_role_stays(
    client, ws_admin, workspace, reviewer
):
    client.force_login(ws_admin)
    response = client.post(members_url(workspace), {"username": reviewer.username, "role": Role.ANALYST})
    assert response.status_code == 400
    assert (
        "\u2068reviewer\u2069 is already a member, as Reviewer: "
        "change their role where the members are listed." in response.content.decode()
    )
    membership = Membership.objects.get(workspace=workspace, user=reviewer)
    assert (membership.role, membership.history.count()) == (Role.REVIEWER, 1)


def test_the_domain_refuses_to_add_someone_already_a_member(ws_admin, workspace, reviewer):
    with pytest.raises(ValidationError, match="already a member, as Reviewer"):
        workspaces.add_member(workspace=workspace, member=reviewer, role=Role.ANALYST, user=ws_admin)
    assert Membership.objects.get(workspace=workspace, user=reviewer).role == Role.REVIEWER


def test_changing_the_role_of_someone_not_in_the_workspace_is_refused(ws_admin, workspace, outsider):
    with pytest.raises(ValidationError, match="not a member of this workspace"):
        set_role(workspace=workspace, member=outsider, role=Role.ANALYST, user=ws_admin)
    assert not Membership.objects.filter(workspace=workspace, user=outsider).exists()


def test_a_role_that_does_not_exist_is_refused_on_the_members_list(client, ws_admin, workspace, analyst):
    client.force_login(ws_admin)
    response = client.post(role_url(workspace, analyst), {"role": "owner"})
    assert response.status_code == 400
    assert "The role of \u2068analyst\u2069 was not changed." in response.content.decode()
    assert Membership.objects.get(workspace=workspace, user=analyst).role == Role.ANALYST


def test_reverting_the_last_admins_membership_to_an_earlier_role_is_refused(ws_admin, workspace, analyst):
    promoted = set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin, reason="deputy")
    set_role(workspace=workspace, member=ws_admin, role=Role.ANALYST, user=analyst, reason="steps down")
    as_analyst = promoted.history.order_by("history_id").first()
    with pytest.raises(ValidationError) as refused:
        reverted(promoted, history_id=as_analyst.history_id, user=analyst, reason="undo")
    assert refused.value.messages == [LAST_ADMIN]
    assert Membership.objects.get(pk=promoted.pk).role == Role.ADMIN


def test_a_deactivated_admin_does_not_count_as_the_workspaces_admin(ws_admin, workspace):
    former = UserFactory(username="former", is_active=False)
    Membership.objects.create(workspace=workspace, user=former, role=Role.ADMIN)
    with pytest.raises(ValidationError) as refused:
        set_role(
            workspace=workspace, member=ws_admin, role=Role.ANALYST, user=ws_admin, reason="stepping down"
        )
    assert refused.value.messages == [LAST_ADMIN]


def test_a_deactivated_account_cannot_be_added_to_a_workspace(ws_admin, workspace):
    former = UserFactory(username="former", is_active=False)
    with pytest.raises(ValidationError) as refused:
        workspaces.add_member(workspace=workspace, member=former, role=Role.ANALYST, user=ws_admin)
    assert refused.value.messages == [INACTIVE_ACCOUNT.format(username="\u2068former\u2069")]


def test_a_removed_membership_of_an_account_deactivated_since_is_not_restored(ws_admin, workspace, analyst):
    membership = Membership.objects.get(user=analyst)
    remove_member(membership=membership, user=ws_admin, reason="left")
    analyst.is_active = False
    analyst.save()
    removal = Membership.history.get(id=membership.pk, history_type="-")
    with pytest.raises(ValidationError):
        reverted(membership, history_id=removal.history_id, user=ws_admin, reason="back")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_members_page_says_which_accounts_are_deactivated(client, ws_admin, workspace, analyst):
    analyst.is_active = False
    analyst.save()
    client.force_login(ws_admin)
    page = client.get(members_url(workspace)).content.decode()
    assert page.count("account deactivated") == 1
