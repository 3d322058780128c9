"""Benchmark: the reading page of a long source with many passages.

    .venv/bin/python bench/reading_page.py [CHARS] [PASSAGES] [--runs N] [--browser]

Builds a source of CHARS code points (default 300000) with PASSAGES passages
(default 2000; half annotated, half cited as evidence for 50 claims) in a
throwaway test database on DATABASE_URL's engine, then prints the server time
of the reading page (Django test client: median, best and worst of N runs,
default 7), rendered anew as after any change and served from the reading
cache, its database queries and its size, and how long building the
highlighted text alone takes. With --browser it also loads the page in
Chromium on a live server and prints when it was first painted and when the
page's script had enhanced it.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from archive.models import (  # noqa: E402
    Annotation,
    Claim,
    Evidence,
    Membership,
    Outlet,
    Passage,
    Role,
    Source,
    Stance,
    Workspace,
)
from archive.passages.selectors import selector_for  # noqa: E402
from archive.reading.cached import CACHE as READING_CACHE  # noqa: E402
from archive.reading.page import build_reading  # noqa: E402

# English, Arabic, and emoji that take two UTF-16 units each.
SENTENCES = [
    "Russian airstrikes were increased, reaching 120 a week.",
    "Al-Rashideen area in Aleppo underwent more than 400 airstrikes.",
    "The city was completely surrounded in the summer of 2012 🌊.",
    "قال مدير المحطة إن القصف بدأ في الساعة السادسة صباحاً.",
    "Witnesses 👩🏽‍⚕️ confirmed that the shelling lasted about two hours.",
]


def build_text(rng: random.Random, length: int) -> str:
    parts, size = [], 0
    while size < length:
        sentence = rng.choice(SENTENCES) + ("\n\n" if rng.random() < 0.15 else " ")
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)[:length]


def build_source(rng: random.Random, chars: int, passages: int):
    user = get_user_model().objects.create(username="bench-analyst")
    workspace = Workspace.objects.create(name="Benchmark", slug="benchmark")
    Membership.objects.create(user=user, workspace=workspace, role=Role.ANALYST)
    outlet = Outlet.objects.create(workspace=workspace, name="Bench outlet", reliability="B")
    text = build_text(rng, chars)
    source = Source.objects.create(
        workspace=workspace, title="Benchmark", text=text, language="en", outlet=outlet
    )
    spans = sorted(
        (start, min(len(text), start + rng.randint(8, 200)))
        for start in rng.sample(range(len(text) - 10), passages)
    )
    created = Passage.objects.bulk_create(
        Passage(workspace=workspace, source=source, created_by=user, **vars(selector_for(text, start, end)))
        for start, end in spans
    )
    claims = Claim.objects.bulk_create(
        Claim(workspace=workspace, statement=f"Claim {number}", created_by=user) for number in range(50)
    )
    annotated, cited = created[::2], created[1::2]
    notes = Annotation.objects.bulk_create(
        Annotation(workspace=workspace, body=f"Note {index}", author=user) for index in range(len(annotated))
    )
    Annotation.passages.through.objects.bulk_create(
        Annotation.passages.through(annotation=note, passage=passage)
        for note, passage in zip(notes, annotated, strict=True)
    )
    Evidence.objects.bulk_create(
        Evidence(
            workspace=workspace,
            claim=claims[index % len(claims)],
            passage=passage,
            stance=list(Stance)[index % 3],
            created_by=user,
        )
        for index, passage in enumerate(cited)
    )
    return user, source


def time_server(
    client: Client, url: str, runs: int, *, cold: bool
) -> tuple[list[float], list[float], int, int]:
    """Wall-clock and CPU seconds per request (CPU time is steadier on a busy machine).

    `cold`: each request renders the text and sidebar anew, as the first view after
    a change does; otherwise they come from the reading cache."""
    client.get(url)  # warm up: templates compiled, connections open, the cache filled
    wall, cpu = [], []
    for _ in range(runs):
        if cold:
            caches[READING_CACHE].clear()
        with CaptureQueriesContext(connection) as queries:
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            wall.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
        assert response.status_code == 200, response.status_code
    return wall, cpu, len(queries), len(response.content)


def milliseconds(timings: list[float]) -> str:
    return (
        f"median {statistics.median(timings) * 1000:.0f} ms "
        f"(best {min(timings) * 1000:.0f}, worst {max(timings) * 1000:.0f})"
    )


PAGE_TIMINGS = """async () => {
  const navigation = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  // Element Timing: when the text element (its highlights are <mark>s in it) was first painted.
  const painted = await new Promise((resolve) => {
    const observer = new PerformanceObserver((list) => resolve(list.getEntries()));
    observer.observe({ type: "element", buffered: true });
    setTimeout(() => resolve([]), 2000);
  });
  const text = painted.find((entry) => entry.identifier === "source-text");
  return {
    "first byte": navigation.responseStart,
    "first contentful paint": paint ? paint.startTime : NaN,
    "text and highlights painted": text ? text.renderTime : NaN,
    "DOM parsed": navigation.domContentLoadedEventEnd,
    "load (sidebar included)": navigation.loadEventEnd,
    "script ready": performance.now(),
    "first byte to load": navigation.loadEventEnd - navigation.responseStart,
  };
}"""


def time_in_chromium(user, url: str, runs: int) -> dict[str, float]:
    """Median milliseconds from navigation start, over `runs` loads of the page in Chromium."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    connections_override = None
    if connection.vendor == "sqlite":
        # The in-memory test database is shared with the server thread, as LiveServerTestCase does.
        connection.inc_thread_sharing()
        connections_override = {"default": connections["default"]}
    server = LiveServerThread("localhost", StaticFilesHandler, connections_override, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    client = Client()
    client.force_login(user)
    base = f"http://localhost:{server.port}"
    loads = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            context = browser.new_context(base_url=base)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
            for _ in range(runs):
                page = context.new_page()
                page.goto(url, wait_until="load")
                page.wait_for_selector("#reading[data-ready=true]", state="attached")
                loads.append(page.evaluate(PAGE_TIMINGS))
                page.close()
            browser.close()
    finally:
        server.terminate()
    return {name: statistics.median(load[name] for load in loads) for name in loads[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chars", type=int, nargs="?", default=300_000)
    parser.add_argument("passages", type=int, nargs="?", default=2_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--browser", action="store_true", help="also time the page in Chromium")
    args = parser.parse_args()
    rng = random.Random(2017)  # noqa: S311 (a benchmark, not cryptography)

    setup_test_environment()  # the test client's host, as under pytest
    test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        user, source = build_source(rng, args.chars, args.passages)
        print(f"{len(source.text)} code points, {args.passages} passages, database {connection.vendor}")
        url = reverse("archive:source", args=[source.workspace.slug, source.pk])
        client = Client()
        client.force_login(user)
        for cold in (True, False):
            wall, cpu, queries, size = time_server(client, url, args.runs, cold=cold)
            state = "rendered anew (the first view after a change)" if cold else "from the reading cache"
            print(f"reading page, {state}, {args.runs} runs: {queries} queries, {size / 1e6:.2f} MB of HTML")
            print(f"  wall clock {milliseconds(wall)}")
            print(f"  CPU time   {milliseconds(cpu)}")
        builds = []
        for _ in range(args.runs):
            began = time.perf_counter()
            reading = build_reading(source, user=user, user_role=Role.ANALYST)
            builds.append(time.perf_counter() - began)
        print(f"build_reading alone, {len(reading.items)} items: {milliseconds(builds)}")
        if args.browser:
            print(f"Chromium, median of {args.runs} loads:")
            for name, value in time_in_chromium(user, url, args.runs).items():
                print(f"  {name}: {value:.0f} ms")
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)


if __name__ == "__main__":
    main()
