"""The database side of search: each backend turns a parsed query into SQL
that finds and scores documents; the queries around it are shared.

Every query here is parameterized; the only text spliced into SQL is our own
(table names, and WHERE clauses compiled by the ORM from `scoped()`
querysets, so the permission layer decides which workspaces are searched).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from archive.models import SearchDocument, SearchKind, Workspace
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


@dataclass(frozen=True)
class Row:
    kind: str
    object_id: int
    score: float


class Backend:
    """What a database must provide; see postgres.py and sqlite.py."""

    suggests = False  # offers "did you mean" spellings

    def match(self, query: Query, *, languages: Iterable[str]) -> Match:
        """`languages`: those whose stems a bare word should match (stemmed_languages())."""
        raise NotImplementedError

    def record_words(self, words: dict[int, set[str]]) -> None:
        """Remember each workspace's words for suggestions (workspace id -> words)."""

    def suggest(self, *, word: str, workspaces: QuerySet[Workspace]) -> str | None:
        """The indexed word of `workspaces` most like `word`, if it is not one itself."""
        return None

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
    sources = SearchDocument.objects.filter(kind=SearchKind.SOURCE)
    return set(sources.values_list("language", flat=True).distinct()) | set(GUESSED_LANGUAGES)


def where_sql(documents: QuerySet[SearchDocument]) -> tuple[str, list]:
    """The WHERE clause of a SearchDocument queryset, for the raw queries below.

    Raises EmptyResultSet for a queryset that can match nothing (none()).
    """
    compiler = documents.query.get_compiler(using=documents.db)
    sql, params = documents.query.where.as_sql(compiler, compiler.connection)
    return sql, list(params)


def count_by_kind(match: Match, documents: QuerySet[SearchDocument]) -> dict[str, int]:
    """How many of `documents` match, per kind."""
    where, where_params = where_sql(documents)
    sql = (
        f"SELECT {DOC}.kind, COUNT(*) FROM {match.tables} "  # noqa: S608  (our own SQL; values are parameters)  # nosec B608
        f"WHERE {match.condition} AND {where} GROUP BY {DOC}.kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*match.params, *where_params])
        return dict(cursor.fetchall())


def ranked(
    match: Match, documents: QuerySet[SearchDocument], *, kind: str, offset: int, limit: int
) -> list[Row]:
    """The best-scoring matches of one kind, positions offset+1 to offset+limit."""
    where, where_params = where_sql(documents)
    matching = f"FROM {match.tables} WHERE {match.condition} AND {where} AND {DOC}.kind = %s"
    matching_params = [*match.params, *where_params, kind]
    order = f"ORDER BY score DESC, {DOC}.object_id DESC LIMIT %s OFFSET %s"
    if match.rank_limit is None:
        sql = f"SELECT {DOC}.object_id, {match.score} AS score {matching} {order}"
        params = [*match.score_params, *matching_params, limit, offset]
    else:
        # MATERIALIZED: find every match through the full-text index first;
        # left to itself the planner may walk the primary key backwards and
        # test each document for "the newest N".
        sql = (
            f"WITH matching AS MATERIALIZED (SELECT {DOC}.id {matching}) "  # noqa: S608  # nosec B608
            f"SELECT {DOC}.object_id, {match.score} AS score FROM {DOC} "
            f"WHERE {DOC}.id IN (SELECT id FROM matching ORDER BY id DESC LIMIT %s) {order}"
        )
        params = [*matching_params, *match.score_params, match.rank_limit, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Row(kind, object_id, score) for object_id, score in cursor.fetchall()]
