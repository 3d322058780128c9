"""Who gets access to a workspace imported with `import_archive --as-new-workspace`: the
archive's members are matched by username, so the command lists each membership of the
copy with its role; `--members none --admin USERNAME` imports it with nobody but that
admin; mistakes (no admin, an account that cannot be one) are refused before anything
is written."""

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.audit.ledger import verify_workspace
from archive.backups.archive import export_workspace
from archive.backups.new_workspace import import_as_new_workspace
from archive.core.text import isolated
from archive.models import Membership, Workspace
from archive.workspaces import DEACTIVATED, NEEDS_AN_ADMIN, NO_ACCOUNT, remove_member
from tests.factories import UserFactory
from tests.test_exchange import generated_workspace


@pytest.fixture
def archive(workspace, analyst, reviewer, ws_admin, tmp_path) -> Path:
    """The generated workspace with an analyst, a reviewer (a contractor) and an admin, exported."""
    export_workspace(
        workspace=generated_workspace(workspace, analyst, ws_admin), directory=tmp_path / "archive"
    )
    return tmp_path / "archive"


def imported(archive: Path, *options: str) -> str:
    out = io.StringIO()
    call_command("import_archive", str(archive), "--as-new-workspace", "copy", *options, stdout=out)
    return out.getvalue()


def roles_in(slug: str) -> dict[str, str]:
    memberships = Membership.objects.filter(workspace__slug=slug).select_related("user")
    return {membership.user.username: membership.role for membership in memberships}


def test_the_output_lists_every_membership_of_the_copy_with_its_role(archive, workspace, reviewer, ws_admin):
    # Removed from the original since the export: the copy still gives the contractor their role.
    remove_member(
        membership=Membership.objects.get(workspace=workspace, user=reviewer),
        user=ws_admin,
        reason="contract ended",
    )
    output = imported(archive)
    assert roles_in("copy") == {"analyst": "analyst", "reviewer": "reviewer", "ws-admin": "admin"}
    lines = output.splitlines()
    assert (
        "  reviewer: reviewer (a member of 'southern-syria-2017' when it was exported, the account "
        "here of that username)" in lines
    )
    assert any(line.startswith("  analyst: analyst (") for line in lines)
    assert any(line.startswith("  ws-admin: admin (") for line in lines)


def test_the_output_says_which_members_accounts_were_created_or_are_deactivated(archive, analyst, reviewer):
    analyst.username = "analyst-renamed"  # no account here is called "analyst": the import creates one
    analyst.save()
    reviewer.is_active = False
    reviewer.save()
    lines = imported(archive).splitlines()
    assert any(line.startswith("  analyst: analyst (") and "without a password" in line for line in lines)
    assert any(line.startswith("  reviewer: reviewer (") and "deactivated" in line for line in lines)


def test_members_none_gives_the_copy_only_its_admin(archive, workspace):
    UserFactory(username="new-admin")
    chosen = get_user_model().objects.get(username="new-admin")
    output = imported(archive, "--members", "none", "--admin", "new-admin")
    copy = Workspace.objects.get(slug="copy")
    assert roles_in("copy") == {"new-admin": "admin"}
    assert "  new-admin: admin (--admin)" in output.splitlines()
    assert (
        "Members of the archive left out (--members none): analyst (analyst), reviewer (reviewer), "
        "ws-admin (admin)." in output.splitlines()
    )
    # The original keeps its members; the copy's history records each removal, and verifies.
    assert roles_in("southern-syria-2017") == {
        "analyst": "analyst",
        "reviewer": "reviewer",
        "ws-admin": "admin",
    }
    removed = Membership.history.filter(workspace_id=copy.pk, history_type="-")
    assert sorted(row.history_change_reason.startswith("Imported without") for row in removed) == [True] * 3
    assert Membership.history.filter(workspace_id=copy.pk, user_id=chosen.pk, history_type="+").exists()
    assert verify_workspace(copy.pk).ok


def test_members_none_makes_an_archived_member_chosen_as_admin_the_only_admin(archive, analyst):
    output = imported(archive, "--members", "none", "--admin", "analyst")
    assert roles_in("copy") == {"analyst": "admin"}
    assert "  analyst: admin (--admin)" in output.splitlines()
    assert verify_workspace(Workspace.objects.get(slug="copy").pk).ok


def test_admin_with_the_archives_members_adds_that_admin_to_them(archive):
    UserFactory(username="operator")
    imported(archive, "--admin", "operator")
    assert roles_in("copy") == {
        "analyst": "analyst",
        "reviewer": "reviewer",
        "ws-admin": "admin",
        "operator": "admin",
    }


def test_members_none_without_an_admin_is_refused_saying_to_name_one(archive):
    with pytest.raises(CommandError, match=r"--members none needs --admin USERNAME"):
        imported(archive, "--members", "none")
    assert not Workspace.objects.filter(slug="copy").exists()


@pytest.mark.parametrize(
    ("account", "problem"),
    [
        ({"username": "other"}, NO_ACCOUNT),
        ({"username": "nobody", "is_active": False}, DEACTIVATED),
    ],
)
def test_an_admin_who_cannot_be_one_is_refused_with_nothing_imported(archive, account, problem):
    UserFactory(**account)
    users = get_user_model().objects.count()
    with pytest.raises(CommandError) as refused:
        imported(archive, "--members", "none", "--admin", "nobody")
    assert str(refused.value) == f"--admin: {problem.format(username=isolated('nobody'))}"
    assert not Workspace.objects.filter(slug="copy").exists()
    assert get_user_model().objects.count() == users


@pytest.mark.parametrize("option", [["--members", "none"], ["--admin", "analyst"]])
def test_member_options_without_as_new_workspace_are_refused(archive, option):
    with pytest.raises(CommandError, match=rf"{option[0]} needs --as-new-workspace"):
        call_command("import_archive", str(archive), *option, stdout=io.StringIO())


def test_the_domain_refuses_a_copy_without_members_and_without_an_admin(archive):
    with pytest.raises(ValidationError) as refused:
        import_as_new_workspace(directory=archive, slug="copy", with_members=False)
    assert refused.value.messages == [NEEDS_AN_ADMIN]
    assert not Workspace.objects.filter(slug="copy").exists()


def test_the_domain_refuses_a_deactivated_admin(archive, analyst):
    analyst.is_active = False
    analyst.save()
    with pytest.raises(ValidationError, match="deactivated"):
        import_as_new_workspace(directory=archive, slug="copy", with_members=False, admin=analyst)
    assert not Workspace.objects.filter(slug="copy").exists()
