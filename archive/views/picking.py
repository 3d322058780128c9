"""What the pickers' searches share (static/archive/js/pickers.js): the text
typed, refused when too long, and the first PICKED of what it finds, as JSON."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import JsonResponse

from archive.models import Passage
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
