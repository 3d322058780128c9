"""Benchmark: search against a raw full-text query on the passages.

    .venv/bin/python bench/search_vs_raw.py [SOURCES] [PASSAGES] [ANNOTATIONS] [--queries Q] [--rounds N]

Builds a generated archive the way bench/search.py does (defaults 2000
sources, 30000 passages, 10000 annotations: minutes to build; the issue
measured 20000 300000 100000) in a throwaway database on DATABASE_URL's
engine (bench/alternate.py), and beside it a plain table of the passages'
text with a full-text index: on PostgreSQL a GIN-indexed
to_tsvector('english', text), on SQLite an FTS5 table. Then, alternately, N
times (default 5), over Q queries (default 60; words, phrases, OR and
prefixes as they occur in the texts):

- all kinds: search() as /search/ calls it (counts of every kind, the first
  hits of each with their snippets, through the permission layer) against
  the raw query: websearch_to_tsquery, top 20 by ts_rank (SQLite: MATCH,
  top 20 by bm25);
- passages only: search(kind="passage"), a page of 20, against the same raw
  query.

Prints milliseconds per query of both (the mean over a round, median of the
rounds) and the ratio, then the issue's figures: p50 and p95 over the
queries, each query's time being its median over the rounds. With
--by-class, then the same for passages only per class of query (one word,
two, three, a phrase, OR, a prefix), which shows where the time goes: the
baseline's websearch_to_tsquery reads "kuzi*" as the word "kuzi" (no prefix
expansion) and checks a phrase by the vector's positions, while search()
expands the prefix and checks a phrase in the text itself.

With --narrow (PostgreSQL), the option of a narrow table of the vectors alone
(id, kind, workspace, vector, GIN-indexed), measured against the documents'
table as it is: counting the matches of each kind, then counting and ranking
the newest 1,000 of the passages and the sources as search() does. "Ours" is
the documents' table, "baseline" the narrow one.
"""

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alternate import alternate, analyze, bench_database, report
from django.contrib.auth import get_user_model
from django.db import connection

from archive.models import Passage, SearchDocument
from archive.search import search
from archive.search.backends import stemmed_languages
from archive.search.backends.postgres import tsquery
from archive.search.query import parse_query

TABLE = "bench_passage_fts"


def build_baseline() -> None:
    passages = connection.ops.quote_name(Passage._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, vector tsvector NOT NULL)")
            cursor.execute(
                f"INSERT INTO {TABLE} SELECT id, to_tsvector('english', exact) FROM {passages}"  # noqa: S608  # nosec B608
            )
            cursor.execute(f"CREATE INDEX {TABLE}_vector ON {TABLE} USING gin (vector)")
        else:
            cursor.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5(exact)")
            cursor.execute(f"INSERT INTO {TABLE} (rowid, exact) SELECT id, exact FROM {passages}")  # noqa: S608  # nosec B608


def raw_query(query: str) -> list:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT id, ts_rank(vector, query) AS rank "  # noqa: S608  # nosec B608
                f"FROM {TABLE}, websearch_to_tsquery('english', %s) query "
                "WHERE vector @@ query ORDER BY rank DESC LIMIT 20",
                [query],
            )
        else:
            cursor.execute(
                f"SELECT rowid, rank FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY rank LIMIT 20",  # noqa: S608  # nosec B608
                [query],
            )
        return cursor.fetchall()


class PerQuery:
    """Runs `search` on each query in turn, keeping each query's time per round."""

    def __init__(self, search: Callable[[str], object], queries: list[str]):
        self.search, self.queries = search, queries
        self.seconds: dict[str, list[float]] = {query: [] for query in queries}

    def __call__(self) -> None:
        for query in self.queries:
            began = time.perf_counter()
            self.search(query)
            self.seconds[query].append(time.perf_counter() - began)

    def percentile(self, share: float) -> float:
        """Milliseconds: of each query's median time (the warm-up left out), the `share` percentile."""
        medians = sorted(statistics.median(seconds[1:]) for seconds in self.seconds.values())
        return medians[min(len(medians) - 1, int(share * len(medians)))] * 1000


NARROW = "bench_search_vectors"
# Counts of each kind; then those, and the newest 1,000 matches of a kind ranked as search() ranks them.
COUNT = "SELECT kind, COUNT(*) FROM {table} WHERE vector @@ to_tsquery('simple', %s) GROUP BY kind"
_RANK_KIND = (
    "(SELECT kind, ts_rank('{{0.1, 0.2, 0.4, 1.0}}', vector, to_tsquery('simple', %s), 1)::bigint "
    "FROM (SELECT * FROM m WHERE kind = %s ORDER BY id DESC LIMIT 1000) x ORDER BY 2 DESC LIMIT 20)"
)
_MATCHES = (
    "WITH m AS MATERIALIZED (SELECT id, kind, vector FROM {table} WHERE vector @@ to_tsquery('simple', %s)) "
)
_COUNTS = "SELECT kind, COUNT(*) FROM m GROUP BY kind UNION ALL "
RANKED = _MATCHES + _COUNTS + " UNION ALL ".join([_RANK_KIND] * 2)


def compare_narrow(queries: list[str], rounds: int) -> None:
    """The documents' table against a narrow one of their vectors, for counting and ranking."""
    documents = connection.ops.quote_name(SearchDocument._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {NARROW} AS SELECT id, kind, workspace_id, vector FROM {documents}"  # noqa: S608  # nosec B608
        )
        cursor.execute(f"ALTER TABLE {NARROW} ADD PRIMARY KEY (id)")
        cursor.execute(f"CREATE INDEX {NARROW}_vector ON {NARROW} USING gin (vector)")
        cursor.execute("SELECT pg_relation_size(%s), pg_relation_size(%s)", [documents.strip('"'), NARROW])
        wide, narrow = cursor.fetchone()
    analyze()
    print(f"narrow table: {narrow / 2**20:.1f} MB of rows, the documents' {wide / 2**20:.1f} MB")
    languages = stemmed_languages()
    texts = [tsquery(parse_query(query), languages) for query in queries]
    for label, sql, parameters in (
        ("count by kind", COUNT, lambda text: [text]),
        ("count, rank the newest", RANKED, lambda text: [text, text, "passage", text, "source"]),
    ):

        def run(table: str, sql: str = sql, parameters: Callable[[str], list] = parameters) -> None:
            with connection.cursor() as cursor:
                for text in texts:
                    cursor.execute(sql.format(table=table), parameters(text))
                    cursor.fetchall()

        rounds_of = alternate(rounds, lambda: run(documents), lambda: run(NARROW))
        report(f"  {label}, documents' table against a narrow one", rounds_of, per=len(texts), each="query")


def report_percentiles(ours: PerQuery, baseline: PerQuery) -> None:
    """The issue's figures: p50 and p95 over the queries, each query's time its median over the rounds."""
    figures = []
    for share in (0.5, 0.95):
        warrant, raw = ours.percentile(share), baseline.percentile(share)
        figures.append(
            f"p{round(share * 100)} Warrant {warrant:.2f} ms, baseline {raw:.2f} ms ({warrant / raw:.1f}x)"
        )
    print(f"  per query: {'; '.join(figures)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", help="SOURCES PASSAGES ANNOTATIONS")
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--by-class", action="store_true", help="passages only, per class of query too")
    parser.add_argument("--narrow", action="store_true", help="a narrow table of the vectors, against ours")
    args = parser.parse_args()
    sources, passages, annotations = args.sizes + [2_000, 30_000, 10_000][len(args.sizes) :]
    import search as generated  # bench/search.py: the archive, its vocabularies and queries

    rng = random.Random(2017)  # noqa: S311 (a benchmark, not cryptography)
    vocabularies = {"en": generated.english(rng), "ar": generated.arabic(rng)}
    with bench_database():
        print(f"{sources} sources, {passages} passages, {annotations} annotations, {connection.vendor}")
        generated.build(rng, sources, passages, annotations, vocabularies)
        build_baseline()
        analyze()
        made = generated.queries(rng, vocabularies, args.queries)
        queries = [query for label, texts in made.items() if label != "frequent words" for query in texts]
        queries = queries[: args.queries]
        user = get_user_model().objects.get(username="bench")

        def all_kinds(query: str) -> None:
            search(user=user, query=query)

        def passages_only(query: str) -> None:
            search(user=user, query=query, kind="passage")

        for label, ours in (("search, all kinds", all_kinds), ("search, passages only", passages_only)):
            ours_times, baseline_times = PerQuery(ours, queries), PerQuery(raw_query, queries)
            rounds = alternate(args.rounds, ours_times, baseline_times)
            report(label, rounds, per=len(queries), each="query")
            report_percentiles(ours_times, baseline_times)
        if args.narrow and connection.vendor == "postgresql":
            compare_narrow(queries, args.rounds)
        if args.by_class:
            for label, texts in made.items():
                if label == "frequent words":
                    continue
                rounds = alternate(
                    args.rounds,
                    lambda texts=texts: [search(user=user, query=query, kind="passage") for query in texts],
                    lambda texts=texts: [raw_query(query) for query in texts],
                )
                report(f"  passages only, {label}", rounds, per=len(texts), each="query")


if __name__ == "__main__":
    main()
