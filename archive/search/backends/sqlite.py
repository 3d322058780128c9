"""SQLite: an FTS5 table over our normalized words, ranked by bm25.

`archive_search_fts` (added by archive/migrations/*_search.py) is an
external-content FTS5 table on the search documents' head, body and stems,
kept in step by triggers in the same transaction. Its unicode61 tokenizer
sees only our space-separated words (see archive.search.normalize), so
matching agrees with PostgreSQL's; FTS5 supports every part of our syntax
natively.
"""

from collections.abc import Iterable

from archive.models import SearchDocument
from archive.search.backends import DOC, Backend, Match
from archive.search.normalize import prefix_forms, query_stems
from archive.search.query import Query, Term

FTS = "archive_search_fts"
# bm25 weights per column: head, body, stems. bm25 is lower for better matches.
_SCORE = f"-bm25({FTS}, 10.0, 4.0, 1.0)"


def _fts_term(term: Term, languages: Iterable[str]) -> str:
    # Normalized words hold only letters and digits: nothing to escape.
    phrase = '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")
    if term.prefix and not term.is_phrase:
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
    def match(self, query: Query, *, languages: Iterable[str]) -> Match:
        return Match(
            tables=f"{FTS} JOIN {DOC} ON {DOC}.id = {FTS}.rowid",
            condition=f"{FTS} MATCH %s",
            params=[fts_query(query, languages)],
            score=_SCORE,
            score_params=[],
        )

    def clear(self) -> None:
        SearchDocument.objects.all().delete()  # the triggers empty the FTS table
