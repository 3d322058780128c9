"""SQLite: an FTS5 table over our normalized words, ranked by bm25.

`archive_search_fts` (added by archive/migrations/*_search.py) is an
external-content FTS5 table on the search documents' head, body and stems,
kept in step by triggers in the same transaction. Its unicode61 tokenizer
sees only our space-separated words (see archive.search.normalize), so
matching agrees with PostgreSQL's; FTS5 supports every part of our syntax
natively.

"Did you mean" compares a word with the workspaces' words of about its
length in C (rapidfuzz), where PostgreSQL uses a trigram index.
"""

from collections.abc import Iterable

from django.db import connection
from rapidfuzz import fuzz, process

from archive.models import SearchDocument, SearchTerm
from archive.search.backends import DOC, Backend, Match
from archive.search.normalize import prefix_forms, query_stems
from archive.search.query import Query, Term

FTS = "archive_search_fts"
# bm25 weights per column: head, body, stems. bm25 is lower for better matches.
_SCORE = f"-bm25({FTS}, 10.0, 4.0, 1.0)"
TERMS = connection.ops.quote_name(SearchTerm._meta.db_table)
# How alike (rapidfuzz's ratio, 0 to 100) a known word must be to be offered: a
# letter missing, doubled or swapped in a word of five or more letters passes.
_ALIKE = 75
# Words more letters longer or shorter than this are not compared.
_LENGTH_SLACK = 2


def _fts_term(term: Term, languages: Iterable[str]) -> str:
    # Normalized words hold only letters and digits: nothing to escape.
    phrase = '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")
    if term.is_phrase:
        # In the text's words only, as PostgreSQL checks phrases: the stems column
        # is a set in no order, whose Chinese or Japanese characters stand side by side.
        return f"{{head body}} : {phrase}"
    if term.prefix:
        return "(" + " OR ".join([phrase, *(f'"{form}"*' for form in prefix_forms(term.words[0]))]) + ")"
    if not term.stemmable:
        return phrase
    return "(" + " OR ".join([phrase, *(f'"{form}"' for form in query_stems(term.words[0], languages))]) + ")"


def fts_query(query: Query, languages: Iterable[str]) -> str:
    required = " AND ".join(
        "(" + " OR ".join(_fts_term(term, languages) for term in group) + ")" for group in query.groups
    )
    # NOT binds tighter than AND in FTS5: bracket what it excludes from.
    return f"({required})" + "".join(f" NOT {_fts_term(term, languages)}" for term in query.excluded)


class SqliteBackend(Backend):
    suggests = True

    def match(self, query: Query, *, languages: Iterable[str]) -> Match:
        return Match(
            tables=f"{FTS} JOIN {DOC} ON {DOC}.id = {FTS}.rowid",
            condition=f"{FTS} MATCH %s",
            params=[fts_query(query, languages)],
            score=_SCORE,
            score_params=[],
        )

    def record_words(self, words: dict[int, set[str]]) -> None:
        rows = [(workspace_id, word) for workspace_id, known in words.items() for word in sorted(known)]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {TERMS} (workspace_id, word) VALUES (%s, %s)",  # noqa: S608  # nosec B608
                rows,
            )

    def respell(self, *, words: list[str], workspaces: tuple[str, list]) -> dict[str, str]:
        if not words:
            return {}
        scope, scope_params = workspaces
        respelled = {}
        with connection.cursor() as cursor:
            listed = ", ".join(["%s"] * len(words))
            cursor.execute(
                f"SELECT DISTINCT word FROM {TERMS} WHERE workspace_id IN ({scope}) AND word IN ({listed})",  # noqa: S608  # nosec B608
                [*scope_params, *words],
            )
            known = {word for (word,) in cursor.fetchall()}
            for word in sorted(set(words) - known):
                cursor.execute(
                    f"SELECT DISTINCT word FROM {TERMS} WHERE workspace_id IN ({scope}) "  # noqa: S608  # nosec B608
                    "AND length(word) BETWEEN %s AND %s ORDER BY word",
                    [*scope_params, len(word) - _LENGTH_SLACK, len(word) + _LENGTH_SLACK],
                )
                alike = process.extractOne(
                    word, [row[0] for row in cursor.fetchall()], scorer=fuzz.ratio, score_cutoff=_ALIKE
                )
                if alike:
                    respelled[word] = alike[0]
        return respelled

    def clear(self) -> None:
        SearchDocument.objects.all().delete()  # the triggers empty the FTS table
        SearchTerm.objects.all().delete()
