"""Workspaces and the people in them: the only functions that write either.

Memberships have no version: a role change locks the row and applies. Adding,
changing and removing a member changes who has access: each needs a reason, and
one taking away its maker's own access needs their confirmation.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from archive.core.attribution import recorded_as
from archive.core.editing import (
    DELETE_REASON_REQUIRED,
    create_object,
    delete_object,
    required_reason,
    update_object,
)
from archive.core.text import isolated
from archive.core.unit_of_work import unit_of_work
from archive.models import HistoryEntry, Membership, Role, Schedule, Workspace
from archive.permissions import Action, can, capabilities_lost

NEEDS_AN_ADMIN = "A new workspace needs an admin, who manages its members: choose one."
ACCESS_REASON_REQUIRED = "Say why: who has access to a workspace, and why, is kept in its history."


@unit_of_work()
def create_workspace(
    *, user: Any, name: str, slug: str, admin: Any, reason: str, description: str = ""
) -> Workspace:
    """A workspace with `admin` its first admin: a workspace always has one, or nobody
    in the app could manage its members. The reason is required: it gives `admin` access."""
    if admin is None:
        raise ValidationError({"admin": NEEDS_AN_ADMIN})
    reason = required_reason(reason, ACCESS_REASON_REQUIRED)
    workspace = create_object(
        Workspace(name=name, slug=slug, description=description), user=user, reason=reason
    )
    add_member(workspace=workspace, member=admin, role=Role.ADMIN, user=user, reason=reason)
    return workspace


LAST_ADMIN = "A workspace keeps at least one admin who can sign in: make someone else admin first."
DEACTIVATED_ADMINS = "{usernames} {are} admin too, but {whose} deactivated."
LAST_ADMIN_ACCOUNT = (
    "{username} is the only active admin of {workspaces}: make someone else admin there first."
)


def _last_active_admin(membership: Membership) -> bool:
    """Whether `membership` is its workspace's only admin with an active account (a
    deactivated one cannot sign in to manage it). The active admins' rows stay locked
    to the end of the unit, so two admins demoting each other at once cannot both pass."""
    admins = Membership.objects.select_for_update(of=("self",)).filter(
        workspace_id=membership.workspace_id, role=Role.ADMIN, user__is_active=True
    )
    return list(admins.values_list("pk", flat=True)) == [membership.pk]


def keep_an_admin(membership: Membership) -> None:
    """Refuse to take away the workspace's last active admin: nobody could then manage it."""
    if not _last_active_admin(membership):
        return
    deactivated = Membership.objects.filter(
        workspace_id=membership.workspace_id, role=Role.ADMIN, user__is_active=False
    ).values_list("user__username", flat=True)
    names = sorted(isolated(name) for name in deactivated)
    if not names:
        raise ValidationError(LAST_ADMIN)
    many = len(names) > 1
    said = DEACTIVATED_ADMINS.format(
        usernames=", ".join(names),
        are="are" if many else "is",
        whose="their accounts are" if many else "the account is",
    )
    raise ValidationError(f"{LAST_ADMIN} {said}")


def keep_admins_of(account: Any) -> None:
    """Refuse to take `account` away (deleted, deactivated) where it is the last active admin."""
    alone = [
        isolated(membership.workspace.name)
        for membership in account.memberships.filter(role=Role.ADMIN).select_related("workspace")
        if _last_active_admin(membership)
    ]
    if alone:
        names = ", ".join(sorted(alone))
        raise ValidationError(
            LAST_ADMIN_ACCOUNT.format(username=isolated(account.username), workspaces=names)
        )


USERNAME_FIXED = (
    "{username} has recorded work; its username is what the history attributes it by and cannot "
    "change. Change the name instead."
)


def keep_username_of(account: Any, username: str) -> None:
    """Refuse to rename `account` once it has recorded work: history rows, exports and the
    API name people by their current username, so a rename would rewrite who did what in all
    of them, without a trace (and renames in turn could swap two people's work)."""
    if account.pk is None or username == account.username:
        return
    # Every history row enters its workspace's ledger with its user: one probe of the index on users.
    if HistoryEntry.objects.filter(user_id=account.pk).exists():
        raise ValidationError(
            USERNAME_FIXED.format(username=isolated(account.username)), code="username_fixed"
        )


@unit_of_work()
def leave_workspaces(*, account: Any, user: Any, reason: str) -> None:
    """Take `account` out of every workspace it is in (before it is deleted), each
    removal in the history with `reason`; refused where it is the last active admin."""
    keep_admins_of(account)
    for membership in account.memberships.all():
        # The account itself goes, a deletion its own page confirmed: nothing more to ask.
        remove_member(membership=membership, user=user, reason=reason, own_access_confirmed=True)


ALREADY_MEMBER = "{username} is already a member, as {role}: change their role where the members are listed."
NOT_A_MEMBER = "{username} is not a member of this workspace: add them first."
OWN_ACCESS_UNCONFIRMED = (
    "This takes away some of your own access to {workspace}, which only another admin can give "
    "back: confirm it to go ahead."
)


class OwnAccessUnconfirmed(ValidationError):
    """A change of its maker's own membership that takes some of their access away, not
    confirmed: `lost` is what they could no longer do, `stays_member` whether they stay
    in, `stops_managing` whether they could no longer manage the workspace."""

    def __init__(self, *, membership: Membership, role: str | None, lost: list[str]) -> None:
        super().__init__(
            OWN_ACCESS_UNCONFIRMED.format(workspace=isolated(membership.workspace.name)),
            code="own_access_unconfirmed",
        )
        self.lost, self.stays_member = lost, role is not None
        self.stops_managing = can(membership.role, Action.MANAGE) and not can(role, Action.MANAGE)


def _confirm_own_access(membership: Membership, role: str | None, *, user: Any, confirmed: bool) -> None:
    """Refuse, unconfirmed, a change by `user` of their own `membership` to `role` (None:
    removed) that takes access away: they could not undo it themselves."""
    if confirmed or user is None or membership.user_id != user.pk:
        return
    lost = capabilities_lost(membership.role, role)
    if lost:
        raise OwnAccessUnconfirmed(membership=membership, role=role, lost=lost)


NO_ACCOUNT = "No account is called “{username}”. Accounts are made by the operator of the site."
DEACTIVATED = "The account “{username}” is deactivated: the operator of the site can reactivate it."
ACCOUNTS_DIFFER_BY_CASE = (
    "Several accounts are called “{username}” apart from capital letters ({names}): type the name exactly."
)


def account_called(username: str, *, active_only: bool = True) -> Any:
    """The account a person typed the name of. Usernames are case-sensitive, but phone keyboards
    capitalise the first letter: the exact name wins, else the one account whose name differs
    only by case. ValidationError if there is none, or several that differ only by case."""
    accounts = list(
        get_user_model()._default_manager.filter(username__iexact=username).order_by("username")[:10]
    )
    found = [account for account in accounts if account.is_active or not active_only]
    exact = [account for account in found if account.username == username]
    if exact:
        return exact[0]
    if len(found) == 1:
        return found[0]
    if not found and accounts:
        raise ValidationError(DEACTIVATED.format(username=isolated(accounts[0].username)), code="deactivated")
    if not found:
        raise ValidationError(NO_ACCOUNT.format(username=isolated(username)), code="no_account")
    names = ", ".join(isolated(account.username) for account in found)
    raise ValidationError(
        ACCOUNTS_DIFFER_BY_CASE.format(username=isolated(username), names=names),
        code="accounts_differ_by_case",
    )


@unit_of_work()
def add_member(*, workspace: Workspace, member: Any, role: Role | str, user: Any, reason: str) -> Membership:
    """Make `member` a member of `workspace` with `role`, for `reason` (required). Someone
    already in it is refused, not given the role: an add with the default role would demote them."""
    reason = required_reason(reason, ACCESS_REASON_REQUIRED)
    existing = Membership.objects.filter(workspace=workspace, user=member).first()
    if existing is not None:
        raise ValidationError(
            ALREADY_MEMBER.format(username=isolated(member.username), role=Role(existing.role).label),
            code="already_member",
        )
    membership = Membership(workspace=workspace, user=member, role=role)
    return create_object(membership, user=user, reason=reason)


@unit_of_work()
def set_role(
    *,
    workspace: Workspace,
    member: Any,
    role: Role | str,
    user: Any,
    reason: str,
    own_access_confirmed: bool = False,
) -> Membership:
    """Change the role of `member`, a member of `workspace` (add_member adds one), for
    `reason` (required); OwnAccessUnconfirmed when `user` takes away some of their own
    access without `own_access_confirmed`."""
    membership = (
        Membership.objects.select_related("workspace").filter(workspace=workspace, user=member).first()
    )
    if membership is None:
        raise ValidationError(NOT_A_MEMBER.format(username=isolated(member.username)), code="not_a_member")
    reason = required_reason(reason, ACCESS_REASON_REQUIRED)
    if role != Role.ADMIN:
        keep_an_admin(membership)
    _confirm_own_access(membership, role, user=user, confirmed=own_access_confirmed)
    return update_object(
        membership,
        user=user,
        expected_version=None,
        changes={"role": role},
        editable={"role"},
        reason=reason,
    )


@unit_of_work()
def remove_member(
    *, membership: Membership, user: Any, reason: str, own_access_confirmed: bool = False
) -> None:
    """Take `membership` away, for `reason` (required); never the workspace's last admin's.
    OwnAccessUnconfirmed when it is `user`'s own, without `own_access_confirmed`."""
    reason = required_reason(reason, ACCESS_REASON_REQUIRED)
    keep_an_admin(membership)
    _confirm_own_access(membership, None, user=user, confirmed=own_access_confirmed)
    delete_object(membership, user=user, reason=reason)


def admins_to_ask(*, workspace: Workspace, user: Any) -> list[str] | None:
    """The usernames of the admins of `workspace` who can sign in, `user` aside: whom `user`
    asks for another role, or to be added again. None if `user` is not and never was a
    member: who is in a workspace is shown to nobody outside it."""
    if user is None or not user.is_authenticated:
        return None
    in_it = Membership.objects.filter(workspace=workspace, user=user).exists()
    if not in_it and not Membership.history.filter(workspace_id=workspace.pk, user_id=user.pk).exists():
        return None
    admins = Membership.objects.filter(workspace=workspace, role=Role.ADMIN, user__is_active=True)
    return list(admins.exclude(user=user).order_by("user__username").values_list("user__username", flat=True))


EDITABLE_FIELDS = frozenset({"name", "description"})


def edit_workspace(
    workspace: Workspace,
    *,
    user: Any,
    expected_version: int | None,
    changes: dict[str, Any],
    reason: str = "",
) -> Workspace:
    """Rename a workspace or change its description (its slug is its address: fixed)."""
    return update_object(
        workspace, user=user, expected_version=None, changes=changes, editable=EDITABLE_FIELDS, reason=reason
    )


@unit_of_work()
def delete_workspace(*, workspace: Workspace, user: Any, reason: str) -> None:
    """Delete an empty workspace (what it owns protects it) with its memberships and its
    schedules: settings of the workspace, not its content."""
    with recorded_as(user=user, reason=required_reason(reason, DELETE_REASON_REQUIRED)):
        for owned in [*workspace.memberships.all(), *Schedule.objects.filter(workspace=workspace)]:
            owned.delete()
        workspace.delete()
