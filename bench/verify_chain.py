"""Benchmark: verify_history against SHA-256 chained over pre-serialised rows.

    .venv/bin/python bench/verify_chain.py [ENTRIES] [--rounds N]

Builds one workspace whose ledger holds about ENTRIES entries (default
20000; the issue measured 200000) the way bench/audit.py does, in a throwaway
database on DATABASE_URL's engine (bench/alternate.py). Then, alternately,
N times (default 5): our verification of the whole chain (verify_workspace:
every entry's hash recomputed from its history row, the links, the sequence,
the stray-row check; on PostgreSQL in the database, elsewhere by reading the
rows into Python; then every live row compared with its newest history row),
and the baseline: SHA-256 chained over the same entries, already serialised
in memory. Prints entries per second of both and the ratio (on PostgreSQL,
read the wall-clock one: the CPU time of this process leaves the database's
work out), then the same for the chain alone (verify_chain), which shows
what the live rows' comparison costs.

`--floor` (PostgreSQL) also times, against the same baseline, what any
verification from the rows must do in the database, without our canonical
text: reading every entry joined with its history row, and reading them
and hashing each history row's own text (PostgreSQL's record output). No
verification that recomputes every hash from the rows costs less.
"""

import argparse
import hashlib
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alternate import alternate, analyze, bench_database, report
from django.db import connection

from archive.audit.ledger import ENTRY_FIELDS, canonical_json, live_ledger, verify_chain, verify_workspace
from archive.models import HistoryEntry


def serialised(workspace_id: int) -> list[bytes]:
    """Each entry's hashed text after its previous hash, as the ledger defines it."""
    ledger = live_ledger()
    entries = list(
        HistoryEntry.objects.filter(workspace_id=workspace_id).order_by("sequence").values(*ENTRY_FIELDS)
    )
    rows = {}
    for label in {entry["model"] for entry in entries}:
        ids = [entry["history_id"] for entry in entries if entry["model"] == label]
        rows[label] = ledger.serialize(label, ids)
    return [
        ("\n" + canonical_json({**entry, "row": rows[entry["model"]][entry["history_id"]]})).encode()
        for entry in entries
    ]


def floor_queries(*, hashed: bool) -> list[tuple[str, str]]:
    """Per kind of history row: (label, SELECT reading a workspace's entries of that kind
    joined with their rows, and, `hashed`, hashing each row's record text)."""
    quote = connection.ops.quote_name
    entries = quote(live_ledger().entry_model._meta.db_table)
    work = "encode(sha256(convert_to(h::text, 'UTF8')), 'hex')" if hashed else "h.history_id::text"
    return [
        (
            label,
            f"SELECT count(*) FILTER (WHERE e.hash = {work}) FROM {entries} e "  # noqa: S608  # nosec B608
            f"JOIN {quote(model._meta.db_table)} h ON h.history_id = e.history_id "
            "WHERE e.workspace_id = %s AND e.model = %s",
        )
        for label, model in live_ledger().history_models.items()
    ]


def run_all(queries: list[tuple[str, str]], workspace_id: int) -> None:
    with connection.cursor() as cursor:
        for label, query in queries:
            cursor.execute(query, [workspace_id, label])
            cursor.fetchone()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("entries", type=int, nargs="?", default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--floor", action="store_true", help="also time the database reading (and hashing) the rows alone"
    )
    args = parser.parse_args()
    from audit import build  # bench/audit.py: the same chain as the feed's benchmark

    with bench_database():
        workspace, *_ = build(args.entries, random.Random(2017))  # noqa: S311 (not cryptography)
        analyze()
        texts = serialised(workspace.pk)
        head = HistoryEntry.objects.filter(workspace=workspace).order_by("-sequence").first()

        def ours() -> None:
            result = verify_workspace(workspace.pk)
            if not result.ok:
                raise SystemExit(f"the chain does not verify: {result.problem}")

        def baseline() -> None:
            digest = "0" * 64
            for text in texts:
                digest = hashlib.sha256(digest.encode() + text).hexdigest()
            if digest != head.hash:
                raise SystemExit("the baseline's chain does not end at the ledger's head")

        def chain_only() -> None:
            if not verify_chain(workspace.pk).ok:
                raise SystemExit("the chain does not verify")

        rounds = alternate(args.rounds, ours, baseline)
        report(f"verify_history, {len(texts)} entries", rounds, per=len(texts), unit="entries")
        rounds = alternate(args.rounds, chain_only, baseline)
        report(f"  the chain alone, {len(texts)} entries", rounds, per=len(texts), unit="entries")
        if args.floor and connection.vendor == "postgresql":
            for label, hashed in (("reading the rows", False), ("reading and hashing the rows", True)):
                queries = floor_queries(hashed=hashed)
                rounds = alternate(
                    args.rounds, lambda queries=queries: run_all(queries, workspace.pk), baseline
                )
                report(f"  the database {label} alone", rounds, per=len(texts), unit="entries")


if __name__ == "__main__":
    main()
