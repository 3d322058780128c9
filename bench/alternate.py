"""What the baseline benchmarks share: a throwaway database, and rounds that
alternate our operation with its baseline so that a noisy machine slows both.

The database is DATABASE_URL's engine: on SQLite a file in the temporary
directory, on PostgreSQL the database "<name>_bench" (created, and dropped
at the end).
"""

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


@contextmanager
def bench_database() -> Iterator[None]:
    setup_test_environment()  # the test client's host, as under pytest
    if connection.vendor == "sqlite":  # on disk, as in production, not in memory
        name = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    else:
        name = f"{connection.settings_dict['NAME']}_bench"
    connection.settings_dict["TEST"]["NAME"] = name
    test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.close()
        connection.creation.destroy_test_db(test_database, verbosity=0)


def analyze() -> None:
    """What autovacuum (or a maintenance job) does after a bulk load."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def alternate(rounds: int, ours: Callable[[], object], baseline: Callable[[], object]) -> tuple[list, list]:
    """Seconds per round of each, run ours, baseline, ours, baseline...; one warm-up each first."""
    ours()
    baseline()
    timings: tuple[list, list] = ([], [])
    for _ in range(rounds):
        for action, times in ((ours, timings[0]), (baseline, timings[1])):
            began = time.perf_counter()
            action()
            times.append(time.perf_counter() - began)
    return timings


def report(
    label: str, ours: list[float], baseline: list[float], *, per: int = 1, unit: str = "", each: str = ""
) -> float:
    """Print both medians and the ratio baseline / ours (1.0: as fast as the baseline).

    With `per` and `unit`, figures are throughputs (`per` units per round);
    with `per` and `each`, milliseconds per one of them; otherwise
    milliseconds per round.
    """
    ours_s, base_s = statistics.median(ours), statistics.median(baseline)
    ratio = base_s / ours_s
    if each:
        figures = f"Warrant {ours_s / per * 1000:.2f} ms, baseline {base_s / per * 1000:.2f} ms per {each}"
    elif unit:
        figures = f"Warrant {per / ours_s:,.0f} {unit}/s, baseline {per / base_s:,.0f} {unit}/s"
    else:
        figures = f"Warrant {ours_s * 1000:.2f} ms, baseline {base_s * 1000:.2f} ms"
    slower = f"{1 / ratio:.1f}x slower" if ratio < 1 else "faster"
    print(
        f"{label}: {figures}; ratio {ratio:.3f} ({slower}), median of {len(ours)} alternating rounds, "
        f"{connection.vendor}",
        flush=True,
    )
    return ratio
