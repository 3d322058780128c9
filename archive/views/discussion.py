"""Replying in the discussion of an annotation or claim, correcting or deleting a
reply, and resolving the discussion."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from archive.claims import delete_reply, edit_reply, reply, resolve_thread
from archive.core.editing import StaleVersion
from archive.models import Annotation, Claim, Reply
from archive.models.discussion import MAX_REPLY_LENGTH
from archive.permissions import Action, WorkspaceRequest, get_in_workspace_or_404, workspace_view
from archive.views.gone import gone_page
from archive.views.redirects import keep_refused, posted_next, take_refused

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


def _form_name(item: Annotation | Claim) -> str:
    """The name a refused reply to `item`'s discussion is kept under (archive.views.redirects)."""
    return f"reply-{type(item)._meta.model_name}-{item.pk}"


def reply_forms(request: WorkspaceRequest, item: Annotation | Claim) -> dict[str, object]:
    """What the page of `item` shows in its reply forms: the length a reply may have (the
    domain's, for `maxlength`) and, once, the reply refused there with why (`reply` is the
    id of the reply whose correction was refused; empty: a new reply)."""
    kept = take_refused(request, _form_name(item)) or {}
    return {
        "max_length": MAX_REPLY_LENGTH,
        "reply": kept.get("reply", ""),
        "body": kept.get("body", ""),
        "error": kept.get("error", ""),
    }


def _refused(
    request: WorkspaceRequest, item: Annotation | Claim, error: str, *, edited: Reply | None = None
) -> HttpResponse:
    """A reply (or, `edited`, a reply's correction) refused: what was typed comes back in its
    form, the refusal beside it, rather than being lost at the top of a page.

    A claim's page shows it there (reply_forms): back to it, without #discussion, for a
    page opened at an anchor focuses no field, and the refused field's focus brings it into
    view. The reading page draws its items' forms itself (archive.reading.items), so a reply
    to an annotation is refused on a page of its own, holding the form to send it again."""
    body = request.POST.get("body", "")
    if isinstance(item, Claim):
        data = {"reply": str(edited.pk) if edited else "", "body": body, "error": error}
        keep_refused(request, form=_form_name(item), data=data)
        messages.error(request, error)  # at the top too, as a refused revert or decision is
        return HttpResponseRedirect((posted_next(request) or _page_of(request, item)).split("#")[0])
    action = (
        reverse("archive:discussion_reply_edit", args=[request.workspace.slug, edited.pk])
        if edited
        else reverse("archive:discussion_reply", args=[request.workspace.slug, "annotation", item.pk])
    )
    context = {
        "item": item,
        "edited": edited,
        "action": action,
        "next": posted_next(request) or _page_of(request, item),
        "reply_form": {"max_length": MAX_REPLY_LENGTH, "body": body, "error": error},
    }
    return render(request, "archive/reply_refused.html", context, status=400)


@workspace_view(Action.DISCUSS)
@require_POST
def discussion_reply(request: WorkspaceRequest, model: str, object_id: int) -> HttpResponse:
    """Post a reply; refused, it comes back in its form; to an item deleted meanwhile, the
    410 page says who deleted it, when and why, and holds the reply to be copied."""
    if model not in DISCUSSED:
        raise Http404("Only annotations and claims have discussions.")
    item = DISCUSSED[model].objects.filter(workspace=request.workspace, pk=object_id).first()  # type: ignore[attr-defined]
    if item is None:
        return gone_page(request, DISCUSSED[model], object_id, context={"kept": request.POST.get("body", "")})
    try:
        reply(item=item, user=request.user, body=request.POST.get("body", ""))
    except ValidationError as error:
        return _refused(request, item, " ".join(error.messages))
    messages.success(request, "Reply posted.")
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


def _replies() -> QuerySet[Reply]:
    return Reply.objects.select_related("discussion__annotation", "discussion__claim")


def _reply_in(request: WorkspaceRequest, reply_id: int) -> Reply:
    return get_in_workspace_or_404(_replies(), request.workspace, pk=reply_id)


def _item_of(found: Reply) -> Annotation | Claim:
    return cast(Annotation | Claim, found.discussion.target)


@workspace_view(Action.DISCUSS)
@require_POST
def discussion_reply_edit(request: WorkspaceRequest, reply_id: int) -> HttpResponse:
    """Change the words of one's own reply (body, and the version the form showed)."""
    body = request.POST.get("body", "")
    found = _replies().filter(workspace=request.workspace, pk=reply_id).first()
    if found is None:  # deleted meanwhile, or never there (a 404)
        return gone_page(request, Reply, reply_id, context={"kept": body})
    item = _item_of(found)
    try:
        version = _posted_version(request)
        edit_reply(reply=found, user=request.user, body=body, expected_version=version)
    except ValidationError as error:
        return _refused(request, item, " ".join(error.messages), edited=found)
    except StaleVersion as error:
        return _refused(request, item, str(error), edited=found)
    except Reply.DoesNotExist:  # deleted while this request waited for its row lock
        return gone_page(request, Reply, reply_id, context={"kept": body})
    messages.success(request, "Reply changed.")
    return _back(request, item)


@workspace_view(Action.DISCUSS)
@require_POST
def discussion_reply_delete(request: WorkspaceRequest, reply_id: int) -> HttpResponse:
    """Delete one's own reply, or (an admin) anyone's, with a reason the history keeps."""
    found = _reply_in(request, reply_id)
    with _reported(request, "Reply deleted. Its history keeps it."):
        delete_reply(reply=found, user=request.user, reason=request.POST.get("reason", ""))
    return _back(request, _item_of(found))
