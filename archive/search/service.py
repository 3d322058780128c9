"""search(): what the search page and the API call.

Results come only from the user's workspaces, through the permission layer
(`scoped`, `workspaces_for`): counts, hits and suggestions alike, so a
non-member never learns that anything matched.
"""

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import EmptyResultSet
from django.db.models import Model, Prefetch, QuerySet
from django.urls import reverse

from archive.models import Annotation, Claim, Outlet, Passage, SearchDocument, SearchKind, Source, Workspace
from archive.permissions import scoped, workspaces_for
from archive.search.backends import Row, count_by_kind, get_backend, ranked, stemmed_languages
from archive.search.highlight import Matcher, Snippet, highlight, snippet
from archive.search.normalize import fold, guess_language, primary_language
from archive.search.query import Query, QueryError, parse_query, replace_terms

PAGE_SIZE = 20  # hits per page of one kind
OVERVIEW_SIZE = 5  # hits per kind when all kinds are shown

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class SearchFilters:
    workspace: Workspace | None = None
    outlet: Outlet | None = None
    language: str = ""  # BCP 47; its primary subtag is compared
    date_from: datetime.date | None = None  # source published (claims: created)
    date_to: datetime.date | None = None
    tag: str = ""
    stance: str = ""  # of the evidence a passage or claim has
    review_status: str = ""
    author: Model | None = None  # the user who captured or wrote it

    def lookups(self) -> dict:
        """ORM lookups on SearchDocument for the filters that are set."""
        lookups = {
            "workspace": self.workspace,
            "outlet_id": self.outlet.pk if self.outlet else None,
            "language": primary_language(self.language) if self.language else None,
            "date__gte": self.date_from,
            "date__lte": self.date_to,
            "tags__contains": f"|{fold(self.tag).strip()}|" if self.tag.strip() else None,
            "stances__contains": f"|{self.stance}|" if self.stance else None,
            "review_status": self.review_status or None,
            "author_id": self.author.pk if self.author else None,
        }
        return {lookup: value for lookup, value in lookups.items() if value is not None}


@dataclass(frozen=True)
class Hit:
    kind: str
    object: Model
    workspace: Workspace
    url: str
    title: Snippet
    snippet: Snippet | None
    score: float


@dataclass(frozen=True)
class KindResults:
    kind: str
    label: str
    count: int
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    pages: int = 0
    ranked_among: int | None = None  # only the newest this many matches were ranked


@dataclass(frozen=True)
class SearchResults:
    query: Query
    kinds: list[KindResults]  # sources, passages, annotations, claims
    suggestion: str | None = None  # "did you mean", when nothing matched

    @property
    def total(self) -> int:
        return sum(kind.count for kind in self.kinds)


def search(
    *,
    user,
    query: str,
    filters: SearchFilters | None = None,
    kind: str | None = None,
    page: int = 1,
    per_page: int | None = None,
) -> SearchResults:
    """Search the user's workspaces.

    Without `kind`: the first `per_page` (default 5) hits of every kind;
    with it: page `page` (default size 20) of that kind. Counts are always
    given for every kind. Raises archive.search.QueryError, whose message is
    meant for the user, for a query that cannot be searched.
    """
    parsed = parse_query(query)
    if kind not in (None, *SearchKind.values):
        raise QueryError(f"There is no kind of result called “{kind}”.")
    if page < 1:
        raise QueryError("Pages are numbered from 1.")
    filters = filters or SearchFilters()
    per_page = per_page or (PAGE_SIZE if kind else OVERVIEW_SIZE)
    documents = scoped(SearchDocument.objects.filter(**filters.lookups()), user)
    backend = get_backend()
    languages = stemmed_languages()
    match = backend.match(parsed, languages=languages)
    try:
        counts = count_by_kind(match, documents)
    except EmptyResultSet:  # signed out: no workspace at all
        counts = {}
    rows = []
    for shown in [kind] if kind else list(counts):
        rows += ranked(match, documents, kind=shown, offset=(page - 1) * per_page, limit=per_page)
    hits = _hits(rows, parsed, user)
    kinds = [
        KindResults(
            kind=value,
            label=label,
            count=counts.get(value, 0),
            hits=hits.get(value, []),
            page=page if kind == value else 1,
            pages=math.ceil(counts.get(value, 0) / per_page),
            ranked_among=match.rank_limit if counts.get(value, 0) > (match.rank_limit or math.inf) else None,
        )
        for value, label in SearchKind.choices
    ]
    suggestion = None
    if not counts and backend.suggests and user.is_authenticated:
        suggestion = _suggestion(parsed, user=user, filters=filters, documents=documents, languages=languages)
    return SearchResults(query=parsed, kinds=kinds, suggestion=suggestion)


def _suggestion(
    parsed: Query, *, user, filters: SearchFilters, documents: QuerySet[SearchDocument], languages: set[str]
) -> str | None:
    """The query with its unknown words respelled, if that finds something."""
    backend = get_backend()
    workspaces = workspaces_for(user)
    if filters.workspace:
        workspaces = workspaces.filter(pk=filters.workspace.pk)
    replacements = {}
    for term in parsed.positive_terms:
        if not (term.is_phrase or term.prefix):
            word = backend.suggest(word=term.words[0], workspaces=workspaces)
            if word:
                typed = parsed.raw[term.span[0] : term.span[1]]
                replacements[term] = word.capitalize() if typed[:1].isupper() else word
    if not replacements:
        return None
    suggestion = replace_terms(parsed, replacements)
    match = backend.match(parse_query(suggestion), languages=languages)
    return suggestion if count_by_kind(match, documents) else None


# --- Turning rows into hits ----------------------------------------------------


class _Matchers(dict):
    """One Matcher per language, made when first needed."""

    def __init__(self, query: Query):
        super().__init__()
        self.query = query

    def __missing__(self, language: str) -> Matcher:
        matcher = self[language] = Matcher(self.query, language)
        return matcher


def _plain(text: str) -> Snippet:
    return Snippet(((text, False),))


def _source_url(workspace: Workspace, source_id: int, fragment: str = "") -> str:
    url = reverse("archive:source", args=[workspace.slug, source_id])
    return f"{url}#{fragment}" if fragment else url


def _source_hit(source: Source, matchers: _Matchers, score: float) -> Hit:
    matcher = matchers[primary_language(source.language)]
    text = snippet(source.text, matcher)
    return Hit(
        kind=SearchKind.SOURCE,
        object=source,
        workspace=source.workspace,
        url=_source_url(source.workspace, source.pk, text.text_fragment()),
        title=highlight(source.title, matcher),
        snippet=text,
        score=score,
    )


def _passage_hit(passage: Passage, matchers: _Matchers, score: float) -> Hit:
    return Hit(
        kind=SearchKind.PASSAGE,
        object=passage,
        workspace=passage.workspace,
        url=_source_url(passage.workspace, passage.source_id, f"passage-{passage.pk}"),
        title=_plain(passage.source.title),
        snippet=snippet(passage.exact, matchers[primary_language(passage.source.language)]),
        score=score,
    )


def _annotation_hit(annotation: Annotation, matchers: _Matchers, score: float) -> Hit:
    passages = sorted(annotation.passages.all(), key=lambda passage: passage.pk)
    first = passages[0] if passages else None
    matcher = matchers[guess_language(annotation.body)]
    return Hit(
        kind=SearchKind.ANNOTATION,
        object=annotation,
        workspace=annotation.workspace,
        url=(
            _source_url(annotation.workspace, first.source_id, f"passage-{first.pk}")
            if first
            else reverse("archive:workspace", args=[annotation.workspace.slug])
        ),
        title=_plain(first.source.title if first else "Annotation"),
        snippet=snippet(annotation.body, matcher),
        score=score,
    )


def _claim_hit(claim: Claim, matchers: _Matchers, score: float) -> Hit:
    matcher = matchers[guess_language(claim.statement)]
    reasoning = snippet(claim.credibility_reason, matcher)
    return Hit(
        kind=SearchKind.CLAIM,
        object=claim,
        workspace=claim.workspace,
        url=reverse("archive:claim", args=[claim.workspace.slug, claim.pk]),
        title=snippet(claim.statement, matcher),
        snippet=reasoning if reasoning.has_match else None,
        score=score,
    )


def _passages_with_source() -> QuerySet[Passage]:
    return Passage.objects.select_related("source").defer("source__text")


@dataclass(frozen=True)
class _HitsOf(Generic[M]):
    """How the rows of one kind become hits: the objects to fetch them from, and the hit of one."""

    objects: Callable[[], QuerySet[M]]
    hit: Callable[[M, _Matchers, float], Hit]

    def hits(self, rows: list[Row], matchers: _Matchers, user: User | AnonymousUser) -> list[Hit]:
        objects = scoped(self.objects(), user).in_bulk([row.object_id for row in rows])
        return [
            self.hit(objects[row.object_id], matchers, row.score) for row in rows if row.object_id in objects
        ]


_OBJECTS: dict[str, _HitsOf[Any]] = {
    SearchKind.SOURCE: _HitsOf(lambda: Source.objects.select_related("workspace", "outlet"), _source_hit),
    SearchKind.PASSAGE: _HitsOf(lambda: _passages_with_source().select_related("workspace"), _passage_hit),
    SearchKind.ANNOTATION: _HitsOf(
        lambda: Annotation.objects.select_related("workspace", "author").prefetch_related(
            Prefetch("passages", queryset=_passages_with_source())
        ),
        _annotation_hit,
    ),
    SearchKind.CLAIM: _HitsOf(lambda: Claim.objects.select_related("workspace", "created_by"), _claim_hit),
}


def _hits(rows: list[Row], query: Query, user: User | AnonymousUser) -> dict[str, list[Hit]]:
    """The objects behind the rows, fetched through the permission layer once more."""
    matchers = _Matchers(query)
    hits: dict[str, list[Hit]] = {}
    for kind, hits_of in _OBJECTS.items():
        kind_rows = [row for row in rows if row.kind == kind]
        if not kind_rows:
            continue
        hits[kind] = hits_of.hits(kind_rows, matchers, user)
    return hits
