"""Benchmark: the activity feed and history verification over a long history.

    .venv/bin/python bench/audit.py [ROWS] [RUNS]

Builds one workspace with ROWS history rows (default 200000) in a throwaway
test database on DATABASE_URL's engine (SQLite by default, in a file), through
the bulk history path, so every row also enters the hash-chained ledger: 5
users, claims, passages and evidence created then changed, reverted, approved
and re-anchored, spread over 90 days. Then prints, for each kind of filter, the
median server time (view, queries and template, through Django's test client)
of the feed's first page over RUNS requests (default 7), the time to
verify the whole chain, and that of the chain's status page, which shows
the recorded verification instead of verifying.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history, bulk_update_with_history  # noqa: E402

from archive.audit.verification import verify_and_record  # noqa: E402
from archive.core.attribution import recorded_as  # noqa: E402
from archive.models import (  # noqa: E402
    Claim,
    Evidence,
    HistoryAction,
    HistoryEntry,
    Membership,
    Passage,
    Role,
    Source,
    Workspace,
)
from archive.passages.selectors import selector_for  # noqa: E402

TEXT = (
    "Russian airstrikes were increased, reaching 120 a week. Al-Rashideen area in Aleppo underwent "
    "more than 400 airstrikes. The city was completely surrounded in the summer of 2012. "
) * 20
BATCH = 2000
NEW_VALUES = {
    "status": ["open", "disputed"],
    "anchor_status": ["exact", "moved"],
    "note": ["checked", "see p. 2"],
}
DAYS = 90
SOURCES = 50


def build(rows: int, rng: random.Random) -> tuple[Workspace, list, list[Source], list[Claim]]:
    """A workspace whose ledger holds about `rows` entries."""
    users = [get_user_model().objects.create(username=f"bench-{n}") for n in range(5)]
    workspace = Workspace.objects.create(name="Benchmark", slug="bench")
    for user in users:
        Membership.objects.create(user=user, workspace=workspace, role=Role.ADMIN)
    sources = [
        Source.objects.create(workspace=workspace, title=f"Source {n}", text=TEXT, language="en")
        for n in range(SOURCES)
    ]
    count = rows // 10  # claims, passages and evidence created: 30%; the rest are changes
    start = timezone.now() - timedelta(days=DAYS)
    written = HistoryEntry.objects.filter(workspace=workspace).count()

    def in_batches(objects: list, write) -> None:
        """Write in batches, each by one user with one action, times growing steadily."""
        nonlocal written
        for first in range(0, len(objects), BATCH):
            batch = objects[first : first + BATCH]
            for index, obj in enumerate(batch):
                obj._history_date = start + timedelta(days=DAYS) * (written + index) / rows
            action = rng.choice(list(HistoryAction))
            with recorded_as(user=rng.choice(users), reason=f"bench {action}", action=action):
                write(batch)
            written += len(batch)

    claims, passages, evidence = [], [], []
    in_batches(
        [Claim(workspace=workspace, statement=f"Claim {n}") for n in range(count)],
        lambda batch: claims.extend(bulk_create_with_history(batch, Claim)),
    )
    for n in range(count):
        offset = rng.randrange(0, len(TEXT) - 40)
        source = sources[n % SOURCES]
        selector = selector_for(TEXT, offset, offset + 30)
        passages.append(Passage(workspace=workspace, source=source, **vars(selector)))
    created = []
    in_batches(
        passages,
        lambda batch: created.extend(bulk_create_with_history(batch, Passage)),
    )
    passages = created
    created = []
    in_batches(
        [
            Evidence(workspace=workspace, claim=claim, passage=passage, stance="supports")
            for claim, passage in zip(claims, passages, strict=True)
        ],
        lambda batch: created.extend(bulk_create_with_history(batch, Evidence)),
    )
    evidence = created
    kinds = [(claims, Claim, "status"), (passages, Passage, "anchor_status"), (evidence, Evidence, "note")]
    while written < rows:
        objects, model, field = rng.choice(kinds)
        batch = rng.sample(objects, min(BATCH, rows - written, len(objects)))
        for obj in batch:
            setattr(obj, field, rng.choice(NEW_VALUES[field]))
        in_batches(
            batch, lambda batch, model=model, field=field: bulk_update_with_history(batch, model, [field])
        )
    return workspace, users, sources, claims


def median_ms(client: Client, url: str, params: dict, runs: int) -> tuple[float, float, int]:
    """Median wall-clock and CPU milliseconds of the request, and how many rows it shows."""
    client.get(url, params)  # warm up caches and the query plan
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, params)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    assert response.status_code == 200, response.status_code
    return statistics.median(walls), statistics.median(cpus), response.content.count(b'class="sequence"')


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    rng = random.Random(2017)  # noqa: S311 (a benchmark, not cryptography)
    setup_test_environment()
    if connection.vendor == "sqlite":
        # A file, as in production, rather than the test runner's in-memory database.
        connection.settings_dict["TEST"]["NAME"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        began = time.perf_counter()
        workspace, users, sources, claims = build(rows, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # what autovacuum does after a bulk load like this one
        entries = HistoryEntry.objects.filter(workspace=workspace).count()
        seconds = time.perf_counter() - began
        print(f"{entries} ledger entries built in {seconds:.0f} s, database {connection.vendor}")

        client = Client()
        client.force_login(users[0])
        url = reverse("archive:activity", args=[workspace.slug])
        middle = timezone.now() - timedelta(days=DAYS // 2)
        week = {"since": (middle - timedelta(days=7)).isoformat(), "until": middle.isoformat()}
        old = HistoryEntry.objects.filter(workspace=workspace).order_by("sequence")[1000].sequence
        cases = {
            "newest page, no filter": {},
            "user": {"user": users[1].pk},
            "object type: evidence": {"model": "evidence"},
            "action: approved": {"action": "approved"},
            "source": {"source": sources[7].pk},
            "claim": {"claim": claims[123].pk},
            "one week, 45 days ago": week,
            "user + type + week": {"user": users[2].pk, "model": "passage", **week},
            "deep page (before=#1000)": {"before": old},
        }
        # CPU time is this process's: on SQLite, the database's work too; on PostgreSQL, not.
        print(f"feed, first page of 50, median of {runs} requests (wall clock, and CPU):")
        for name, params in cases.items():
            wall, cpu, shown = median_ms(client, url, params, runs)
            print(f"  {name:28} {wall:7.1f} ms  (CPU {cpu:6.1f} ms, {shown} rows shown)")

        cpu = time.process_time()
        result = verify_and_record(workspace_id=workspace.pk, user=users[0])
        verdict = "OK" if result.ok else result.problem
        cpu = time.process_time() - cpu
        print(f"verify {result.checked} entries: {result.seconds:.1f} s (CPU {cpu:.1f} s), {verdict}")
        status = reverse("archive:audit_status", args=[workspace.slug])
        wall, cpu, _ = median_ms(client, status, {}, runs)
        print(f"chain status page, median of {runs} requests: {wall:.1f} ms (CPU {cpu:.1f} ms)")
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)


if __name__ == "__main__":
    main()
