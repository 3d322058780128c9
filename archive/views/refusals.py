"""The 400, 403 and 404 pages: besides what was refused, whom to ask for access.

A member refused for their role, and a former member who follows an old link
into the workspace, are told who its admins are; anyone else sees the same
page whether or not the workspace exists (archive.workspaces.admins_to_ask).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from archive.models import Membership, Role, Workspace
from archive.permissions import Action, can
from archive.workspaces import admins_to_ask


def _access(request: HttpRequest) -> dict[str, Any]:
    """The workspace the address names and its admins, for someone who is or was in it;
    nothing for anyone else."""
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("slug") if match is not None else None
    if not isinstance(slug, str):
        return {}
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        return {}
    user = getattr(request, "user", None)
    admins = admins_to_ask(workspace=workspace, user=user)
    if admins is None:
        return {}
    role = Membership.objects.filter(workspace=workspace, user=user).values_list("role", flat=True).first()
    access = {
        "workspace": workspace,
        "admins": admins,
        "role": Role(role).label if role else "",  # empty: a former member
        "manages": can(role, Action.MANAGE),  # a refusal no other role would lift
    }
    return {"access": access}


class Refusal(HttpResponse):
    """A refusal's page, which keeps its problem in words: a script that fetched a
    download with its API token gets that as JSON (archive.views.downloads)."""

    def __init__(self, content: str | bytes, *, status: int, problem: str):
        super().__init__(content, status=status)
        self.problem = problem


def refused(
    request: HttpRequest,
    problem: str,
    *,
    status: int = 400,
    template: str = "refused.html",
    context: dict[str, Any] | None = None,
) -> Refusal:
    """The page saying what was refused and why."""
    content = render_to_string(template, {"problem": problem, **(context or {})}, request)
    return Refusal(content, status=status, problem=problem)


def _sends_json(request: HttpRequest) -> bool:
    """Whether the request is a page's script: it sends JSON, or asks for JSON and not HTML."""
    if request.content_type == "application/json":
        return True
    return request.accepts("application/json") and not request.accepts("text/html")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: why, and which admins can change the member's role (to a page's
    script, refused before its JSON endpoint runs, the why in JSON)."""
    problem = str(exception) or "You do not have access to this."
    if _sends_json(request):
        return JsonResponse({"error": problem}, status=403)
    context = {"exception": str(exception), **_access(request)}
    return refused(request, problem, status=403, template="403.html", context=context)


CSRF_REFUSED = (
    "This form's security token is missing or out of date (the page was open a long time, "
    "or you signed in again elsewhere): nothing was saved. Reload the page and send it again."
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the refusal as the app's other refusals say it (to a page's script, in JSON)."""
    if _sends_json(request):
        return JsonResponse({"error": CSRF_REFUSED}, status=403)
    return refused(request, CSRF_REFUSED, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: not found; a former member of the workspace is told whom to ask to be added again."""
    if _sends_json(request):
        return JsonResponse({"error": "Not found."}, status=404)
    return refused(request, "Not found.", status=404, template="404.html", context=_access(request))
