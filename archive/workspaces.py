"""Workspaces and the people in them: the only functions that write either.

Memberships have no version: a role change locks the row and applies.
"""

from typing import Any

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
from archive.models import Membership, Role, Schedule, Workspace

NEEDS_AN_ADMIN = "A new workspace needs an admin, who manages its members: choose one."


@unit_of_work()
def create_workspace(
    *, user: Any, name: str, slug: str, admin: Any, description: str = "", reason: str = ""
) -> Workspace:
    """A workspace with `admin` its first admin: a workspace always has one, or nobody
    in the app could manage its members."""
    if admin is None:
        raise ValidationError({"admin": NEEDS_AN_ADMIN})
    workspace = create_object(
        Workspace(name=name, slug=slug, description=description), user=user, reason=reason
    )
    add_member(workspace=workspace, member=admin, role=Role.ADMIN, user=user, reason=reason)
    return workspace


LAST_ADMIN = "A workspace keeps at least one admin: make someone else admin first."
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
    if _last_active_admin(membership):
        raise ValidationError(LAST_ADMIN)


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


@unit_of_work()
def leave_workspaces(*, account: Any, user: Any, reason: str) -> None:
    """Take `account` out of every workspace it is in (before it is deleted), each
    removal in the history with `reason`; refused where it is the last active admin."""
    keep_admins_of(account)
    for membership in account.memberships.all():
        remove_member(membership=membership, user=user, reason=reason)


ALREADY_MEMBER = "{username} is already a member, as {role}: change their role where the members are listed."
NOT_A_MEMBER = "{username} is not a member of this workspace: add them first."


@unit_of_work()
def add_member(
    *, workspace: Workspace, member: Any, role: Role | str, user: Any, reason: str = ""
) -> Membership:
    """Make `member` a member of `workspace` with `role`. Someone already in it is
    refused, not given the role: an add with the default role would demote them."""
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
    *, workspace: Workspace, member: Any, role: Role | str, user: Any, reason: str = ""
) -> Membership:
    """Change the role of `member`, a member of `workspace` (add_member adds one)."""
    membership = Membership.objects.filter(workspace=workspace, user=member).first()
    if membership is None:
        raise ValidationError(NOT_A_MEMBER.format(username=isolated(member.username)), code="not_a_member")
    if role != Role.ADMIN:
        keep_an_admin(membership)
    return update_object(
        membership,
        user=user,
        expected_version=None,
        changes={"role": role},
        editable={"role"},
        reason=reason,
    )


@unit_of_work()
def remove_member(*, membership: Membership, user: Any, reason: str) -> None:
    keep_an_admin(membership)
    delete_object(membership, user=user, reason=reason)


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
