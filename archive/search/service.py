"""search(): what the search page and the API call.

Results come only from the user's workspaces, through the permission layer
(`workspace_ids_sql`, `workspaces_for`): counts, hits and suggestions alike,
so a non-member never learns that anything matched.
"""

import datetime
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.urls import reverse

from archive.core.text import counted
from archive.models import (
    Annotation,
    Claim,
    Evidence,
    Outlet,
    Passage,
    SearchDocument,
    SearchKind,
    Source,
    Workspace,
)
from archive.permissions import workspace_ids_sql
from archive.search.backends import (
    DOC,
    Match,
    Ranked,
    Reading,
    count_by_kind,
    get_backend,
    ranked_pages,
    stemmed_languages,
    where_sql,
)
from archive.search.highlight import Matcher, Snippet, highlight, snippet
from archive.search.normalize import (
    fold,
    guess_language,
    index_text,
    is_spelled_word,
    primary_language,
)
from archive.search.query import Query, QueryError, or_in_capitals, parse_query, replace_terms

PAGE_SIZE = 20  # hits per page of one kind
OVERVIEW_SIZE = 5  # hits per kind when all kinds are shown


@dataclass(frozen=True)
class SearchFilters:
    workspace: Workspace | None = None
    outlet: Outlet | None = None
    language: str = ""  # BCP 47; its primary subtag is compared
    date_from: datetime.date | None = None  # when a source was published: see published()
    date_to: datetime.date | None = None
    tag: str = ""
    stance: str = ""  # of the evidence a passage or claim has
    review_status: str = ""
    author: Model | None = None  # the user who captured or wrote it

    def lookups(self) -> dict:
        """ORM lookups on SearchDocument for the filters that are set, but for the dates (published())."""
        lookups = {
            "workspace": self.workspace,
            "outlet_id": self.outlet.pk if self.outlet else None,
            "language": primary_language(self.language) if self.language else None,
            "tags__contains": f"|{fold(self.tag).strip()}|" if self.tag.strip() else None,
            "stances__contains": f"|{self.stance}|" if self.stance else None,
            "review_status": self.review_status or None,
            "author_id": self.author.pk if self.author else None,
        }
        return {lookup: value for lookup, value in lookups.items() if value is not None}

    def published(self) -> Q | None:
        """The condition on SearchDocument of the dates, if any is set.

        Sources match by the date they were published, passages and
        annotations by their source's, as their documents hold it. A claim
        matches when a source of any of its evidence was published then: an
        investigator filtering on 2017 is after the claims resting on 2017
        sources, not those written in 2017 (the date its document holds).
        """
        bounds = {"gte": self.date_from, "lte": self.date_to}
        bounds = {lookup: day for lookup, day in bounds.items() if day is not None}
        if not bounds:
            return None
        quoted = Evidence.objects.filter(
            claim_id=OuterRef("object_id"),
            **{f"passage__source__published_on__{lookup}": day for lookup, day in bounds.items()},
        )
        dated = Q(**{f"date__{lookup}": day for lookup, day in bounds.items()})
        return (~Q(kind=SearchKind.CLAIM) & dated) | Q(Exists(quoted), kind=SearchKind.CLAIM)


@dataclass(frozen=True)
class Hit:
    kind: str
    object: Model
    workspace: Workspace
    url: str
    title: Snippet
    snippet: Snippet | None
    score: float
    snippet_from: str = ""  # where the snippet comes from, when not the object's own text
    title_language: str = ""  # the title's, when it is a source's title


@dataclass(frozen=True)
class KindResults:
    kind: str
    label: str
    count: int
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    pages: int = 0
    ranked_among: int | None = None  # only the newest this many matches were ranked

    @property
    def counted(self) -> str:
        """The count with the kind's name: "1 annotation", "6 annotations"."""
        return counted(self.count, self.kind, self.label)


@dataclass(frozen=True)
class SearchResults:
    query: Query
    kinds: list[KindResults]  # sources, passages, annotations, claims
    # "Did you mean": the query with its lower-case "or" in capitals
    # (`capital_or`), or, when nothing matched, with unknown words respelled.
    suggestion: str | None = None
    capital_or: bool = False

    @property
    def total(self) -> int:
        return sum(kind.count for kind in self.kinds)


def ids_containing(*, workspace: Workspace, kind: str, field: str, words: str) -> QuerySet:
    """The ids of the workspace's objects of `kind` whose indexed `field`
    ("head" or "body", see indexing.py) contains `words`, both folded as search
    folds them (case, accents, harakat): a subquery for `pk__in`, the same on
    every database. The words match in their order, each word's start or end
    may be left out ("meute" finds "Émeutes"); words that fold to nothing
    (punctuation) find nothing."""
    documents = SearchDocument.objects.filter(workspace=workspace, kind=kind)
    folded = index_text(words)
    matching = documents.filter(**{f"{field}__contains": folded}) if folded else documents.none()
    return matching.values("object_id")


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

    Without `kind`: the first `per_page` (default 5) hits of every kind, whatever the page;
    with it: page `page` (default size 20) of that kind, or the last for a page
    beyond it. Counts are always given for every kind. Raises
    archive.search.QueryError, whose message is meant for the user, for a query
    that cannot be searched.
    """
    parsed = parse_query(query)
    if kind not in (None, *SearchKind.values):
        raise QueryError(f"There is no kind of result called “{kind}”.")
    if page < 1:
        raise QueryError("Pages are numbered from 1.")
    page = min(page, 10**9)  # beyond any last page, and its offset fits the database's integers
    if not kind:
        # Every kind at once is one page, the first of each: a page beyond it shows
        # it, as a page beyond the last of one kind shows that kind's last.
        page = 1
    filters = filters or SearchFilters()
    per_page = per_page or (PAGE_SIZE if kind else OVERVIEW_SIZE)
    backend = get_backend()
    languages = stemmed_languages()
    match = backend.match(parsed, languages=languages)
    shown = [kind] if kind else list(SearchKind.values)
    try:
        scope = _scope(user, filters)
    except EmptyResultSet:  # signed out: no workspace at all
        ranks: list[Ranked] = []
    else:
        ranks = _ranked(match, scope, kinds=shown, offset=(page - 1) * per_page, limit=per_page)
    counts = {rank.kind: rank.count for rank in ranks}
    last = max(1, math.ceil(counts.get(kind or "", 0) / per_page))
    if kind and page > last:
        # A page beyond the last is the last, as the lists' pages are: matches come and go.
        page = last
        if counts.get(kind):
            ranks = _ranked(match, scope, kinds=shown, offset=(page - 1) * per_page, limit=per_page)
            counts = {rank.kind: rank.count for rank in ranks}
    hits = _hits(ranks, parsed, kinds=shown, offset=(page - 1) * per_page)
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
    # Offered whatever matched: what was found held the word "or", not either word.
    suggestion = or_in_capitals(parsed)
    capital_or = suggestion is not None
    if not (capital_or or counts) and backend.suggests and user.is_authenticated:
        suggestion = _suggestion(parsed, user=user, filters=filters, scope=scope, languages=languages)
    return SearchResults(query=parsed, kinds=kinds, suggestion=suggestion, capital_or=capital_or)


def _scope(user: User | AnonymousUser, filters: SearchFilters) -> tuple[str, list]:
    """The documents searched, as a WHERE clause: those of the user's
    workspaces (the permission layer's rule) that pass the filters. Raises
    EmptyResultSet for a signed-out visitor."""
    workspaces, params = workspace_ids_sql(user)
    sql = f"{DOC}.workspace_id IN ({workspaces})"
    lookups, published = filters.lookups(), filters.published()
    if lookups or published:  # compiled by the ORM only when there are filters: it costs more than the search
        documents = SearchDocument.objects.filter(**lookups)
        where, where_params = where_sql(documents.filter(published) if published else documents)
        sql, params = f"{sql} AND {where}", [*params, *where_params]
    return sql, params


def _suggestion(
    parsed: Query, *, user, filters: SearchFilters, scope: tuple[str, list], languages: set[str]
) -> str | None:
    """The query with its unknown words respelled, if that finds something."""
    # Only words of the kind the index keeps for it: a Chinese pair, or a run of 500 letters
    # (whose trigram search took seconds), resembles none of them.
    terms = [
        term
        for term in parsed.positive_terms
        if not (term.is_phrase or term.prefix) and is_spelled_word(term.words[0])
    ]
    if not terms:
        return None
    backend = get_backend()
    workspaces, params = workspace_ids_sql(user)
    if filters.workspace:
        workspaces, params = (
            f"SELECT %s WHERE %s IN ({workspaces})",
            [filters.workspace.pk, filters.workspace.pk, *params],
        )
    respelled = backend.respell(words=[term.words[0] for term in terms], workspaces=(workspaces, params))
    replacements = {}
    for term in terms:
        word = respelled.get(term.words[0])
        if word:
            typed = parsed.raw[term.span[0] : term.span[1]]
            replacements[term] = word.capitalize() if typed[:1].isupper() else word
    if not replacements:
        return None
    suggestion = replace_terms(parsed, replacements)
    match = backend.match(parse_query(suggestion), languages=languages)
    return suggestion if count_by_kind(match, scope) else None


# --- Turning rows into hits ----------------------------------------------------
#
# The ranking statement also reads what the hits show, for the rows on the
# page only: a few columns of each object and of what its hit names (its
# source, outlet, author, workspace), made into model instances without the
# ORM's query building, which cost more than the search itself. Each object
# is joined on its search document's workspace too, so it comes from the
# user's workspaces however stale the document.


class _Matchers(dict):
    """One Matcher per language, made when first needed."""

    def __init__(self, query: Query):
        super().__init__()
        self.query = query

    def __missing__(self, language: str) -> Matcher:
        matcher = self[language] = Matcher(self.query, language)
        return matcher


_ANY_ID = 918273645  # stands for the object's id in a reversed URL


@lru_cache(maxsize=4096)
def _url_parts(view: str, slug: str) -> tuple[str, str]:
    """An object's URL before and after its id: reverse() once per view and workspace, not per hit."""
    before, _, after = reverse(view, args=[slug, _ANY_ID]).rpartition(str(_ANY_ID))
    return before, after


def _url(view: str, workspace: Workspace, pk: int, fragment: str = "") -> str:
    before, after = _url_parts(view, workspace.slug)
    return f"{before}{pk}{after}#{fragment}" if fragment else f"{before}{pk}{after}"


@dataclass(frozen=True)
class _Columns:
    """Columns of one model read under a table alias; the first is its primary key."""

    alias: str
    model: type[Model]
    names: tuple[str, ...]  # attnames, in the model's field order (Model.from_db wants it)

    @classmethod
    def of(cls, alias: str, model: type[Model], *names: str) -> "_Columns":
        ordered = tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)
        if ordered[0] != model._meta.pk.attname or len(ordered) != len(names):
            raise ValueError(f"Not the primary key first, or no such field of {model.__name__}: {names}")
        return cls(alias, model, ordered)

    @property
    def sql(self) -> str:
        return ", ".join(f"{self.alias}.{connection.ops.quote_name(name)}" for name in self.names)

    @property
    def blank(self) -> str:
        """NULLs in place of these columns, typed as they are (for a UNION)."""
        fields = {f.attname: f for f in self.model._meta.concrete_fields}
        return ", ".join(f"CAST(NULL AS {fields[name].cast_db_type(connection)})" for name in self.names)

    def instance(self, values: Sequence, db: BaseDatabaseWrapper) -> Any:
        """The model instance of these columns' values (None for a missing row)."""
        if values[0] is None:
            return None
        converted = list(values)
        for index, converters in _converters(self, db.vendor):
            for converter, column in converters:
                converted[index] = converter(converted[index], column, db)
        return self.model.from_db(db.alias, self.names, converted)


@cache
def _converters(columns: _Columns, vendor: str) -> list[tuple[int, list]]:
    """What the ORM does to the columns' values as read (dates on SQLite, JSON, ...):
    (index, [(converter, column), ...]) for each column that needs it."""
    fields = {f.attname: f for f in columns.model._meta.concrete_fields}
    result = []
    for index, name in enumerate(columns.names):
        column = fields[name].get_col(columns.alias)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            result.append((index, [(converter, column) for converter in converters]))
    return result


def _join(alias: str, model: type[Model]) -> str:
    """The object behind a ranked match, in the match's workspace."""
    return _left_join(alias, model, f"{alias}.id = h.object_id AND {alias}.workspace_id = h.workspace_id")


def _left_join(alias: str, model: type[Model], on: str) -> str:
    return f"LEFT JOIN {connection.ops.quote_name(model._meta.db_table)} {alias} ON {on}"


@dataclass(frozen=True)
class _Shown:
    """What one kind's hits show: the tables joined, their columns (the object's
    first), and the hit made of the instances read."""

    joins: str
    columns: tuple[_Columns, ...]
    hit: Callable[[list, Workspace, _Matchers, float], Hit]


def _plain(text: str) -> Snippet:
    return Snippet(((text, False),))


def _source_hit(objects: list, workspace: Workspace, matchers: _Matchers, score: float) -> Hit:
    source, outlet = objects
    source.outlet, source.workspace = outlet, workspace
    matcher = matchers[primary_language(source.language)]
    text = snippet(source.text, matcher)
    return Hit(
        kind=SearchKind.SOURCE,
        object=source,
        workspace=workspace,
        url=_url("archive:source", workspace, source.pk, text.text_fragment()),
        title=highlight(source.title, matcher),
        snippet=text,
        score=score,
        title_language=source.language,
    )


def _passage_hit(objects: list, workspace: Workspace, matchers: _Matchers, score: float) -> Hit:
    passage, source = objects
    passage.source, passage.workspace = source, workspace
    return Hit(
        kind=SearchKind.PASSAGE,
        object=passage,
        workspace=workspace,
        url=_url("archive:source", workspace, passage.source_id, f"passage-{passage.pk}"),
        title=_plain(source.title),
        snippet=snippet(passage.exact, matchers[primary_language(source.language)]),
        score=score,
        title_language=source.language,
    )


def _annotation_hit(objects: list, workspace: Workspace, matchers: _Matchers, score: float) -> Hit:
    annotation, author, first, source = objects  # first: its passage with the lowest id
    annotation.author, annotation.workspace = author, workspace
    matcher = matchers[guess_language(annotation.body)]
    return Hit(
        kind=SearchKind.ANNOTATION,
        object=annotation,
        workspace=workspace,
        url=(
            _url("archive:source", workspace, first.source_id, f"passage-{first.pk}")
            if first
            else reverse("archive:workspace", args=[workspace.slug])
        ),
        title=_plain(source.title if first else "Annotation"),
        snippet=snippet(annotation.body, matcher),
        score=score,
        title_language=source.language if first else "",
    )


def _claim_hit(objects: list, workspace: Workspace, matchers: _Matchers, score: float) -> Hit:
    (claim,) = objects
    claim.workspace = workspace
    matcher = matchers[guess_language(claim.statement)]
    reasoning = snippet(claim.credibility_reason, matcher)
    return Hit(
        kind=SearchKind.CLAIM,
        object=claim,
        workspace=workspace,
        url=_url("archive:claim", workspace, claim.pk),
        title=snippet(claim.statement, matcher),
        snippet=reasoning if reasoning.has_match else None,
        score=score,
    )


def _shown() -> dict[str, _Shown]:
    links = Annotation._meta.get_field("passages")
    first_passage = (
        f"ap.id = (SELECT MIN({links.m2m_reverse_name()}) "  # noqa: S608  # nosec B608
        f"FROM {connection.ops.quote_name(links.m2m_db_table())} "
        f"WHERE {links.m2m_column_name()} = ao.id)"
    )
    return {
        SearchKind.SOURCE: _Shown(
            f"{_join('so', Source)} {_left_join('su', Outlet, 'su.id = so.outlet_id')}",
            (
                _Columns.of(
                    "so",
                    Source,
                    "id",
                    "workspace_id",
                    "title",
                    "outlet_id",
                    "published_on",
                    "language",
                    "text",
                ),
                _Columns.of("su", Outlet, "id", "name", "reliability"),
            ),
            _source_hit,
        ),
        SearchKind.PASSAGE: _Shown(
            f"{_join('po', Passage)} {_left_join('ps', Source, 'ps.id = po.source_id')}",
            (
                _Columns.of(
                    "po", Passage, "id", "workspace_id", "source_id", "start", "end", "exact", "anchor_status"
                ),
                _Columns.of("ps", Source, "id", "title", "language"),
            ),
            _passage_hit,
        ),
        SearchKind.ANNOTATION: _Shown(
            f"{_join('ao', Annotation)} "
            f"{_left_join('au', User, 'au.id = ao.author_id')} "
            f"{_left_join('ap', Passage, first_passage)} "
            f"{_left_join('aps', Source, 'aps.id = ap.source_id')}",
            (
                _Columns.of(
                    "ao",
                    Annotation,
                    "id",
                    "workspace_id",
                    "body",
                    "motivation",
                    "tags",
                    "author_id",
                    "review_status",
                ),
                _Columns.of("au", User, "id", "username"),
                _Columns.of("ap", Passage, "id", "source_id"),
                _Columns.of("aps", Source, "id", "title", "language"),
            ),
            _annotation_hit,
        ),
        SearchKind.CLAIM: _Shown(
            _join("co", Claim),
            (
                _Columns.of(
                    "co",
                    Claim,
                    "id",
                    "workspace_id",
                    "statement",
                    "credibility",
                    "credibility_reason",
                    "status",
                    "tags",
                    "created_by_id",
                    "review_status",
                ),
            ),
            _claim_hit,
        ),
    }


_SHOWN = _shown()
_WORKSPACE = _Columns.of("w", Workspace, "id", "name", "slug")


def _ranked(
    match: Match, scope: tuple[str, list], *, kinds: list[str], offset: int, limit: int
) -> list[Ranked]:
    """The counts, and the ranked matches on the page with the columns their hits show."""
    readings, blank = _readings(tuple(kinds), connection.vendor)
    return ranked_pages(match, scope, readings=readings, blank=blank, offset=offset, limit=limit)


@cache
def _readings(kinds: tuple[str, ...], vendor: str) -> tuple[dict[str, Reading], str]:
    """What to read beside the ranked matches of each of `kinds`, and the NULLs
    that stand for it in the rows of the other kinds (ranked_pages)."""
    workspace = _left_join("w", Workspace, "w.id = h.workspace_id")
    blanks = {kind: ", ".join(columns.blank for columns in _SHOWN[kind].columns) for kind in kinds}
    readings = {}
    for kind in kinds:
        read = ", ".join(columns.sql for columns in _SHOWN[kind].columns)
        columns = [_WORKSPACE.sql, *(read if other == kind else blanks[other] for other in kinds)]
        readings[kind] = Reading(", ".join(columns), f"{workspace} {_SHOWN[kind].joins}")
    return readings, ", ".join([_WORKSPACE.blank, *blanks.values()])


def _hits(ranks: list[Ranked], query: Query, *, kinds: list[str], offset: int) -> dict[str, list[Hit]]:
    """The hits of the ranked matches on the page (not those there only for their kind's count)."""
    matchers = _Matchers(query)
    # Where each kind's columns start in a row: after the workspace's, in the order of `kinds`.
    starts, position = {}, len(_WORKSPACE.names)
    for kind in kinds:
        starts[kind] = position
        position += sum(len(columns.names) for columns in _SHOWN[kind].columns)
    hits: dict[str, list[Hit]] = {}
    workspaces: dict[int, Workspace] = {}
    db = connections[connection.alias]  # the connection itself: its attributes are read per column
    for rank in ranks:
        if rank.kind not in starts or rank.place <= offset:
            continue
        shown, position = _SHOWN[rank.kind], starts[rank.kind]
        objects = []
        for columns in shown.columns:
            objects.append(columns.instance(rank.columns[position : position + len(columns.names)], db))
            position += len(columns.names)
        if objects[0] is not None:  # None: the document outlived its object
            workspace_id = rank.columns[0]
            if workspace_id not in workspaces:
                workspaces[workspace_id] = _WORKSPACE.instance(rank.columns[: len(_WORKSPACE.names)], db)
            hits.setdefault(rank.kind, []).append(
                shown.hit(objects, workspaces[workspace_id], matchers, rank.score)
            )
    if SearchKind.CLAIM in hits:
        hits[SearchKind.CLAIM] = _explained_by_evidence_notes(hits[SearchKind.CLAIM], matchers)
    return hits


def _explained_by_evidence_notes(hits: list[Hit], matchers: _Matchers) -> list[Hit]:
    """Claims found through a note on their evidence (indexed with the claim) show that
    note's match, so the reader sees why they were found; read only when some need it."""
    unexplained = [hit.object.pk for hit in hits if hit.snippet is None and not hit.title.has_match]
    if not unexplained:
        return hits
    shown: dict[int, Snippet] = {}
    notes = Evidence.objects.filter(claim_id__in=unexplained).exclude(note="").order_by("pk")
    for claim_id, note in notes.values_list("claim_id", "note"):
        if claim_id not in shown:
            found = snippet(note, matchers[guess_language(note)])
            if found.has_match:
                shown[claim_id] = found
    return [
        replace(hit, snippet=shown[hit.object.pk], snippet_from="Evidence note")
        if hit.object.pk in shown
        else hit
        for hit in hits
    ]
