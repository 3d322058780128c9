"""The database side of search: each backend turns a parsed query into SQL
that finds and scores documents; the queries around it are shared.

Every query here is parameterized; the only text spliced into SQL is our own
(table names, the select lists and joins archive.search.service reads hits
with, and WHERE clauses from the permission layer's
`workspace_ids_sql()` and the ORM, so the permission layer decides which
workspaces are searched).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from archive.models import SearchDocument, SearchKind
from archive.search.normalize import GUESSED_LANGUAGES
from archive.search.query import Query

DOC = connection.ops.quote_name(SearchDocument._meta.db_table)


@dataclass(frozen=True)
class Match:
    """SQL that finds the documents matching a query, and scores them."""

    tables: str
    condition: str
    params: list
    score: str
    score_params: list
    # Rank only the newest this many matches of a kind (None: all of them).
    rank_limit: int | None = None


class Backend:
    """What a database must provide; see postgres.py and sqlite.py."""

    suggests = False  # offers "did you mean" spellings

    def match(self, query: Query, *, languages: Iterable[str]) -> Match:
        """`languages`: those whose stems a bare word should match (stemmed_languages())."""
        raise NotImplementedError

    def record_words(self, words: dict[int, set[str]]) -> None:
        """Remember each workspace's words for suggestions (workspace id -> words)."""

    def respell(self, *, words: list[str], workspaces: tuple[str, list]) -> dict[str, str]:
        """For each of `words` that is not an indexed word of `workspaces` (SQL
        selecting their ids, and its parameters), the indexed word most like it, if any."""
        return {}

    def clear(self) -> None:
        """Empty the index (in the caller's transaction)."""
        raise NotImplementedError


def get_backend() -> Backend:
    if connection.vendor == "postgresql":
        from archive.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from archive.search.backends.sqlite import SqliteBackend

    return SqliteBackend()


def stemmed_languages() -> set[str]:
    """The languages whose stems are in the index: those of the sources (and
    so of their passages), and those guess_language() gives what analysts write.
    A query word is stemmed in these only: fewer alternatives, fewer false friends."""
    # Run on every search: raw SQL (compiling costs more than running), and
    # one step of the (kind, language) index per language rather than a
    # DISTINCT that reads an entry per source.
    sql = (
        f"WITH RECURSIVE languages (language) AS (SELECT MIN(language) FROM {DOC} WHERE kind = %s "  # noqa: S608  # nosec B608
        f"UNION ALL SELECT (SELECT MIN(language) FROM {DOC} "
        "WHERE kind = %s AND language > languages.language) "
        "FROM languages WHERE languages.language IS NOT NULL) "
        "SELECT language FROM languages WHERE language IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [SearchKind.SOURCE, SearchKind.SOURCE])
        return {language for (language,) in cursor.fetchall()} | set(GUESSED_LANGUAGES)


def where_sql(documents: QuerySet[SearchDocument]) -> tuple[str, list]:
    """The WHERE clause of a SearchDocument queryset, for the raw queries below.

    Raises EmptyResultSet for a queryset that can match nothing (none()).
    """
    compiler = documents.query.get_compiler(using=documents.db)
    sql, params = documents.query.where.as_sql(compiler, compiler.connection)
    return sql, list(params)


def count_by_kind(match: Match, scope: tuple[str, list]) -> dict[str, int]:
    """How many documents in `scope` (a WHERE clause and its parameters) match, per kind."""
    where, where_params = scope
    sql = (
        f"SELECT {DOC}.kind, COUNT(*) FROM {match.tables} "  # noqa: S608  (our own SQL; values are parameters)  # nosec B608
        f"WHERE {match.condition} AND {where} GROUP BY {DOC}.kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*match.params, *where_params])
        return dict(cursor.fetchall())


@dataclass(frozen=True)
class Reading:
    """What to read beside one kind's ranked matches: a select list, and the
    joins it needs to `h`, the ranked matches (h.kind, h.object_id, h.workspace_id)."""

    columns: str
    joins: str = ""


@dataclass(frozen=True)
class Ranked:
    """One kind's match count and, when on the page, one ranked match with the
    columns asked for (`ranked_pages`)."""

    kind: str
    count: int
    place: int  # 1 for the best match of its kind
    object_id: int
    score: float
    columns: tuple


def ranked_pages(
    match: Match,
    scope: tuple[str, list],
    *,
    readings: dict[str, Reading],
    blank: str,
    offset: int,
    limit: int,
) -> list[Ranked]:
    """In one statement: how many documents of each kind match, and places
    offset+1 to offset+limit of the ranking of each kind in `readings`, with
    what its reading reads.

    `scope` is a WHERE clause on the documents (and its parameters). Every
    kind with a match gives at least one Ranked (its best match), for its
    count; those of `readings` give their page. `blank` is a select list as
    long as the readings', of NULLs, for the kinds only counted.
    """
    shown = list(readings)
    where, where_params = scope
    kinds_in = ", ".join(["%s"] * len(shown)) or "NULL"
    matching = f"FROM {match.tables} WHERE {match.condition} AND {where}"
    matching_params = [*match.params, *where_params]
    if match.rank_limit is None:
        # Only the shown kinds are scored: the others need just a count.
        # Counted in a second step: bm25() cannot share a SELECT with a window.
        scored = (
            f"matching AS MATERIALIZED (SELECT {DOC}.kind AS kind, {DOC}.object_id AS object_id, "  # noqa: S608  # nosec B608
            f"{DOC}.workspace_id AS workspace_id, "
            f"CASE WHEN {DOC}.kind IN ({kinds_in}) THEN {match.score} ELSE 0 END AS score {matching}), "
            "scored AS (SELECT matching.*, COUNT(*) OVER (PARTITION BY kind) AS total FROM matching)"
        )
        params = [*shown, *match.score_params, *matching_params]
    else:
        # MATERIALIZED: find every match through the full-text index first;
        # left to itself the planner may walk the primary key backwards and
        # test each document for "the newest N". Of the kinds not shown only
        # the newest match is scored, for the count that comes with it. The
        # vectors ride along under the documents' table name, which the
        # score names: fetching them again by id cost more than the ranking.
        scored = (
            f"matching AS MATERIALIZED (SELECT {DOC}.kind, {DOC}.object_id, {DOC}.workspace_id, "  # noqa: S608  # nosec B608
            f"{DOC}.vector, "
            f"COUNT(*) OVER (PARTITION BY {DOC}.kind) AS total, "
            f"ROW_NUMBER() OVER (PARTITION BY {DOC}.kind ORDER BY {DOC}.id DESC) AS newest {matching}), "
            f"scored AS (SELECT {DOC}.kind AS kind, {DOC}.object_id AS object_id, "
            f"{DOC}.workspace_id AS workspace_id, {DOC}.total AS total, {match.score} AS score "
            f"FROM matching {DOC} "
            f"WHERE {DOC}.newest <= CASE WHEN {DOC}.kind IN ({kinds_in}) THEN %s ELSE 1 END)"
        )
        params = [*matching_params, *match.score_params, *shown, match.rank_limit]
    # One branch per kind, each joining only its own tables: one query
    # joining every kind's tables took longer for PostgreSQL to plan than to run.
    page = "(h.place = 1 OR (h.place > %s AND h.place <= %s))"
    ranked = "SELECT h.kind, h.total, h.place, h.object_id, h.score"
    branches = [
        f"{ranked}, {reading.columns} FROM h {reading.joins} WHERE h.kind = %s AND {page}"
        for reading in readings.values()
    ]
    branches.append(f"{ranked}, {blank} FROM h WHERE h.kind NOT IN ({kinds_in}) AND h.place = 1")
    for kind in shown:
        params += [kind, offset, offset + limit]
    params += shown
    sql = (
        f"WITH {scored}, h AS MATERIALIZED (SELECT scored.*, "  # noqa: S608  # nosec B608
        "ROW_NUMBER() OVER (PARTITION BY kind ORDER BY score DESC, object_id DESC) AS place FROM scored) "
        + " UNION ALL ".join(branches)
        + " ORDER BY 1, 3"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            Ranked(kind, total, place, object_id, score, tuple(rest))
            for kind, total, place, object_id, score, *rest in cursor.fetchall()
        ]
