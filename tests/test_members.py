"""A workspace's members, managed by its admins on the members page (the Django
admin's membership pages call the same domain functions)."""

import re
import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.urls import reverse

from archive import workspaces
from archive.core.attribution import REASON_MAX_LENGTH
from archive.core.text import control_character_problem, isolated
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


def test_a_deactivated_account_is_refused_saying_it_is_deactivated(client, ws_admin, workspace):
    UserFactory(username="leaver", is_active=False)
    client.force_login(ws_admin)
    response = client.post(members_url(workspace), {"username": "Leaver", "role": Role.ANALYST})
    assert response.status_code == 400
    assert "is deactivated: the operator of the site can reactivate it." in response.content.decode()
    assert not workspace.memberships.filter(user__username="leaver").exists()


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
        set_role(workspace=workspace, member=ws_admin, role=Role.ANALYST, user=ws_admin, reason="leaving")
    with pytest.raises(Exception, match=LAST_ADMIN):
        remove_member(membership=membership, user=ws_admin, reason="leaving")
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_an_admin_may_step_down_once_another_admin_is_there(ws_admin, workspace, analyst):
    set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin, reason="deputy")
    set_role(
        workspace=workspace,
        member=ws_admin,
        role=Role.ANALYST,
        user=ws_admin,
        reason="handing over",
        own_access_confirmed=True,
    )
    assert Membership.objects.get(workspace=workspace, user=ws_admin).role == Role.ANALYST


def test_the_page_says_why_the_last_admin_stays(client, ws_admin, workspace):
    membership = Membership.objects.get(workspace=workspace, user=ws_admin)
    client.force_login(ws_admin)
    response = client.post(remove_url(membership), {"reason": "leaving"})
    assert response.status_code == 400
    assert LAST_ADMIN in response.content.decode()
    demoted = client.post(role_url(workspace, ws_admin), {"role": Role.ANALYST, "reason": "leaving"})
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


def test_an_admin_who_confirms_stepping_down_lands_on_the_workspace_told_what_happened(
    client, ws_admin, analyst, workspace
):
    set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin, reason="deputy")
    client.force_login(ws_admin)
    data = {"role": Role.REVIEWER, "reason": "handing over", "own_access_confirmed": "yes"}
    demoted = client.post(role_url(workspace, ws_admin), data)
    assert demoted["Location"] == reverse("archive:workspace", args=[workspace.slug])
    assert client.get(demoted["Location"]).status_code == 200
    assert [str(m) for m in get_messages(demoted.wsgi_request)] == [
        "You are now Reviewer in \u2068Southern Syria 2017\u2069 and no longer manage it. "
        "To manage it again, ask its admins: \u2068analyst\u2069."
    ]
    assert Membership.objects.get(workspace=workspace, user=ws_admin).role == Role.REVIEWER


def test_an_admin_who_confirms_leaving_lands_on_their_home_page_told_whom_to_ask(
    client, ws_admin, analyst, workspace
):
    set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin, reason="deputy")
    client.force_login(analyst)
    own = Membership.objects.get(workspace=workspace, user=analyst)
    left = client.post(remove_url(own), {"reason": "moving to another case", "own_access_confirmed": "yes"})
    assert left["Location"] == reverse("archive:home")
    assert client.get(left["Location"]).status_code == 200
    assert [str(m) for m in get_messages(left.wsgi_request)] == [
        "You are no longer a member of \u2068Southern Syria 2017\u2069. "
        "To be added again, ask its admins: \u2068ws-admin\u2069."
    ]
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_an_admin_stepping_down_is_first_shown_what_they_would_lose_and_keeps_their_role(
    client, ws_admin, analyst, workspace
):
    set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin, reason="deputy")
    client.force_login(ws_admin)
    asked = client.post(role_url(workspace, ws_admin), {"role": Role.ANALYST, "reason": "handing over"})
    assert asked.status_code == 200 and "archive/own_access_confirm.html" in [t.name for t in asked.templates]
    page = asked.content.decode()
    assert "You will no longer be able to manage this workspace." in page
    assert "Confirm: make me Analyst" in page and "<bdi>analyst</bdi>" in page  # who can give it back
    assert "Members and their roles" in page and ">\nhanding over</textarea>" in page
    assert Membership.objects.get(workspace=workspace, user=ws_admin).role == Role.ADMIN


def test_an_admin_removing_themselves_is_first_asked_to_confirm_and_stays(
    client, ws_admin, analyst, workspace
):
    set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin, reason="deputy")
    own = Membership.objects.get(workspace=workspace, user=ws_admin)
    client.force_login(ws_admin)
    asked = client.post(remove_url(own), {"reason": "moving on"})
    assert asked.status_code == 200
    assert "you will no longer see it" in asked.content.decode()
    assert "Confirm: remove me" in asked.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_the_domain_refuses_an_unconfirmed_change_taking_away_ones_own_access_saying_what_is_lost(
    ws_admin, analyst, workspace
):
    set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin, reason="deputy")
    with pytest.raises(workspaces.OwnAccessUnconfirmed) as asked:
        set_role(workspace=workspace, member=ws_admin, role=Role.REVIEWER, user=ws_admin, reason="audits")
    assert asked.value.stays_member and asked.value.stops_managing
    assert "Members and their roles; the workspace's name and description" in asked.value.lost
    assert "Highlight, annotate, cite evidence, create claims, import sources, explain divergences" in (
        asked.value.lost
    )
    own = Membership.objects.get(workspace=workspace, user=ws_admin)
    with pytest.raises(workspaces.OwnAccessUnconfirmed) as left:
        remove_member(membership=own, user=ws_admin, reason="leaving")
    assert not left.value.stays_member
    assert Membership.objects.get(pk=own.pk).role == Role.ADMIN


def test_changing_someone_elses_role_is_not_asked_about(ws_admin, analyst, workspace):
    set_role(workspace=workspace, member=analyst, role=Role.REVIEWER, user=ws_admin, reason="audits")
    assert Membership.objects.get(workspace=workspace, user=analyst).role == Role.REVIEWER


@pytest.mark.parametrize(
    "change",
    [
        lambda ws, admin, member: workspaces.add_member(
            workspace=ws, member=UserFactory(), role=Role.ANALYST, user=admin, reason=" "
        ),
        lambda ws, admin, member: set_role(
            workspace=ws, member=member, role=Role.REVIEWER, user=admin, reason=""
        ),
        lambda ws, admin, member: remove_member(
            membership=Membership.objects.get(user=member), user=admin, reason=""
        ),
    ],
    ids=["add", "change role", "remove"],
)
def test_the_domain_refuses_a_change_of_who_has_access_without_a_reason(change, ws_admin, analyst, workspace):
    before = list(workspace.memberships.values_list("user", "role"))
    with pytest.raises(ValidationError) as refused:
        change(workspace, ws_admin, analyst)
    assert refused.value.message_dict == {"reason": [workspaces.ACCESS_REASON_REQUIRED]}
    assert list(workspace.memberships.values_list("user", "role")) == before


def test_a_workspace_is_not_created_without_a_reason_for_its_first_admin(ws_admin):
    with pytest.raises(ValidationError) as refused:
        workspaces.create_workspace(user=ws_admin, name="Second", slug="second", admin=ws_admin, reason="")
    assert refused.value.message_dict == {"reason": [workspaces.ACCESS_REASON_REQUIRED]}
    assert not Workspace.objects.filter(slug="second").exists()


def test_adding_a_member_without_a_reason_is_refused_on_the_page(client, ws_admin, workspace, outsider):
    client.force_login(ws_admin)
    response = client.post(members_url(workspace), {"username": outsider.username, "role": Role.ANALYST})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Say why: the reason is kept in the history."]
    assert not Membership.objects.filter(workspace=workspace, user=outsider).exists()


def test_changing_a_role_without_a_reason_is_refused_on_the_page(client, ws_admin, workspace, analyst):
    client.force_login(ws_admin)
    response = client.post(role_url(workspace, analyst), {"role": Role.REVIEWER, "reason": " "})
    assert response.status_code == 400
    assert "The role of \u2068analyst\u2069 was not changed. Say why" in response.content.decode()
    assert Membership.objects.get(workspace=workspace, user=analyst).role == Role.ANALYST


def test_every_reason_box_on_the_members_page_takes_the_shared_length_and_is_required(
    client, ws_admin, workspace, analyst
):
    client.force_login(ws_admin)
    html = client.get(members_url(workspace)).content.decode()
    page = html[html.index("<main") :]  # the header's search box has its own length
    boxes = re.findall(r"<textarea name=\"reason\"[^>]*>", page)
    assert len(boxes) == 2 * workspace.memberships.count() + 1  # role and removal per member, and adding
    assert all(f'maxlength="{REASON_MAX_LENGTH}"' in box and "required" in box for box in boxes)
    assert 'maxlength="500"' not in page


def test_a_reason_as_long_as_the_shared_maximum_is_kept_when_changing_a_role(
    client, ws_admin, workspace, analyst
):
    client.force_login(ws_admin)
    reason = "r" * REASON_MAX_LENGTH
    assert (
        client.post(role_url(workspace, analyst), {"role": Role.REVIEWER, "reason": reason}).status_code
        == 302
    )
    assert Membership.objects.get(user=analyst).history.first().history_change_reason == reason


def test_the_workspace_form_says_its_reason_is_optional(client, ws_admin, workspace):
    client.force_login(ws_admin)
    page = client.get(reverse("archive:workspace_edit", args=[workspace.slug])).content.decode()
    assert "Reason (optional, kept in the history)" in page
    response = client.post(reverse("archive:workspace_edit", args=[workspace.slug]), {"name": "Daraa 2017"})
    assert response.status_code == 302


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_two_admins_stepping_down_at_once_leave_one_admin(workspace, ws_admin, analyst, monkeypatch):
    set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin, reason="deputy")
    real_update = workspaces.update_object

    def slow_update(*args, **kwargs):  # both have checked before either writes, unless one waits
        time.sleep(0.3)
        return real_update(*args, **kwargs)

    monkeypatch.setattr(workspaces, "update_object", slow_update)
    start, outcomes = threading.Barrier(2), []

    def step_down(admin) -> None:
        try:
            start.wait()
            set_role(
                workspace=workspace,
                member=admin,
                role=Role.ANALYST,
                user=admin,
                reason="stepping down",
                own_access_confirmed=True,
            )
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
    data = {"username": reviewer.username, "role": Role.ANALYST, "reason": "joins"}
    response = client.post(members_url(workspace), data)
    assert response.status_code == 400
    assert (
        "\u2068reviewer\u2069 is already a member, as Reviewer: "
        "change their role where the members are listed." in response.content.decode()
    )
    membership = Membership.objects.get(workspace=workspace, user=reviewer)
    assert (membership.role, membership.history.count()) == (Role.REVIEWER, 1)


def test_the_domain_refuses_to_add_someone_already_a_member(ws_admin, workspace, reviewer):
    with pytest.raises(ValidationError, match="already a member, as Reviewer"):
        workspaces.add_member(
            workspace=workspace, member=reviewer, role=Role.ANALYST, user=ws_admin, reason="joins"
        )
    assert Membership.objects.get(workspace=workspace, user=reviewer).role == Role.REVIEWER


def test_changing_the_role_of_someone_not_in_the_workspace_is_refused(ws_admin, workspace, outsider):
    with pytest.raises(ValidationError, match="not a member of this workspace"):
        set_role(workspace=workspace, member=outsider, role=Role.ANALYST, user=ws_admin, reason="joins")
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


def test_a_deactivated_admin_does_not_count_as_the_workspaces_admin_and_is_named(ws_admin, workspace):
    former = UserFactory(username="former", is_active=False)
    Membership.objects.create(workspace=workspace, user=former, role=Role.ADMIN)
    with pytest.raises(ValidationError) as refused:
        set_role(
            workspace=workspace, member=ws_admin, role=Role.ANALYST, user=ws_admin, reason="stepping down"
        )
    said = f"{isolated('former')} is admin too, but the account is deactivated."
    assert refused.value.messages == [f"{LAST_ADMIN} {said}"]


def test_a_deactivated_account_cannot_be_added_to_a_workspace(ws_admin, workspace):
    former = UserFactory(username="former", is_active=False)
    with pytest.raises(ValidationError) as refused:
        workspaces.add_member(
            workspace=workspace, member=former, role=Role.ANALYST, user=ws_admin, reason="joins"
        )
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


def test_the_username_field_is_not_capitalised_or_corrected_by_a_phone_keyboard(client, ws_admin, workspace):
    client.force_login(ws_admin)
    page = client.get(members_url(workspace)).content.decode()
    [field] = re.findall(r'<input type="text" name="username"[^>]*>', page)
    for attribute in ('autocapitalize="none"', 'autocorrect="off"', 'spellcheck="false"'):
        assert attribute in field


def test_a_username_typed_with_a_capital_first_letter_adds_the_member(client, ws_admin, workspace, outsider):
    client.force_login(ws_admin)
    data = {"username": "Outsider", "role": Role.ANALYST, "reason": "typed on a phone"}
    assert client.post(members_url(workspace), data).status_code == 302
    assert Membership.objects.get(workspace=workspace, user=outsider).role == Role.ANALYST


def test_the_account_named_exactly_wins_over_one_differing_only_by_case(db):
    lower, upper = UserFactory(username="sam"), UserFactory(username="Sam")
    assert (workspaces.account_called("sam"), workspaces.account_called("Sam")) == (lower, upper)


def test_an_account_is_found_whatever_the_case_typed(db):
    account = UserFactory(username="demo-reviewer")
    assert workspaces.account_called("Demo-Reviewer") == account


def test_a_name_several_accounts_share_apart_from_case_is_refused_naming_them(db):
    UserFactory(username="sam"), UserFactory(username="Sam")
    with pytest.raises(ValidationError) as refused:
        workspaces.account_called("SAM")
    assert refused.value.code == "accounts_differ_by_case"
    assert "\u2068Sam\u2069" in refused.value.messages[0] and "\u2068sam\u2069" in refused.value.messages[0]


def test_a_deactivated_account_is_not_found_by_its_name_in_another_case(db):
    UserFactory(username="former", is_active=False)
    with pytest.raises(ValidationError) as refused:
        workspaces.account_called("Former")
    assert refused.value.messages == [workspaces.DEACTIVATED.format(username="\u2068former\u2069")]


def test_a_command_finds_its_user_whatever_the_case_typed(analyst):
    # The user is found, so the command goes on to the source, which does not exist.
    with pytest.raises(CommandError, match="No source 999999"):
        call_command("recapture", "999999", "--by", "Analyst")


def card_html(html: str, membership) -> str:
    return html.split(f'<li id="member-{membership.pk}">', 1)[1].split("</li>", 1)[0]


def test_a_refused_role_change_comes_back_with_the_members_card_open_and_linked(
    client, ws_admin, workspace, analyst
):
    client.force_login(ws_admin)
    response = client.post(role_url(workspace, analyst), {"role": Role.REVIEWER, "reason": " "})
    html = response.content.decode()
    refused = Membership.objects.get(workspace=workspace, user=analyst)
    own = Membership.objects.get(workspace=workspace, user=ws_admin)
    assert "<details open>" in card_html(html, refused)
    assert "<details>" in card_html(html, own)
    assert f'<li><a href="#member-{refused.pk}">The role of \u2068analyst\u2069 was not changed.' in html


def test_a_refused_role_change_keeps_the_role_chosen_and_marks_the_reason(
    client, ws_admin, workspace, analyst
):
    client.force_login(ws_admin)
    response = client.post(role_url(workspace, analyst), {"role": Role.REVIEWER, "reason": " "})
    card = card_html(response.content.decode(), Membership.objects.get(workspace=workspace, user=analyst))
    assert f'<option value="{Role.REVIEWER}" selected>' in card
    assert re.search(r'<textarea name="reason"[^>]*aria-invalid="true"', card)


def test_a_refused_removal_comes_back_with_the_members_card_open(client, ws_admin, workspace, analyst):
    membership = Membership.objects.get(workspace=workspace, user=analyst)
    client.force_login(ws_admin)
    html = client.post(remove_url(membership), {"reason": "  "}).content.decode()
    assert "<details open>" in card_html(html, membership)
    assert f'<li><a href="#member-{membership.pk}">\u2068analyst\u2069 was not removed.' in html
