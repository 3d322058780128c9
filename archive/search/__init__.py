"""Search across the archive: sources, passages, annotations and claims.

- `search(user=, query=, filters=, kind=, page=)` -> SearchResults: for the
  search page and the API; raises QueryError (a message for the user).
- `index_objects(objects=[...])`, `index_workspace(workspace=)`: bring the
  index up to date after writes without model signals (bulk operations,
  imports); `index_later(objects=[...])` does it at the end of the unit of
  work (archive.core.unit_of_work); see indexing.py.
- `rebuild_index()`: `manage.py rebuild_search_index`.
- `ids_containing(workspace=, kind=, field=, words=)`: the objects whose
  folded words contain the folded `words`, for pickers and list filters.
- `refuse_too_long(text)`: QueryError for a search or filter text longer
  than any may be (the claim list's filter and the admin's search use it too).

normalize.py folds text and queries alike, query.py parses the syntax,
backends/ hold the PostgreSQL (tsvector, GIN, pg_trgm) and SQLite (FTS5)
halves, highlight.py makes snippets.
"""

from archive.search.indexing import index_later, index_objects, index_workspace, rebuild_index
from archive.search.query import QueryError, refuse_too_long
from archive.search.service import Hit, KindResults, SearchFilters, SearchResults, ids_containing, search

__all__ = [
    "Hit",
    "KindResults",
    "QueryError",
    "SearchFilters",
    "SearchResults",
    "ids_containing",
    "index_later",
    "index_objects",
    "index_workspace",
    "rebuild_index",
    "refuse_too_long",
    "search",
]
