"""The Django admin: read-only stored texts, and the reasons a delete, a revert
or a regrade needs there as everywhere else."""

import hashlib
import re

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission, User
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token

from archive.admin import TrackedAdmin
from archive.claims import EDITABLE_FIELDS, delete_claim, edit_item
from archive.core.attribution import REASON_MAX_LENGTH
from archive.models import Claim, HistoryAction, HistoryEntry, Membership, Outlet, Role, Source, Workspace
from archive.sources.outlets import edit_outlet
from archive.workspaces import LAST_ADMIN, NEEDS_AN_ADMIN, set_role
from tests.factories import (
    ClaimFactory,
    MembershipFactory,
    OutletFactory,
    PassageFactory,
    UserFactory,
    WorkspaceFactory,
)

NO_REASON = "Nothing was deleted. Say why it is deleted: the reason is kept in the history."


def test_admin_cannot_edit_a_stored_source_text_that_passages_point_into(source, superuser):
    source_admin = site._registry[Source]
    request = RequestFactory().get("/")
    request.user = superuser
    assert "text" in source_admin.get_readonly_fields(request, source)
    assert "text" not in source_admin.get_readonly_fields(request, None)


@pytest.fixture
def staff(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def claim(workspace):
    return ClaimFactory(workspace=workspace, statement="First words", credibility=6)


def claim_form(claim, **changes) -> dict:
    """The admin change form of `claim`, as the browser posts it."""
    return {
        "workspace": claim.workspace_id,
        "statement": claim.statement,
        "credibility": claim.credibility,
        "credibility_reason": claim.credibility_reason,
        "status": claim.status,
        "tags": "[]",
        "review_status": claim.review_status,
        **changes,
    }


def test_delete_confirmation_asks_for_a_reason(staff, claim):
    page = staff.get(reverse("admin:archive_claim_delete", args=[claim.pk])).content.decode()
    assert 'name="reason"' in page and "required" in page


def test_admin_delete_without_a_reason_deletes_nothing_and_says_why(staff, claim):
    url = reverse("admin:archive_claim_delete", args=[claim.pk])
    response = staff.post(url, {"post": "yes", "reason": " "}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert NO_REASON in response.content.decode()
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert claim.history.count() == 1


def test_admin_delete_keeps_who_and_why_in_the_history(staff, superuser, claim):
    staff.post(reverse("admin:archive_claim_delete", args=[claim.pk]), {"post": "yes", "reason": "spam"})
    assert not Claim.objects.filter(pk=claim.pk).exists()
    deleted = Claim.history.filter(id=claim.pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (superuser, "spam")


def bulk_delete(client, claims, **extra):
    data = {"action": "delete_selected", "_selected_action": [c.pk for c in claims], "post": "yes", **extra}
    return client.post(reverse("admin:archive_claim_changelist"), data, follow=True)


def test_admin_bulk_delete_without_a_reason_deletes_nothing(staff, workspace, claim):
    other = ClaimFactory(workspace=workspace)
    response = bulk_delete(staff, [claim, other])
    assert NO_REASON in response.content.decode()
    assert Claim.objects.count() == 2
    assert not Claim.history.filter(history_type="-").exists()


def test_admin_bulk_delete_keeps_the_reason_for_each(staff, workspace, claim):
    other = ClaimFactory(workspace=workspace)
    bulk_delete(staff, [claim, other], reason="test data")
    assert not Claim.objects.exists()
    reasons = Claim.history.filter(history_type="-").values_list("history_change_reason", flat=True)
    assert list(reasons) == ["test data", "test data"]


def workspace_form(workspace, membership, **extra) -> dict:
    """The workspace's admin page with its one membership row, as the browser posts it."""
    return {
        "name": workspace.name,
        "slug": workspace.slug,
        "description": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": membership.pk,
        "memberships-0-workspace": workspace.pk,
        "memberships-0-user": membership.user_id,
        "memberships-0-role": membership.role,
        **extra,
    }


def test_a_workspace_added_in_the_admin_without_an_admin_is_refused(staff):
    data = {"name": "Second case", "slug": "second-case", "description": "", "change_reason": "new case"}
    response = staff.post(reverse("admin:archive_workspace_add"), data)
    assert response.status_code == 200
    assert NEEDS_AN_ADMIN in response.content.decode()
    assert not Workspace.objects.filter(slug="second-case").exists()


def test_a_workspace_added_in_the_admin_has_its_first_admin(staff):
    first = UserFactory(username="lead")
    data = {"name": "Second case", "slug": "second-case", "admin": first.pk, "change_reason": "new case"}
    assert staff.post(reverse("admin:archive_workspace_add"), data).status_code == 302
    workspace = Workspace.objects.get(slug="second-case")
    membership = Membership.objects.get(workspace=workspace)
    assert (membership.user, membership.role) == (first, Role.ADMIN)
    assert membership.history.get().history_change_reason == "new case"


def test_removing_a_member_in_the_admin_needs_a_reason(staff, workspace, analyst):
    membership = Membership.objects.get(user=analyst)
    url = reverse("admin:archive_workspace_change", args=[workspace.pk])
    response = staff.post(url, workspace_form(workspace, membership, **{"memberships-0-DELETE": "on"}))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["change_reason"]
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_members_email_alerts_are_shown_on_the_workspaces_admin_page_not_offered_to_change(
    staff, workspace, analyst
):
    # The member's own choice, made on their alerts page: a box here was ticked and not saved.
    page = staff.get(reverse("admin:archive_workspace_change", args=[workspace.pk])).content.decode()
    assert "E-mail alerts" in page or "Email alerts" in page
    assert 'name="memberships-0-email_alerts"' not in page


def test_removing_a_member_in_the_admin_keeps_the_reason(staff, workspace, analyst):
    membership = Membership.objects.get(user=analyst)
    url = reverse("admin:archive_workspace_change", args=[workspace.pk])
    data = workspace_form(
        workspace, membership, change_reason="left the project", **{"memberships-0-DELETE": "on"}
    )
    assert staff.post(url, data).status_code == 302
    assert Membership.history.filter(id=membership.pk, history_type="-").get().history_change_reason == (
        "left the project"
    )


def test_admin_revert_to_an_old_version_needs_a_reason(staff, claim):
    first = claim.history.get()
    Claim.objects.filter(pk=claim.pk).update(statement="Second words")
    url = reverse("admin:archive_claim_simple_history", args=[claim.pk, first.history_id])
    response = staff.post(url, claim_form(claim))
    assert response.status_code == 200
    assert "Say why you revert" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).statement == "Second words"


def test_admin_revert_is_recorded_as_a_revert_with_its_reason(staff, claim):
    first = claim.history.get()
    Claim.objects.filter(pk=claim.pk).update(statement="Second words")
    url = reverse("admin:archive_claim_simple_history", args=[claim.pk, first.history_id])
    assert staff.post(url, claim_form(claim, change_reason="vandalism")).status_code == 302
    entry = HistoryEntry.objects.filter(model="claim", object_id=claim.pk).latest("sequence")
    assert (entry.action, entry.reason) == (HistoryAction.REVERTED, "vandalism")
    assert Claim.objects.get(pk=claim.pk).statement == "First words"


def test_an_admin_revert_of_a_deleted_claim_saves_nothing_and_points_to_its_history_page(
    staff, claim, ws_admin
):
    first = claim.history.get()
    delete_claim(claim=claim, user=ws_admin, reason="Duplicate")
    url = reverse("admin:archive_claim_simple_history", args=[claim.pk, first.history_id])
    response = staff.post(url, claim_form(claim, change_reason="Bring it back"), follow=True)
    assert response.status_code == 200
    history_page = reverse("archive:object_history", args=[claim.workspace.slug, "claim", claim.pk])
    assert f"restores it from its history page ({history_page})" in response.content.decode()
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert claim.history.count() == 2  # its creation and its deletion


def test_a_revert_posted_for_what_the_admin_does_not_edit_is_forbidden(staff, source):
    # django-simple-history only hides the button: the post reached the domain (a 500).
    passage = PassageFactory(source=source, length=4)
    version = passage.history.get()
    url = reverse("admin:archive_passage_simple_history", args=[passage.pk, version.history_id])
    response = staff.post(url, {"source": source.pk, "start": 1, "end": 5, "change_reason": "x"})
    assert response.status_code == 403
    assert passage.history.count() == 1


def test_a_revert_posted_by_someone_who_may_only_view_is_forbidden(client, claim):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_claim"))
    client.force_login(viewer)
    first = claim.history.get()
    Claim.objects.filter(pk=claim.pk).update(statement="Second words")
    url = reverse("admin:archive_claim_simple_history", args=[claim.pk, first.history_id])
    response = client.post(url, claim_form(claim, change_reason="vandalism"))
    assert response.status_code == 403
    assert Claim.objects.get(pk=claim.pk).statement == "Second words"


@pytest.mark.parametrize("authors", ["[99999999999999999999999]", '["One name", 2]', "[1, 2]", '[""]'])
def test_a_sources_authors_other_than_a_list_of_names_are_sent_back_with_the_error(staff, source, authors):
    # The search index read each author as a name: a number there was a 500.
    url = reverse("admin:archive_source_change", args=[source.pk])
    form = {
        "title": source.title,
        "language": "en",
        "direction": "ltr",
        "authors": authors,
        "seen_version": source.version,
        "change_reason": "x",
    }
    response = staff.post(url, form)
    assert response.status_code == 200
    assert "list of at most 100 names" in str(response.context["adminform"].form.errors["authors"])
    assert Source.objects.get(pk=source.pk).authors == source.authors


def test_changing_a_grade_in_the_admin_needs_a_reason(staff, claim):
    url = reverse("admin:archive_claim_change", args=[claim.pk])
    response = staff.post(url, claim_form(claim, credibility=2))
    assert response.status_code == 200
    assert "Say why you change it" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).credibility == 6


def test_changing_a_grade_in_the_admin_with_a_reason_is_in_the_history(staff, claim):
    url = reverse("admin:archive_claim_change", args=[claim.pk])
    assert staff.post(url, claim_form(claim, credibility=2, change_reason="confirmed")).status_code == 302
    row = claim.history.first()
    assert (row.credibility, row.history_change_reason) == (2, "confirmed")


def test_an_admin_edit_from_a_stale_page_saves_nothing_and_says_why(staff, claim, analyst):
    edit_item(claim, user=analyst, expected_version=1, changes={"statement": "Edited meanwhile"})
    url = reverse("admin:archive_claim_change", args=[claim.pk])
    data = claim_form(claim, statement="Mine", seen_version=1, change_reason="typo")
    response = staff.post(url, data, follow=True)
    assert "Nothing was saved" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).statement == "Edited meanwhile"


def test_an_admin_edit_is_written_by_the_domain_with_its_reason(staff, claim):
    url = reverse("admin:archive_claim_change", args=[claim.pk])
    response = staff.post(
        url, claim_form(claim, statement="Second words", seen_version=1, change_reason="typo")
    )
    assert response.status_code == 302
    row = claim.history.first()
    assert (row.statement, row.history_change_reason, row.version) == ("Second words", "typo", 2)


def test_an_admin_change_form_shows_only_what_the_domain_lets_change(staff, claim):
    form = staff.get(reverse("admin:archive_claim_change", args=[claim.pk])).context["adminform"].form
    assert set(form.fields) == {*EDITABLE_FIELDS[Claim], "change_reason", "seen_version"}


@pytest.mark.parametrize("view", ["admin:archive_claim_change", "admin:archive_claim_delete"])
def test_an_empty_to_field_is_a_bad_request_not_a_server_error(staff, claim, view):
    # Django's own views look up a field named "" (FieldDoesNotExist, a 500).
    response = staff.get(reverse(view, args=[claim.pk]), {"_to_field": ""})
    assert response.status_code == 400


def test_an_empty_to_field_on_a_users_page_is_a_bad_request(staff, superuser):
    response = staff.get(reverse("admin:auth_user_change", args=[superuser.pk]), {"_to_field": ""})
    assert response.status_code == 400


def test_the_admin_asks_who_you_are_before_reading_to_field(client, claim):
    response = client.get(reverse("admin:archive_claim_change", args=[claim.pk]), {"_to_field": ""})
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("passages", ["abc", "99999999999999999999999"])
def test_an_autocomplete_given_no_id_sends_the_form_back_with_its_error(staff, claim, passages):
    # Django's autocomplete box looked every submitted value up to show it again: a 500.
    response = staff.post(
        reverse("admin:archive_evidence_add"),
        {"claim": claim.pk, "passage": passages, "stance": "supports", "change_reason": "x"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["passage"]


def test_a_group_given_a_permission_id_beyond_any_integer_is_sent_back_with_its_error(staff):
    # SQLite cannot bind such a number to look it up (OverflowError, a 500).
    response = staff.post(
        reverse("admin:auth_group_add"), {"name": "Editors", "permissions": ["99999999999999999999999"]}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["permissions"]


def test_an_annotation_given_a_passage_id_beyond_any_integer_is_sent_back_with_its_error(staff, workspace):
    response = staff.post(
        reverse("admin:archive_annotation_add"),
        {
            "workspace": workspace.pk,
            "body": "Note",
            "passages": ["99999999999999999999999"],
            "change_reason": "x",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["passages"]


def test_an_objects_versions_in_the_admin_show_the_reason_once(staff, claim):
    page = staff.get(reverse("admin:archive_claim_history", args=[claim.pk])).content.decode()
    headings = re.findall(r'<th scope="col">([^<]*)</th>', page)
    assert headings.count("Change reason") == 1
    assert "history_change_reason" not in headings


@pytest.mark.parametrize(
    ("view", "parameter"), [("admin:archive_claim_changelist", "q"), ("admin:autocomplete", "term")]
)
def test_an_admin_search_longer_than_a_search_is_400_saying_so(staff, claim, view, parameter):
    # Each word is a LIKE pattern: over 50,000 bytes, SQLite refused it (a 500).
    query = {parameter: "x" * 60_000, "app_label": "archive", "model_name": "evidence", "field_name": "claim"}
    response = staff.get(reverse(view), query)
    assert response.status_code == 400
    assert "The search is too long" in response.content.decode()


def test_a_sources_authors_are_typed_one_per_line_in_the_admin(staff, source):
    url = reverse("admin:archive_source_change", args=[source.pk])
    form = {
        "title": source.title,
        "language": "en",
        "direction": "ltr",
        "authors": "Alice Ä\r\n\r\n  Bob 🐝  \r\n",
        "seen_version": source.version,
        "change_reason": "named",
    }
    assert staff.post(url, form).status_code == 302
    assert Source.objects.get(pk=source.pk).authors == ["Alice Ä", "Bob 🐝"]
    assert "Alice Ä\nBob 🐝</textarea>" in staff.get(url).content.decode()


def test_an_admin_search_of_ordinary_length_finds_what_it_names(staff, claim):
    response = staff.get(reverse("admin:archive_claim_changelist"), {"q": "First"})
    assert response.status_code == 200 and claim in response.context["cl"].result_list


@pytest.mark.parametrize("escape", ["\\u0000", "\\ud800"])
def test_a_json_box_holding_an_escaped_nul_or_surrogate_is_sent_back_with_the_error(staff, claim, escape):
    # PostgreSQL refused the NUL inside the JSON (a 500); every JSON endpoint already refused both.
    url = reverse("admin:archive_claim_change", args=[claim.pk])
    form = claim_form(claim, tags=f'["water{escape}"]', change_reason="x", seen_version=claim.version)
    response = staff.post(url, form)
    assert response.status_code == 200
    assert "cannot be stored" in str(response.context["adminform"].form.errors["tags"]) or "surrogate" in str(
        response.context["adminform"].form.errors["tags"]
    )
    claim.refresh_from_db()
    assert claim.tags == []


HISTORY_ADMINS = [
    model for model, model_admin in site._registry.items() if isinstance(model_admin, TrackedAdmin)
]


@pytest.mark.parametrize("model", HISTORY_ADMINS, ids=lambda model: model._meta.model_name)
@pytest.mark.parametrize("object_id", ["abc", "1/change"])
def test_the_history_of_an_id_typed_by_hand_that_no_object_could_have_says_it_does_not_exist(
    staff, model, object_id
):
    opts = model._meta
    response = staff.get(f"/admin/{opts.app_label}/{opts.model_name}/{object_id}/history/", follow=True)
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    assert "doesn\u2019t exist" in response.content.decode()


@pytest.mark.parametrize("model", HISTORY_ADMINS, ids=lambda model: model._meta.model_name)
def test_an_old_version_of_an_id_typed_by_hand_that_no_object_could_have_says_it_does_not_exist(staff, model):
    opts = model._meta
    response = staff.get(f"/admin/{opts.app_label}/{opts.model_name}/abc/history/1/")
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_an_old_version_typed_by_hand_that_no_version_could_be_is_not_found(staff, claim):
    response = staff.get(f"/admin/archive/claim/{claim.pk}/history/abc/")
    assert response.status_code == 404


def shown_form(response) -> dict:
    """What the browser posts back of the admin form `response` shows, untouched."""
    form = response.context["adminform"].form
    values = {name: form[name].value() for name in form.fields}
    return {name: value for name, value in values.items() if value is not None}


def test_a_membership_added_in_the_admin_is_added_by_the_domain_for_the_staff_member(
    staff, superuser, workspace, outsider
):
    data = {"user": outsider.pk, "workspace": workspace.pk, "role": Role.ADMIN, "change_reason": "joins"}
    assert staff.post(reverse("admin:archive_membership_add"), data).status_code == 302
    membership = Membership.objects.get(workspace=workspace, user=outsider)
    created = membership.history.get()
    assert (membership.role, created.history_user, created.history_change_reason) == (
        Role.ADMIN,
        superuser,
        "joins",
    )


@pytest.fixture
def renamed_outlet(workspace, ws_admin):
    """An outlet at version 2, renamed from its version 1."""
    outlet = OutletFactory(workspace=workspace, name="Old name")
    return edit_outlet(outlet, user=ws_admin, expected_version=1, changes={"name": "New name"}, reason="r")


def first_version_url(obj) -> str:
    first = obj.history.order_by("history_id").first()
    return reverse(f"admin:archive_{obj._meta.model_name}_simple_history", args=[obj.pk, first.history_id])


def test_an_old_version_opened_in_the_admin_is_reverted_to_when_saved_with_a_reason(staff, renamed_outlet):
    url = first_version_url(renamed_outlet)
    response = staff.post(url, {**shown_form(staff.get(url)), "change_reason": "the old name was right"})
    assert response.status_code == 302
    assert Outlet.objects.get(pk=renamed_outlet.pk).name == "Old name"


def test_an_admin_revert_from_a_page_opened_before_another_change_saves_nothing_and_says_why(
    staff, renamed_outlet, ws_admin
):
    url = first_version_url(renamed_outlet)
    page = shown_form(staff.get(url))
    edit_outlet(renamed_outlet, user=ws_admin, expected_version=2, changes={"name": "Newer"}, reason="r")
    response = staff.post(url, {**page, "change_reason": "undo"}, follow=True)
    assert "Nothing was saved. The outlet was changed by someone else (now version 3)." in (
        response.content.decode()
    )
    assert Outlet.objects.get(pk=renamed_outlet.pk).name == "Newer"


def test_an_admin_revert_of_the_only_admin_to_an_older_role_saves_nothing_and_says_why(
    staff, workspace, superuser
):
    lead = MembershipFactory(workspace=workspace, role=Role.ANALYST, user=UserFactory(username="lead"))
    set_role(workspace=workspace, member=lead.user, role=Role.ADMIN, user=superuser, reason="leads")
    url = first_version_url(lead)
    response = staff.post(url, {**shown_form(staff.get(url)), "change_reason": "undo"}, follow=True)
    assert f"Nothing was saved. {LAST_ADMIN}" in response.content.decode()
    assert Membership.objects.get(pk=lead.pk).role == Role.ADMIN


def test_handing_the_admin_role_over_in_one_save_of_a_workspace_in_the_admin_is_accepted(
    staff, workspace, ws_admin, analyst
):
    old, new = (Membership.objects.get(user=user) for user in (ws_admin, analyst))
    rows = {"memberships-TOTAL_FORMS": "2", "memberships-INITIAL_FORMS": "2"}
    for index, (membership, role) in enumerate([(old, Role.ANALYST), (new, Role.ADMIN)]):
        rows |= {
            f"memberships-{index}-id": membership.pk,
            f"memberships-{index}-workspace": workspace.pk,
            f"memberships-{index}-user": membership.user_id,
            f"memberships-{index}-role": role,
        }
    data = {**workspace_form(workspace, old, change_reason="hand-over"), **rows}
    response = staff.post(reverse("admin:archive_workspace_change", args=[workspace.pk]), data)
    assert response.status_code == 302
    assert {m.user: m.role for m in Membership.objects.filter(workspace=workspace)} == {
        ws_admin: Role.ANALYST,
        analyst: Role.ADMIN,
    }


def test_a_deactivated_account_added_as_a_member_on_a_workspaces_admin_page_is_refused(
    staff, workspace, ws_admin
):
    bob = UserFactory(username="bob", is_active=False)
    membership = Membership.objects.get(user=ws_admin)
    new_row = {
        "memberships-TOTAL_FORMS": "2",
        "memberships-1-workspace": workspace.pk,
        "memberships-1-user": bob.pk,
        "memberships-1-role": Role.ADMIN,
    }
    data = {**workspace_form(workspace, membership, change_reason="backup admin"), **new_row}
    response = staff.post(reverse("admin:archive_workspace_change", args=[workspace.pk]), data)
    assert response.status_code == 200
    assert "The account \u2068bob\u2069 is deactivated" in response.content.decode()
    assert not Membership.objects.filter(user=bob).exists()


@pytest.fixture
def alice(db):
    """The only admin of Beta."""
    beta = WorkspaceFactory(name="Beta", slug="beta")
    return MembershipFactory(workspace=beta, role=Role.ADMIN, user=UserFactory(username="alice")).user


def test_deleting_the_account_of_a_workspaces_last_admin_in_the_admin_is_refused_naming_it(staff, alice):
    url = reverse("admin:auth_user_delete", args=[alice.pk])
    response = staff.post(url, {"post": "yes"}, follow=True)
    assert "Nothing was deleted. \u2068alice\u2069 is the only active admin of \u2068Beta\u2069" in (
        response.content.decode()
    )
    assert Membership.objects.filter(user=alice).exists()


def test_an_account_deleted_in_the_admin_leaves_its_workspaces_with_a_reason(staff, ws_admin, analyst):
    membership = Membership.objects.get(user=analyst)
    staff.post(reverse("admin:auth_user_delete", args=[analyst.pk]), {"post": "yes"})
    assert not User.objects.filter(pk=analyst.pk).exists()
    removed = Membership.history.get(id=membership.pk, history_type="-")
    assert removed.history_change_reason == "The account was deleted by root."


def test_deleting_accounts_in_bulk_in_the_admin_one_a_last_admin_deletes_none(staff, alice, analyst):
    data = {"action": "delete_selected", "_selected_action": [alice.pk, analyst.pk], "post": "yes"}
    response = staff.post(reverse("admin:auth_user_changelist"), data, follow=True)
    assert "Nothing was deleted." in response.content.decode()
    assert User.objects.filter(pk__in=[alice.pk, analyst.pk]).count() == 2


def test_deactivating_the_account_of_a_workspaces_last_admin_in_the_admin_is_refused(staff, alice):
    data = {
        "username": "alice",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
        # is_active left unticked
    }
    response = staff.post(reverse("admin:auth_user_change", args=[alice.pk]), data)
    assert response.status_code == 200
    assert "is the only active admin of \u2068Beta\u2069" in str(response.context["adminform"].form.errors)
    alice.refresh_from_db()
    assert alice.is_active


def outlet_form(outlet, **changes) -> dict:
    fields = ("name", "url", "country", "language", "reliability", "reliability_reason")
    return {name: getattr(outlet, name) for name in fields} | {"seen_version": outlet.version, **changes}


def test_a_grade_changed_in_the_admin_is_stored_with_its_reason(staff, workspace):
    outlet = OutletFactory(workspace=workspace, reliability="C", reliability_reason="Written for C")
    url = reverse("admin:archive_outlet_change", args=[outlet.pk])
    staff.post(url, outlet_form(outlet, reliability="A", change_reason="confirmed by three checks"))
    outlet.refresh_from_db()
    assert (outlet.reliability, outlet.reliability_reason) == ("A", "confirmed by three checks")


def test_an_outlet_added_in_the_admin_with_a_grade_and_no_reason_for_it_is_refused(staff, workspace):
    data = {"workspace": workspace.pk, "name": "Graded", "reliability": "A", "change_reason": "x"}
    response = staff.post(reverse("admin:archive_outlet_add"), data, follow=True)
    assert "Nothing was saved. Say why you give this grade." in response.content.decode()
    assert not Outlet.objects.filter(name="Graded").exists()


def test_an_outlets_language_in_the_admin_must_be_a_bcp47_tag(staff, workspace):
    data = {"workspace": workspace.pk, "name": "Tagged", "language": "not a tag!!", "reliability": "F"}
    response = staff.post(reverse("admin:archive_outlet_add"), data)
    assert response.status_code == 200
    assert "Enter a BCP 47 language tag" in str(response.context["adminform"].form.errors["language"])


def test_an_edit_in_the_admin_without_a_reason_saves_nothing(staff, source):
    form = {"title": "Retitled", "language": "en", "direction": "ltr", "authors": "[]"}
    response = staff.post(reverse("admin:archive_source_change", args=[source.pk]), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["change_reason"]
    assert Source.objects.get(pk=source.pk).title == source.title


def reason_errors(response) -> str:
    """The errors the form shown again has on its reason."""
    assert response.status_code == 200, response
    return str(response.context["adminform"].form.errors["change_reason"])


def test_a_change_reason_with_a_control_character_is_refused_on_the_field_and_nothing_saved(staff, claim):
    url = reverse("admin:archive_claim_change", args=[claim.pk])
    response = staff.post(url, claim_form(claim, statement="Second words", change_reason="typo\x1b"))
    assert "The reason contains a control character (U+001B)" in reason_errors(response)
    assert Claim.objects.get(pk=claim.pk).version == 1


def test_a_revert_reason_with_a_control_character_is_refused_on_the_field_and_nothing_saved(staff, claim):
    first = claim.history.get()
    Claim.objects.filter(pk=claim.pk).update(statement="Second words")
    url = reverse("admin:archive_claim_simple_history", args=[claim.pk, first.history_id])
    response = staff.post(url, claim_form(claim, change_reason="vandalism\x07"))
    assert "(U+0007)" in reason_errors(response)
    assert Claim.objects.get(pk=claim.pk).statement == "Second words"


def test_an_add_reason_with_a_control_character_is_refused_on_the_field_and_nothing_saved(staff, workspace):
    data = {"workspace": workspace.pk, "name": "Added", "reliability": "F", "change_reason": "new\x9b"}
    response = staff.post(reverse("admin:archive_outlet_add"), data)
    assert "(U+009B)" in reason_errors(response)
    assert not Outlet.objects.filter(name="Added").exists()


def test_a_membership_added_in_the_admin_without_a_reason_is_refused_on_the_field(staff, workspace, outsider):
    data = {"user": outsider.pk, "workspace": workspace.pk, "role": Role.ANALYST}
    response = staff.post(reverse("admin:archive_membership_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["change_reason"]
    assert not Membership.objects.filter(workspace=workspace, user=outsider).exists()


def test_a_workspace_added_in_the_admin_without_a_reason_is_refused_on_the_field(staff):
    data = {"name": "Second case", "slug": "second-case", "admin": UserFactory(username="lead").pk}
    response = staff.post(reverse("admin:archive_workspace_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["change_reason"]
    assert not Workspace.objects.filter(slug="second-case").exists()


def test_the_admin_takes_a_reason_as_long_as_the_apps_forms_do(staff, workspace, outsider):
    reason = "r" * REASON_MAX_LENGTH
    data = {"user": outsider.pk, "workspace": workspace.pk, "role": Role.ANALYST, "change_reason": reason}
    assert staff.post(reverse("admin:archive_membership_add"), data).status_code == 302
    assert Membership.objects.get(workspace=workspace, user=outsider).history.get().history_change_reason == (
        reason
    )


def test_site_staff_change_their_own_membership_in_the_admin_without_being_asked(
    staff, superuser, ws_admin, workspace
):
    own = MembershipFactory(workspace=workspace, role=Role.ADMIN, user=superuser)
    data = {"user": superuser.pk, "workspace": workspace.pk, "role": Role.ANALYST, "change_reason": "done"}
    assert staff.post(reverse("admin:archive_membership_change", args=[own.pk]), data).status_code == 302
    assert Membership.objects.get(pk=own.pk).role == Role.ANALYST


def source_added_in_the_admin(staff, workspace, title: str, **fields) -> Source:
    data = {
        "workspace": workspace.pk,
        "title": title,
        "language": "en",
        "change_reason": "typed in",
        **fields,
    }
    assert staff.post(reverse("admin:archive_source_add"), data).status_code == 302
    return Source.objects.get(title=title)


def test_a_source_added_in_the_admin_keeps_its_text_as_typed_less_the_forms_carriage_returns(
    staff, workspace
):
    source = source_added_in_the_admin(
        staff, workspace, "Typed in", text="line one\r\ncafe\u0301", authors="[]"
    )
    assert source.original_sha256 == hashlib.sha256("line one\ncafe\u0301".encode()).hexdigest()
    assert source.text == "line one\ncafé"


def test_a_translation_added_in_the_admin_names_its_translators(staff, workspace):
    source = source_added_in_the_admin(
        staff,
        workspace,
        "Daraa, in English",
        text="The pumps stopped.",
        authors="Enab Baladi",
        translators="Syrian Observer desk",
    )
    assert (source.authors, source.translators) == (["Enab Baladi"], ["Syrian Observer desk"])


# --- API tokens ------------------------------------------------------------------------


def test_the_admins_token_list_never_shows_a_key(staff, analyst):
    token = Token.objects.create(user=analyst)
    page = staff.get(reverse("admin:authtoken_tokenproxy_changelist")).content.decode()
    assert analyst.username in page and f"{token.key[:4]}…" in page
    assert token.key not in page


def test_the_admin_makes_no_token_whose_key_it_would_have_to_show(staff, analyst):
    assert staff.get(reverse("admin:authtoken_tokenproxy_add")).status_code == 403


def test_the_admin_revokes_a_token(staff, analyst):
    Token.objects.create(user=analyst)
    delete = reverse("admin:authtoken_tokenproxy_delete", args=[analyst.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 302
    assert not Token.objects.filter(user=analyst).exists()


def test_the_admins_annotation_form_offers_no_motivation_it_would_refuse(staff):
    page = staff.get(reverse("admin:archive_annotation_add")).content.decode()
    assert 'value="commenting"' in page and 'value="replying"' not in page
