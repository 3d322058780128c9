"""PostgreSQL: a stored tsvector over our normalized words, with a GIN index.

The `vector` column (added by archive/migrations/*_search.py) is generated
from head (weight A), body (B) and stems (D) with the `simple`
configuration: our own normalization has already folded case, accents and
Arabic forms, and the stems of the document's language are indexed as
marked words (see archive.search.normalize), so one GIN index serves words,
prefixes and stems. Phrases are matched as words by the index and then
checked exactly with strpos() on the space-separated words, which, unlike
tsvector positions, has no limit on document length.
"""

from collections.abc import Iterable

from django.db import connection

from archive.models import SearchTerm
from archive.search.backends import DOC, Backend, Match
from archive.search.normalize import prefix_forms, query_stems
from archive.search.query import Query, Term

TERMS = connection.ops.quote_name(SearchTerm._meta.db_table)
VECTOR = f"{DOC}.vector"
# The query as a tsquery, in a scalar subquery: computed once per statement,
# and unknown to the planner, so every search of one shape gets the same plan
# and PostgreSQL keeps that plan prepared. Given the words, it planned each
# search anew, which took longer than running it.
_TSQUERY = "(SELECT to_tsquery('simple', %s))"
_MATCHES = f"{VECTOR} @@ {_TSQUERY}"
# ts_rank weights for D, C, B, A: stems, (unused), body, head.
_RANK = f"ts_rank('{{0.1, 0.2, 0.4, 1.0}}', {VECTOR}, {_TSQUERY}, 1)"
# ts_rank reads each matching document's whole vector: a word in thousands
# of sources would take seconds to rank. Past this many matches of a kind,
# the newest are ranked (counts stay exact).
RANK_LIMIT = 1000


def _lexeme(word: str, prefix: bool = False) -> str:
    # Normalized words hold only letters and digits: nothing to escape.
    return f"'{word}'" + (":*" if prefix else "")


def _tsquery_term(term: Term, languages: Iterable[str]) -> str:
    if term.is_phrase:
        last = len(term.words) - 1
        return "(" + " & ".join(_lexeme(w, term.prefix and i == last) for i, w in enumerate(term.words)) + ")"
    word = term.words[0]
    if term.stemmable:
        return "(" + " | ".join([_lexeme(word), *map(_lexeme, query_stems(word, languages))]) + ")"
    if term.prefix:
        return "(" + " | ".join(_lexeme(form, prefix=True) for form in [word, *prefix_forms(word)]) + ")"
    return _lexeme(word)


def tsquery(query: Query, languages: Iterable[str]) -> str:
    """The query as tsquery text; phrases loosened to all their words."""
    required = " & ".join(
        "(" + " | ".join(_tsquery_term(term, languages) for term in group) + ")" for group in query.groups
    )
    excluded = "".join(
        f" & !{_tsquery_term(term, languages)}" for term in query.excluded if not term.is_phrase
    )
    return required + excluded


def _exact_term(term: Term, languages: Iterable[str]) -> tuple[str, list]:
    if not term.is_phrase:
        return _MATCHES, [_tsquery_term(term, languages)]
    pattern = " " + " ".join(term.words) + ("" if term.prefix else " ")
    sql = f"(strpos(' ' || {DOC}.head || ' ', %s) > 0 OR strpos(' ' || {DOC}.body || ' ', %s) > 0)"
    return sql, [pattern, pattern]


def _phrase_conditions(query: Query, languages: Iterable[str]) -> tuple[list[str], list]:
    """Exact checks for the groups and exclusions that contain a phrase."""
    conditions, params = [], []
    for group in query.groups:
        if any(term.is_phrase for term in group):
            parts = [_exact_term(term, languages) for term in group]
            conditions.append("(" + " OR ".join(sql for sql, _ in parts) + ")")
            params += [param for _, term_params in parts for param in term_params]
    for term in query.excluded:
        if term.is_phrase:
            sql, term_params = _exact_term(term, languages)
            conditions.append(f"NOT {sql}")
            params += term_params
    return conditions, params


class PostgresBackend(Backend):
    suggests = True

    def match(self, query: Query, *, languages: Iterable[str]) -> Match:
        text = tsquery(query, languages)
        conditions, params = _phrase_conditions(query, languages)
        return Match(
            tables=DOC,
            condition=" AND ".join([_MATCHES, *conditions]),
            params=[text, *params],
            score=_RANK,
            score_params=[text],
            rank_limit=RANK_LIMIT,
        )

    def record_words(self, words: dict[int, set[str]]) -> None:
        with connection.cursor() as cursor:
            for workspace_id, workspace_words in words.items():
                cursor.execute(
                    f"INSERT INTO {TERMS} (workspace_id, word) SELECT %s, unnest(%s::text[]) "
                    "ON CONFLICT DO NOTHING",
                    [workspace_id, sorted(workspace_words)],
                )

    def respell(self, *, words: list[str], workspaces: tuple[str, list]) -> dict[str, str]:
        scope, scope_params = workspaces
        respelled = {}
        with connection.cursor() as cursor:
            # Known words first, by the unique index: a trigram search costs
            # milliseconds, and most words of a query that finds nothing are known.
            cursor.execute(
                f"SELECT DISTINCT word FROM {TERMS} WHERE workspace_id IN ({scope}) AND word = ANY(%s)",  # noqa: S608  # nosec B608
                [*scope_params, words],
            )
            known = {word for (word,) in cursor.fetchall()}
            for word in set(words) - known:
                cursor.execute(
                    f"SELECT word FROM {TERMS} WHERE workspace_id IN ({scope}) AND word %% %s "  # noqa: S608  (values are parameters)  # nosec B608
                    "ORDER BY similarity(word, %s) DESC, word LIMIT 1",
                    [*scope_params, word, word],
                )
                alike = cursor.fetchone()
                if alike:
                    respelled[word] = alike[0]
        return respelled

    def clear(self) -> None:
        # TRUNCATE refuses a table with deferred foreign key checks pending in
        # this transaction: run them first.
        connection.check_constraints()
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {DOC}, {TERMS}")
