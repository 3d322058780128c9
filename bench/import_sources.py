"""Benchmark: `manage.py import_sources` on many text and HTML files.

    .venv/bin/python bench/import_sources.py [COUNT ...] [--kb KB] [--jobs N]

For each COUNT (default 200 1000) writes COUNT files of about KB kilobytes
(default 20), half plain text and half HTML articles, each different, into a
throwaway folder with its own SQLite database and media folder, then runs
one `import_sources` command over the folder and prints its wall time, files
per second, CPU time and peak memory (the command's maximum resident set
size). CPU time is steadier than wall time on a busy machine. Peak
memory that stays the same as COUNT grows means files are streamed, not
held. Set DATABASE_URL to measure on PostgreSQL instead (a scratch database:
it is migrated and filled).
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = [
    "the", "city", "regime", "factions", "airstrikes", "siege", "Aleppo", "Daraa", "revolution", "army",
    "witnesses", "between", "after", "during", "reached", "week", "more", "than", "neighborhoods", "council",
    "water", "station", "shells", "pump", "residents", "tankers", "barrel",
]  # fmt: skip
SETUP = """
from django.contrib.auth import get_user_model
from archive.models import Membership, Workspace
workspace = Workspace.objects.create(name="Bench", slug="bench")
user = get_user_model().objects.create_user("bench-analyst")
Membership.objects.create(user=user, workspace=workspace, role="analyst")
"""


def paragraph(rng: random.Random) -> str:
    sentences = (
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize()
        + f" {rng.randint(1, 99999)}."
        for _ in range(rng.randint(3, 6))
    )
    return " ".join(sentences)


def write_files(folder: Path, count: int, size: int, rng: random.Random) -> None:
    for index in range(count):
        paragraphs = []
        while sum(len(p) for p in paragraphs) < size * 0.9:
            paragraphs.append(paragraph(rng))
        title = f"Report {index}: {paragraph(rng)[:60]}"
        if index % 2:
            body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
            html = (
                f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>"
                f"<script>var x = {index};</script></head><body><nav>Home | News</nav>"
                f"<article><h1>{title}</h1>{body}</article></body></html>"
            )
            (folder / f"article-{index:05}.html").write_text(html, encoding="utf-8")
        else:
            (folder / f"report-{index:05}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs), "utf-8")


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (with its worker processes), peak RSS in MB and
    the last output line of one manage.py command."""
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{output}")
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - started, cpu, usage.ru_maxrss / 1024, output.strip().splitlines()[-1]


def bench(count: int, kb: int, jobs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="warrant-bench-") as scratch:
        scratch_dir = Path(scratch)
        files = scratch_dir / "files"
        files.mkdir()
        write_files(files, count, kb * 1024, random.Random(count))  # noqa: S311 - test data, not secrets
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "VAR_DIR": str(scratch_dir / "var"),
            "LOG_LEVEL": "WARNING",
        }
        run(["migrate", "--no-input"], env)
        run(["shell", "-c", SETUP], env)
        seconds, cpu, peak_mb, summary = run(
            [
                "import_sources",
                "--workspace",
                "bench",
                "--user",
                "bench-analyst",
                f"--jobs={jobs}",
                str(files),
            ],
            env,
        )
        size_mb = sum(path.stat().st_size for path in files.iterdir()) / 2**20
        print(
            f"{count:>6} files {size_mb:>6.1f} MB  jobs {jobs}  {seconds:>6.1f} s wall  {cpu:>6.1f} s CPU  "
            f"{count / seconds:>5.1f} files/s  peak RSS {peak_mb:>5.1f} MB  ({summary})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("counts", nargs="*", type=int, default=[200, 1000])
    parser.add_argument("--kb", type=int, default=20, help="size of each file in kilobytes")
    parser.add_argument("--jobs", type=int, default=1, help="import_sources --jobs (worker processes)")
    options = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "SQLite in a scratch folder")
    print(f"import_sources, {options.kb} KB files, half text and half HTML, on {database}")
    for count in options.counts:
        bench(count, options.kb, options.jobs)


if __name__ == "__main__":
    main()
