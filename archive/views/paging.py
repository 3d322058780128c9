"""Long lists a page at a time (`?page=N`), with links to the pages before and after
that keep the list's other parameters (its filters and its sort); and a whole
list, as its filters choose it, as a CSV download (`whole_list_csv`).

A workspace holds tens of thousands of sources and claims: a page shows PER_PAGE of
them, and the counts beside each row are computed for that page's rows only
(`count_of`), so neither the page nor the total counted for it joins every row.
"""

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from archive.core.spreadsheets import csv_download
from archive.search import QueryError
from archive.views.refusals import refused

PER_PAGE = 50


class NotAPage(ValueError):
    """?page= is not a page number: its message is meant for the user."""


@dataclass(frozen=True)
class Listed:
    page: Page
    previous_url: str
    next_url: str


def paged(request: HttpRequest, items: QuerySet[Any] | Sequence[Any], *, per_page: int = PER_PAGE) -> Listed:
    """The page of `items` that `?page=` asks for: the first without one, the last
    beyond the last (a list shrinks as its items are deleted). Raises NotAPage."""
    asked = request.GET.get("page", "").strip() or "1"
    if not (asked.isascii() and asked.isdigit()) or not asked.strip("0"):
        raise NotAPage("Pages are numbered from 1.")
    paginator = Paginator(items, per_page)
    number = int(asked) if len(asked) < 10 else paginator.num_pages  # no list is that long
    page = paginator.page(min(number, paginator.num_pages))
    return Listed(
        page=page,
        previous_url=_url_of(request, page.previous_page_number()) if page.has_previous() else "",
        next_url=_url_of(request, page.next_page_number()) if page.has_next() else "",
    )


def _url_of(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"?{query.urlencode()}"


def count_of(related: QuerySet[Any], link: str) -> Coalesce:
    """An annotation: how many of `related` point at the row through `link`.

    A subquery, not Count() over a join: it is computed for the rows fetched only,
    and counting the list (for its pages) leaves it out.
    """
    counted = (
        related.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("*")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def whole_list_csv(
    request: HttpRequest,
    chosen: Callable[[], QuerySet[Any]],
    columns: Sequence[str],
    row: Callable[[Any], Sequence[object]],
    filename: str,
) -> HttpResponse | StreamingHttpResponse:
    """Every item of the list `chosen()` gives (raising QueryError for a filter it
    refuses: a 400 naming it), a `row` each under `columns`, streamed as CSV."""
    try:
        items = chosen()
    except QueryError as error:
        return refused(request, str(error))
    rows = (row(item) for item in items.iterator(chunk_size=500))
    return csv_download(itertools.chain([columns], rows), filename)
