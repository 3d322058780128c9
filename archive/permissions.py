"""The one permission layer: workspace scoping plus a role check per action.

Every view, form, export and search goes through these functions; none
filters by membership by hand. Someone outside a workspace gets 404 for
anything in it (never 403), so the archive does not confirm that an object
exists. A member whose role lacks an action gets 403.

Site superusers are not members by virtue of being superusers: they manage
the site through the Django admin and join a workspace to work in it.
"""

from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from archive.models import Membership, Role, Workspace


class Action(StrEnum):
    VIEW = "view"  # read everything in the workspace
    CONTRIBUTE = "contribute"  # passages, annotations, claims, evidence; import sources
    REVIEW = "review"  # approve / reject, revert
    AUDIT = "audit"  # export the audit trail
    MANAGE = "manage"  # sources, outlets and grades, text corrections, members


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ANALYST: frozenset({Action.VIEW, Action.CONTRIBUTE}),
    Role.REVIEWER: frozenset({Action.VIEW, Action.REVIEW, Action.AUDIT}),
    Role.ADMIN: frozenset(Action),
}


def workspaces_for(user) -> QuerySet[Workspace]:
    if not user.is_authenticated:
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user)


def scoped(queryset: QuerySet, user) -> QuerySet:
    """Only the rows of `queryset` in workspaces `user` belongs to."""
    if not user.is_authenticated:
        return queryset.none()
    if queryset.model is Workspace:
        return queryset.filter(memberships__user=user)
    return queryset.filter(workspace__in=workspaces_for(user).values("pk"))


def role_in(user, workspace: Workspace) -> str | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, workspace=workspace).values_list("role", flat=True).first()


def can(role: str | None, action: Action) -> bool:
    return role is not None and action in ROLE_ACTIONS[role]


def get_workspace_or_404(user, slug: str) -> tuple[Workspace, str]:
    """The workspace and the user's role in it; 404 for non-members."""
    membership = (
        Membership.objects.select_related("workspace").filter(user=user, workspace__slug=slug).first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404("No such workspace.")
    return membership.workspace, membership.role


def get_in_workspace_or_404(queryset: QuerySet, workspace: Workspace, **lookup) -> Model:
    """An object of the current workspace; 404 for anything outside it."""
    obj = queryset.filter(workspace=workspace, **lookup).first()
    if obj is None:
        raise Http404("Not found.")
    return obj


def is_own(user, obj: Model) -> bool:
    owner_id = getattr(obj, "owner_id", None)
    return owner_id is not None and owner_id == user.pk


def can_change(role: str | None, user, obj: Model) -> bool:
    """Analysts change their own work; admins change anything in the workspace."""
    return can(role, Action.MANAGE) or (can(role, Action.CONTRIBUTE) and is_own(user, obj))


def workspace_view(action: Action):
    """Decorate a view taking `slug`: require login, membership and `action`.

    The view receives `request.workspace` and `request.role`. Views without
    this decorator (or `public_view`) fail the permission matrix test, so a
    new endpoint is denied by default until it declares its rule.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args, **kwargs):
            request.workspace, request.role = get_workspace_or_404(request.user, slug)
            if not can(request.role, action):
                raise PermissionDenied(f"Your role in this workspace cannot {action}.")
            return view(request, *args, **kwargs)

        wrapper.permission_rule = f"workspace:{action}"
        return wrapper

    return decorator


def member_view(view):
    """A view for any signed-in user that scopes its own queries (e.g. home)."""
    wrapped = login_required(view)
    wrapped.permission_rule = "login"
    return wrapped
