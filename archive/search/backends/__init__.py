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
from time import monotonic

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


class _Languages:
    """The languages whose stems are in the index: those of the sources (and
    so of their passages), and those guess_language() gives what analysts write.
    A query word is stemmed in these only: fewer alternatives, fewer false friends.

    Every search needs them and they change only when a source in a new
    language arrives, so each process keeps what it read for FRESH_FOR
    seconds. Its own indexing tells it of a new language at once; one indexed
    by another process (an import job, say) has its words' other forms found
    after at most FRESH_FOR seconds, and its exact words at once.
    """

    FRESH_FOR = 10.0

    def __init__(self) -> None:
        self._read: tuple[float, frozenset[str]] | None = None

    def __call__(self) -> set[str]:
        now = monotonic()
        if self._read is None or now - self._read[0] > self.FRESH_FOR:
            self._read = (now, frozenset(self._in_index()))
        return set(self._read[1])

    def indexed(self, languages: Iterable[str]) -> None:
        """Sources in `languages` were just indexed here."""
        if self._read is not None and not self._read[1].issuperset(languages):
            self.forget()

    def forget(self) -> None:
        self._read = None

    @staticmethod
    def _in_index() -> set[str]:
        # Raw SQL (compiling costs more than running), and one step of the
        # (kind, language) index per language rather than a DISTINCT that
        # reads an entry per source.
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


stemmed_languages = _Languages()


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
    """One kind's match count and, for a kind shown, one ranked match with the
    columns asked for (`ranked_pages`); object id 0 for a kind only counted."""

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
    kind with a match gives at least one Ranked, for its count: a kind of
    `readings` its best match and its page, any other a row without a match
    (object id 0, score 0) and `blank`, a select list as long as the
    readings', of NULLs.
    """
    shown = list(readings)
    where, where_params = scope
    matching = f"FROM {match.tables} WHERE {match.condition} AND {where}"
    if match.rank_limit is None:
        # Only the shown kinds are scored: the others need just a count.
        # Scored as they are found: bm25() must be in the statement that matches.
        kinds_in = ", ".join(["%s"] * len(shown)) or "NULL"
        found = (
            f"SELECT {DOC}.kind AS kind, {DOC}.object_id AS object_id, "
            f"{DOC}.workspace_id AS workspace_id, "
            f"CASE WHEN {DOC}.kind IN ({kinds_in}) THEN {match.score} ELSE 0 END AS score {matching}"
        )
        params = [*shown, *match.score_params, *match.params, *where_params]
        candidates = "SELECT * FROM matching WHERE kind = %s"
        # The parameters of `candidates` before its kind, and after.
        before_kind, after_kind = [], []
    else:
        # MATERIALIZED (below): every match found through the full-text index
        # first; left to itself the planner may walk the primary key
        # backwards and test each document for "the newest N". The vectors
        # ride along under the documents' table name, which the score names:
        # fetching them again by id cost more than the ranking.
        found = f"SELECT {DOC}.id, {DOC}.kind, {DOC}.object_id, {DOC}.workspace_id, {DOC}.vector {matching}"
        params = [*match.params, *where_params]
        # A kind's newest matches, scored.
        candidates = (
            f"SELECT {DOC}.kind, {DOC}.object_id, {DOC}.workspace_id, {match.score} AS score "  # noqa: S608  # nosec B608
            f"FROM (SELECT * FROM matching WHERE kind = %s ORDER BY id DESC LIMIT %s) {DOC}"
        )
        before_kind, after_kind = match.score_params, [match.rank_limit]
    # A branch per shown kind: its best offset + limit matches, placed, and
    # joined to its own tables only (one query joining every kind's tables
    # took longer for PostgreSQL to plan than to run); then a row per other kind, for its count.
    placed = (
        f"SELECT t.*, ROW_NUMBER() OVER (ORDER BY t.score DESC, t.object_id DESC) AS place "  # noqa: S608  # nosec B608
        f"FROM ({candidates} ORDER BY score DESC, object_id DESC LIMIT %s) t"
    )
    branches = []
    for kind, reading in readings.items():
        branches.append(
            f"SELECT h.kind, c.total, h.place, h.object_id, h.score, {reading.columns} "  # noqa: S608  # nosec B608
            f"FROM ({placed}) h JOIN counts c ON c.kind = h.kind {reading.joins} "
            "WHERE h.place = 1 OR h.place > %s"
        )
        params += [*before_kind, kind, *after_kind, offset + limit, offset]
    others = " AND ".join(["c.kind <> %s"] * len(shown)) or "TRUE"
    branches.append(f"SELECT c.kind, c.total, 1, 0, 0.0, {blank} FROM counts c WHERE {others}")  # noqa: S608  # nosec B608
    params += shown
    sql = (
        f"WITH matching AS MATERIALIZED ({found}), "  # noqa: S608  # nosec B608
        "counts AS (SELECT kind, COUNT(*) AS total FROM matching GROUP BY kind) "
        + " UNION ALL ".join(branches)
        + " ORDER BY 1, 3"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            Ranked(kind, total, place, object_id, score, tuple(rest))
            for kind, total, place, object_id, score, *rest in cursor.fetchall()
        ]
