"""Replying in the discussion of an annotation or claim, and resolving it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from archive.claims import reply, resolve_thread
from archive.core.editing import StaleVersion
from archive.models import Annotation, Claim
from archive.permissions import Action, WorkspaceRequest, get_in_workspace_or_404, workspace_view
from archive.views.redirects import posted_next

DISCUSSED = {"annotation": Annotation, "claim": Claim}


def _discussed(request: WorkspaceRequest, model: str, object_id: int) -> Annotation | Claim:
    if model not in DISCUSSED:
        raise Http404("Only annotations and claims have discussions.")
    return get_in_workspace_or_404(DISCUSSED[model].objects, request.workspace, pk=object_id)  # type: ignore[attr-defined]


def _back(request: WorkspaceRequest, item: Annotation | Claim) -> HttpResponse:
    """To the page the form was on, or else to the item's page, at its discussion."""
    return HttpResponseRedirect(posted_next(request) or _page_of(request, item))


def _page_of(request: WorkspaceRequest, item: Annotation | Claim) -> str:
    slug = request.workspace.slug
    passage = item.passages.first() if isinstance(item, Annotation) else None
    if isinstance(item, Claim):
        return reverse("archive:claim", args=[slug, item.pk]) + "#discussion"
    if passage is not None:
        return reverse("archive:source", args=[slug, passage.source_id]) + f"#annotation-{item.pk}"
    return reverse("archive:object_history", args=[slug, "annotation", item.pk])


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


@workspace_view(Action.DISCUSS)
@require_POST
def discussion_reply(request: WorkspaceRequest, model: str, object_id: int) -> HttpResponse:
    item = _discussed(request, model, object_id)
    try:
        reply(item=item, user=request.user, body=request.POST.get("body", ""))
    except ValidationError as error:
        messages.error(request, _messages(error))
    else:
        messages.success(request, "Reply posted.")
    return _back(request, item)


@workspace_view(Action.DISCUSS)
@require_POST
def discussion_resolve(request: WorkspaceRequest, model: str, object_id: int) -> HttpResponse:
    """Resolve the item's discussion, or open it again (resolved=0); its author or an admin."""
    item = _discussed(request, model, object_id)
    resolved = request.POST.get("resolved", "1") != "0"
    try:
        version = int(request.POST["version"]) if request.POST.get("version") else None
        resolve_thread(item=item, user=request.user, resolved=resolved, expected_version=version)
    except PermissionDenied:
        raise
    except ValueError:
        messages.error(request, "The form is out of date: reload the page.")
    except (ValidationError, StaleVersion) as error:
        messages.error(request, _messages(error) if isinstance(error, ValidationError) else str(error))
    else:
        messages.success(request, "Discussion resolved." if resolved else "Discussion opened again.")
    return _back(request, item)
