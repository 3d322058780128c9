"""What the pickers' searches share (static/archive/js/pickers.js): the text
typed, refused when too long, and the first PICKED of what it finds, as JSON."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import JsonResponse

from archive.models import Passage, Source
from archive.permissions import WorkspaceRequest
from archive.search import QueryError, refuse_too_long

PICKED = 10  # options a picker lists at a time


def picked(
    request: WorkspaceRequest, find: Callable[[str], QuerySet[Any]], row: Callable[[Any], dict]
) -> JsonResponse:
    """{"results": [row(each), ...]} for the first PICKED of what `find` finds for
    the request's `q`, or a 400 for a `q` too long to search."""
    query = request.GET.get("q", "").strip()
    try:
        refuse_too_long(query)
    except QueryError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"results": [row(each) for each in find(query)[:PICKED]]})


def passage_option(passage: Passage) -> dict:
    return {"id": passage.pk, "exact": passage.exact, "source": passage.source.title}


class SourceChoiceField(forms.ModelChoiceField):
    """A source of the workspace, named so that sources of one title can be told apart:
    an original and its republication often share it."""

    def label_from_instance(self, obj: Any) -> str:
        details = [
            obj.outlet.name if obj.outlet else "",
            obj.published_on.isoformat() if obj.published_on else "",
        ]
        described = ", ".join(detail for detail in details if detail)
        return f"{obj.title} ({described}{', ' if described else ''}#{obj.pk})"


def sources_to_choose(workspace_id: int) -> QuerySet[Source]:
    """The workspace's sources as SourceChoiceField names them, read in one query."""
    chosen = Source.objects.filter(workspace_id=workspace_id).select_related("outlet")
    return chosen.only("pk", "title", "published_on", "outlet__name").order_by("title", "pk")
