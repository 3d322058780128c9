"""The one permission layer: workspace scoping plus a role check per action.

Every view, form, export and search goes through these functions; none
filters by membership by hand. Someone outside a workspace gets 404 for
anything in it (never 403), so the archive does not confirm that an object
exists. A member whose role lacks an action gets 403.

Site superusers are not members by virtue of being superusers: they manage
the site through the Django admin and join a workspace to work in it.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import cache, wraps
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connection
from django.db.models import Manager, Model, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.text import capfirst

from archive.core.compiled_query import CompiledQuery
from archive.models import Membership, Role, Workspace

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)
M = TypeVar("M", bound=Model)


class WorkspaceRequest(HttpRequest):
    """The request a `workspace_view` view receives.

    Never instantiated: `workspace_view` sets `workspace` and `role` on the
    ordinary HttpRequest after checking membership, and `login_required` has
    already turned anonymous users away, so `user` is a signed-in User.
    """

    user: User
    workspace: Workspace
    role: str


class Action(StrEnum):
    VIEW = "view"  # read everything in the workspace
    CONTRIBUTE = "contribute"  # passages, annotations, claims, evidence; import sources
    DISCUSS = "discuss"  # reply in the discussion of an annotation or claim; change one's replies
    REVIEW = "review"  # approve / reject, revert
    AUDIT = "audit"  # export the audit trail
    MANAGE = "manage"  # sources, outlets and grades, text corrections, members, any reply's deletion


# What each action lets a member do, in the words a refusal says it in.
ACTION_WORDS = {
    Action.VIEW: "read this workspace",
    Action.CONTRIBUTE: "add or change highlights, notes, claims, evidence or sources",
    Action.DISCUSS: "reply in discussions",
    Action.REVIEW: "approve, reject or revert work",
    Action.AUDIT: "export the audit trail",
    Action.MANAGE: "manage this workspace's sources, outlets, grades and members",
}


def refused_for(action: Action | None) -> str:
    """Why a member whose role may not take `action` is refused (None: no role may)."""
    return f"Your role in this workspace cannot {ACTION_WORDS[action] if action else 'do this'}."


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ANALYST: frozenset({Action.VIEW, Action.CONTRIBUTE, Action.DISCUSS}),
    Role.REVIEWER: frozenset({Action.VIEW, Action.DISCUSS, Action.REVIEW, Action.AUDIT}),
    Role.ADMIN: frozenset(Action),
}


# What each role may do, in words, for people (README's table): (what, the action
# it takes, whether a contributor may do it only to their own work). Generated
# from ROLE_ACTIONS by `role_table()`, so the table cannot drift from the rules.
CAPABILITIES: list[tuple[str, Action, bool]] = [
    (
        "Read sources, annotations, claims, evidence, history, activity; "
        "download the claims and sources lists (CSV) and evidence packages",
        Action.VIEW,
        False,
    ),
    (
        "Highlight, annotate, cite evidence, create claims, import sources, explain divergences",
        Action.CONTRIBUTE,
        False,
    ),
    (
        "Recapture a web source now; get alerts when cited text changes or a recapture fails",
        Action.CONTRIBUTE,
        False,
    ),
    (
        "Confirm re-anchored passages: accept, select anew, mark orphaned, re-attach orphans",
        Action.CONTRIBUTE,
        False,
    ),
    (
        "Edit, delete and submit for review annotations, claims (their credibility grade too, with a "
        "reason), evidence",
        Action.CONTRIBUTE,
        True,
    ),
    (
        "See the reviewer's comment on a rejected item on its card (every member reads it in the "
        "item's history)",
        Action.CONTRIBUTE,
        True,
    ),
    (
        "Reply in discussions; edit or delete their own replies (a delete with a reason)",
        Action.DISCUSS,
        False,
    ),
    ("Delete any member's reply in a discussion (with a reason)", Action.MANAGE, False),
    (
        "Review queue; approve or reject with a comment (never work they wrote, or changed since its "
        "last decision)",
        Action.REVIEW,
        False,
    ),
    (
        "Grade any claim's credibility (with a reason), leaving its review status as it is",
        Action.REVIEW,
        False,
    ),
    ("Flag an item for an admin (with a reason)", Action.REVIEW, False),
    ("Revert annotations, claims, evidence, passages, sources, outlets", Action.REVIEW, False),
    (
        "Export the activity (CSV, JSON); verify the history chain, and get an alert when a "
        "verification finds it broken; see other members' alerts in the "
        "activity and history",
        Action.AUDIT,
        False,
    ),
    (
        "Add, correct, grade and delete outlets; correct source texts and derivations; delete sources",
        Action.MANAGE,
        False,
    ),
    ("Members and their roles; the workspace's name and description", Action.MANAGE, False),
    (
        "Export the whole workspace, its history and original files, as a ZIP that import_archive restores",
        Action.MANAGE,
        False,
    ),
    (
        "Schedule recaptures, fixity checks and history-chain verifications; "
        "get alerts when a fixity check finds a stored file damaged or missing",
        Action.MANAGE,
        False,
    ),
]


def role_table() -> str:
    """CAPABILITIES as a Markdown table, one column per role: yes, own work, or no."""
    roles = list(ROLE_ACTIONS)
    lines = [
        "| what | " + " | ".join(str(role) for role in roles) + " |",
        "| --- |" + " --- |" * len(roles),
    ]
    for what, action, own_only in CAPABILITIES:
        cells = [_allowed(role, action, own_only) for role in roles]
        lines.append(f"| {what} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _allowed(role: str | None, action: Action, own_only: bool) -> str:
    """A line of the table for `role`: "yes", "own work" or "no"."""
    if not can(role, action):
        return "no"
    if own_only and not can(role, Action.MANAGE):
        return "own work"
    return "yes"


def capabilities_lost(role: str, new_role: str | None) -> list[str]:
    """What a member with `role` could no longer do with `new_role` (None: no longer
    a member), in the words of the role table."""
    rank = {"no": 0, "own work": 1, "yes": 2}
    lost = []
    for what, action, own_only in CAPABILITIES:
        before, after = _allowed(role, action, own_only), _allowed(new_role, action, own_only)
        if rank[after] < rank[before]:
            lost.append(what if after == "no" else f"{what}: your own work only")
    return lost


def workspaces_for(user: User | AnonymousUser) -> QuerySet[Workspace]:
    if not user.is_authenticated:
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user)


def scoped(queryset: QuerySet[M], user: User | AnonymousUser) -> QuerySet[M]:
    """Only the rows of `queryset` in workspaces `user` belongs to."""
    if not user.is_authenticated:
        return queryset.none()
    if queryset.model is Workspace:
        return queryset.filter(memberships__user=user)
    return queryset.filter(workspace__in=workspaces_for(user).values("pk"))


def not_in_workspace(model: type[Model], pk: object) -> str:
    """What naming an object the workspace does not hold is refused with: another
    workspace's objects do not exist for it, as ids that name nothing do not."""
    return f"{capfirst(model._meta.verbose_name)} {pk} is not in this workspace."


# By queryset (its identity: the dict keeps it alive, so no other takes its place).
_SCOPED_BY_ID: dict[QuerySet[Any], CompiledQuery[Any]] = {}


def scoped_by_id(queryset: QuerySet[M], user: User | AnonymousUser, pk: int) -> M | None:
    """`scoped(queryset, user).filter(pk=pk)`'s object, or None: compiled once per
    `queryset` (a view's own, which lives as long as the view class) for every
    signed-in user, since every request for one object reads it."""
    if not user.is_authenticated:
        return None
    compiled = _SCOPED_BY_ID.get(queryset)
    if compiled is None:
        compiled = _SCOPED_BY_ID[queryset] = CompiledQuery(
            lambda pk, user_id: scoped(queryset.all(), User(pk=user_id)).filter(pk=pk), pk=int, user_id=int
        )
    found = compiled(pk=pk, user_id=user.pk)
    return found[0] if found else None


def workspace_ids_sql(user: User | AnonymousUser) -> tuple[str, list]:
    """`workspaces_for(user)` as SQL selecting their ids, for raw queries
    (search's): `... WHERE workspace_id IN (<sql>)`. Raises EmptyResultSet
    for a signed-out visitor, who has none."""
    if not user.is_authenticated:
        raise EmptyResultSet
    return _workspace_ids_sql(connection.vendor), [user.pk]


@cache
def _workspace_ids_sql(vendor: str) -> str:
    # Compiling the queryset costs more than running it: compile it once,
    # for a stand-in user, and check that the user is its only parameter.
    sql, params = workspaces_for(User(pk=0)).order_by().values("pk").query.sql_with_params()
    if params != (0,):
        raise RuntimeError(f"workspaces_for() has parameters besides the user: {params}")
    return sql


# The membership lookups every request makes, compiled once (archive.core.compiled_query).
_ROLE = CompiledQuery(
    lambda user_id, workspace_id: Membership.objects.filter(user_id=user_id, workspace_id=workspace_id),
    user_id=int,
    workspace_id=int,
)
_MEMBERSHIP = CompiledQuery(
    lambda user_id, slug: Membership.objects.select_related("workspace").filter(
        user_id=user_id, workspace__slug=slug
    ),
    user_id=int,
    slug=str,
)


def role_in(user, workspace: Workspace) -> str | None:
    if not user.is_authenticated:
        return None
    found = _ROLE(user_id=user.pk, workspace_id=workspace.pk)
    return found[0].role if found else None


def can(role: str | None, action: Action | None) -> bool:
    """Whether `role` may do `action`; no role, and no action (a rule that allows none), are False."""
    return role is not None and action in ROLE_ACTIONS[role]


def get_workspace_or_404(user, slug: str) -> tuple[Workspace, str]:
    """The workspace and the user's role in it; 404 for non-members."""
    found = _MEMBERSHIP(user_id=user.pk, slug=slug) if user.is_authenticated else []
    if not found:
        raise Http404("No such workspace.")
    return found[0].workspace, found[0].role


def get_in_workspace_or_404(queryset: QuerySet[M] | Manager[M], workspace: Workspace, **lookup) -> M:
    """An object of the current workspace; 404 for anything outside it."""
    obj = queryset.filter(workspace=workspace, **lookup).first()
    if obj is None:
        raise Http404("Not found.")
    return obj


def is_own(user, obj: object) -> bool:
    owner_id = getattr(obj, "owner_id", None)
    return owner_id is not None and owner_id == user.pk


def can_change(role: str | None, user, obj: object) -> bool:
    """Analysts change their own work; admins change anything in the workspace."""
    return can(role, Action.MANAGE) or (can(role, Action.CONTRIBUTE) and is_own(user, obj))


def refused_change(role: str | None) -> str:
    """Why can_change() refused `role`: it may not change anything, or the work is another's."""
    return refused_for(Action.CONTRIBUTE) if not can(role, Action.CONTRIBUTE) else NOT_OWN


NOT_OWN = "Only its author or a workspace admin can change this."


def workspace_view(
    action: Action,
) -> Callable[[Callable[Concatenate[WorkspaceRequest, P], R]], Callable[Concatenate[HttpRequest, str, P], R]]:
    """Decorate a view taking `slug`: require login, membership and `action`.

    The view receives `request.workspace` and `request.role`. Views without
    this decorator (or `public_view`) fail the permission matrix test, so a
    new endpoint is denied by default until it declares its rule.
    """

    def decorator(
        view: Callable[Concatenate[WorkspaceRequest, P], R],
    ) -> Callable[Concatenate[HttpRequest, str, P], R]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: P.args, **kwargs: P.kwargs) -> R:
            ws_request = cast(WorkspaceRequest, request)  # the same object, given the attributes below
            ws_request.workspace, ws_request.role = get_workspace_or_404(request.user, slug)
            if not can(ws_request.role, action):
                raise PermissionDenied(refused_for(action))
            return view(ws_request, *args, **kwargs)

        wrapper.permission_rule = f"workspace:{action}"  # type: ignore[attr-defined]
        return wrapper

    return decorator


def member_view(view):
    """A view for any signed-in user that scopes its own queries (e.g. home)."""
    wrapped = login_required(view)
    wrapped.permission_rule = "login"
    return wrapped


def public_view(view: Callable[P, R]) -> Callable[P, R]:
    """A view anyone may use, signed in or not: only for what holds no workspace's data."""
    view.permission_rule = "public"  # type: ignore[attr-defined]
    return view
