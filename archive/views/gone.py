"""The page answering a form posted for an object someone deleted meanwhile (in another
tab, or another member): 410, saying who deleted it, when and why, as the reading page's
edits answer (archive.views.annotations), through the same helper."""

from typing import Any

from django.db.models import Model
from django.http import Http404
from django.urls import reverse

from archive.api.errors import Gone
from archive.audit.history import deletion_notice
from archive.permissions import WorkspaceRequest
from archive.views.refusals import Refusal, refused


def missing(request: WorkspaceRequest, model: type[Model], object_id: int) -> Exception:
    """Why the object is not there: 410 with who deleted it, when and why (someone deleted
    it while the editor was at it); else 404."""
    notice = deletion_notice(user=request.user, model=model, object_id=object_id)
    return Http404("Not found.") if notice is None else Gone(notice)


def gone_page(
    request: WorkspaceRequest, model: type[Model], object_id: int, *, context: dict[str, Any] | None = None
) -> Refusal:
    """The 410 page of the deleted object (`context` for archive/gone.html: `kept`, what the
    form held, shown to be copied); Http404 if it never was, or is not the user's to know."""
    refusal = missing(request, model, object_id)
    if isinstance(refusal, Http404):
        raise refusal
    history = reverse(
        "archive:object_history", args=[request.workspace.slug, model._meta.model_name, object_id]
    )
    return refused(
        request,
        str(getattr(refusal, "detail", refusal)),
        status=410,
        template="archive/gone.html",
        context={"history_url": history, **(context or {})},
    )
