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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

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


@dataclass
class Rounds:
    """Seconds per round, wall clock and this process's CPU, of ours and of the baseline."""

    ours: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)
    baseline_cpu: list[float] = field(default_factory=list)


def alternate(rounds: int, ours: Callable[[], object], baseline: Callable[[], object]) -> Rounds:
    """Run ours, baseline, ours, baseline...; one warm-up each first."""
    ours()
    baseline()
    timings = Rounds()
    for _ in range(rounds):
        for action, wall, cpu in (
            (ours, timings.ours, timings.ours_cpu),
            (baseline, timings.baseline, timings.baseline_cpu),
        ):
            began, began_cpu = time.perf_counter(), time.process_time()
            action()
            wall.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
    return timings


def report(label: str, rounds: Rounds, *, per: int = 1, unit: str = "", each: str = "") -> float:
    """Print both medians and the ratio baseline / ours (1.0: as fast as the baseline).

    With `per` and `unit`, figures are throughputs (`per` units per round);
    with `per` and `each`, milliseconds per one of them; otherwise
    milliseconds per round. The ratio of this process's CPU time follows:
    steadier on a busy machine, and with SQLite it includes the database's
    work (with PostgreSQL it leaves the server's out).
    """
    ours_s, base_s = statistics.median(rounds.ours), statistics.median(rounds.baseline)
    ratio = base_s / ours_s
    cpu_ratio = statistics.median(rounds.baseline_cpu) / statistics.median(rounds.ours_cpu)
    if each:
        figures = f"Warrant {ours_s / per * 1000:.2f} ms, baseline {base_s / per * 1000:.2f} ms per {each}"
    elif unit:
        figures = f"Warrant {per / ours_s:,.0f} {unit}/s, baseline {per / base_s:,.0f} {unit}/s"
    else:
        figures = f"Warrant {ours_s * 1000:.2f} ms, baseline {base_s * 1000:.2f} ms"
    slower = f"{1 / ratio:.1f}x slower" if ratio < 1 else "faster"
    print(
        f"{label}: {figures}; ratio {ratio:.3f} ({slower}; CPU time ratio {cpu_ratio:.3f}), "
        f"median of {len(rounds.ours)} alternating rounds, {connection.vendor}",
        flush=True,
    )
    return ratio
