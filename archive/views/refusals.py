"""The 403 and 404 pages: besides what was refused, whom to ask for access.

A member refused for their role, and a former member who follows an old link
into the workspace, are told who its admins are; anyone else sees the same
page whether or not the workspace exists (archive.workspaces.admins_to_ask).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: why, and which admins can change the member's role."""
    context = {"exception": str(exception), **_access(request)}
    return render(request, "403.html", context, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: not found; a former member of the workspace is told whom to ask to be added again."""
    return render(request, "404.html", _access(request), status=404)
