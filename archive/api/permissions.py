"""The API's permission layer: archive.permissions, applied to DRF views.

Every API view (REST and W3C) derives from `WorkspaceScopedMixin` and declares
a `permission_rule`. The outcomes match the pages:

- anonymous: 401 (token authentication names its scheme in WWW-Authenticate);
- not a member of the object's workspace: 404, since querysets are `scoped()`;
- a member whose role lacks the action: 403.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from archive.models import Workspace
from archive.models.base import WorkspaceOwned
from archive.permissions import (
    Action,
    can,
    can_change,
    get_workspace_or_404,
    refused_change,
    refused_for,
    role_in,
    scoped,
)

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass
    from rest_framework.views import APIView

    # The mixin is only ever combined with a DRF view; let mypy see that view's API.
    _ViewBase = APIView
else:
    _ViewBase = object

# The change rule under which analysts change their own work and admins
# anything in the workspace (archive.permissions.can_change).
OWN: Final = "own"


@dataclass(frozen=True)
class Rule:
    """Who may read, create and change (edit or delete) a view's objects."""

    read: Action = Action.VIEW
    create: Action | None = None
    change: Action | Literal["own"] | None = None

    def __str__(self) -> str:
        return f"api:read={self.read},create={self.create},change={self.change}"


class WorkspacePermission(BasePermission):
    """Object-level check of the view's rule against the user's role."""

    def has_object_permission(self, request, view, obj: Workspace | WorkspaceOwned) -> bool:
        rule: Rule = view.permission_rule
        role = view.role_in(obj if isinstance(obj, Workspace) else obj.workspace)
        # DRF makes this object per request: the message says why this one was refused.
        if request.method in SAFE_METHODS:
            self.message = refused_for(rule.read)
            return can(role, rule.read)
        if rule.change == OWN:
            self.message = refused_change(role)
            return can_change(role, request.user, obj)
        self.message = refused_for(rule.change if isinstance(rule.change, Action) else None)
        return isinstance(rule.change, Action) and can(role, rule.change)


class WorkspaceScopedMixin(_ViewBase):
    """For DRF views: scoped querysets, and the rule checks that need a workspace."""

    permission_classes: "Sequence[_PermissionClass]" = [IsAuthenticated, WorkspacePermission]
    permission_rule: Rule

    def scope(self, queryset: QuerySet) -> QuerySet:
        return scoped(queryset, self.request.user)

    def role_in(self, workspace: Workspace) -> str | None:
        # One lookup per request: a view checks one workspace at most.
        cache = self.__dict__.setdefault("_roles", {})
        if workspace.pk not in cache:
            cache[workspace.pk] = role_in(self.request.user, workspace)
        return cache[workspace.pk]

    def workspace_for_create(self, data: object) -> Workspace:
        """The workspace named in a create request, if the user may create in it."""
        slug = data.get("workspace") if isinstance(data, dict) else None
        if not isinstance(slug, str) or not slug:
            raise ValidationError({"workspace": ["Name the workspace (its slug)."]})
        workspace, role = get_workspace_or_404(self.request.user, slug)
        self._roles = {workspace.pk: role}
        if not can(role, self.permission_rule.create):
            self.permission_denied(self.request, message=refused_for(self.permission_rule.create))
        return workspace

    def check_create_allowed(self, workspace: Workspace) -> None:
        """For creates whose workspace comes from a parent object (W3C containers)."""
        if not can(self.role_in(workspace), self.permission_rule.create):
            self.permission_denied(self.request, message=refused_for(self.permission_rule.create))
