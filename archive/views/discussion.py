"""Replying in the discussion of an annotation or claim, correcting or deleting a
reply, and resolving the discussion."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from archive.claims import delete_reply, edit_reply, reply, resolve_thread
from archive.core.editing import StaleVersion
from archive.models import Annotation, Claim, Reply
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


@contextmanager
def _reported(request: WorkspaceRequest, done: str) -> Iterator[None]:
    """Run a write, and say how it went: `done`, or why it was refused (a value the
    rules refuse, a change made meanwhile) as a message on the page the browser
    goes back to. PermissionDenied passes on: a 403."""
    try:
        yield
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (StaleVersion, ObjectDoesNotExist) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)


def _posted_version(request: WorkspaceRequest) -> int | None:
    """The version the form showed (None: none sent, which means any version)."""
    posted = request.POST.get("version", "")
    if not posted:
        return None
    try:
        return int(posted)
    except ValueError:
        raise ValidationError("The form is out of date: reload the page.") from None


@workspace_view(Action.DISCUSS)
@require_POST
def discussion_reply(request: WorkspaceRequest, model: str, object_id: int) -> HttpResponse:
    item = _discussed(request, model, object_id)
    with _reported(request, "Reply posted."):
        reply(item=item, user=request.user, body=request.POST.get("body", ""))
    return _back(request, item)


@workspace_view(Action.DISCUSS)
@require_POST
def discussion_resolve(request: WorkspaceRequest, model: str, object_id: int) -> HttpResponse:
    """Resolve the item's discussion, or open it again (resolved=0); its author or an admin."""
    item = _discussed(request, model, object_id)
    resolved = request.POST.get("resolved", "1") != "0"
    with _reported(request, "Discussion resolved." if resolved else "Discussion opened again."):
        version = _posted_version(request)
        resolve_thread(item=item, user=request.user, resolved=resolved, expected_version=version)
    return _back(request, item)


def _reply_in(request: WorkspaceRequest, reply_id: int) -> Reply:
    return get_in_workspace_or_404(
        Reply.objects.select_related("discussion__annotation", "discussion__claim"),
        request.workspace,
        pk=reply_id,
    )


def _item_of(found: Reply) -> Annotation | Claim:
    return cast(Annotation | Claim, found.discussion.target)


@workspace_view(Action.DISCUSS)
@require_POST
def discussion_reply_edit(request: WorkspaceRequest, reply_id: int) -> HttpResponse:
    """Change the words of one's own reply (body, and the version the form showed)."""
    found = _reply_in(request, reply_id)
    with _reported(request, "Reply changed."):
        version = _posted_version(request)
        edit_reply(
            reply=found, user=request.user, body=request.POST.get("body", ""), expected_version=version
        )
    return _back(request, _item_of(found))


@workspace_view(Action.DISCUSS)
@require_POST
def discussion_reply_delete(request: WorkspaceRequest, reply_id: int) -> HttpResponse:
    """Delete one's own reply, or (an admin) anyone's, with a reason the history keeps."""
    found = _reply_in(request, reply_id)
    with _reported(request, "Reply deleted. Its history keeps it."):
        delete_reply(reply=found, user=request.user, reason=request.POST.get("reason", ""))
    return _back(request, _item_of(found))
