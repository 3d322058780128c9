"""Benchmark: the reading page against a minimal template with the same text.

    .venv/bin/python bench/reading_vs_minimal.py [CHARS] [PASSAGES] [--rounds N] [--requests R]

Builds a source of CHARS code points (default 300000) with PASSAGES passages
(default 2000; half annotated, half cited as evidence) as bench/reading_page.py
does, in a throwaway database on DATABASE_URL's engine (bench/alternate.py).
Then, alternately, N times (default 5), R requests (default 3) through
Django's test client, signed in: the reading page (after the warm-up, its
highlighted text and sidebar come from the reading cache, as every view does
until something in the workspace changes), and a bare view that
loads the source and renders its text in a minimal template (escaped, in
paragraphs' place a <pre>). Prints milliseconds per page of both, the ratio,
and the size of each page.
"""

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alternate import alternate, bench_database, report
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.test import Client
from django.urls import include, path, reverse

from archive.models import Source

MINIMAL = engines["django"].from_string(
    "<!doctype html><html lang='{{ source.language }}'><head><title>{{ source.title }}</title></head>"
    "<body><main><h1>{{ source.title }}</h1><pre>{{ source.text }}</pre></main></body></html>"
)


@login_required
def minimal(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(MINIMAL.render({"source": Source.objects.get(pk=pk)}, request))


urlpatterns = [path("bench-minimal/<int:pk>/", minimal), path("", include(settings.ROOT_URLCONF))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chars", type=int, nargs="?", default=300_000)
    parser.add_argument("passages", type=int, nargs="?", default=2_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=3)
    args = parser.parse_args()
    from reading_page import build_source  # bench/reading_page.py

    settings.ROOT_URLCONF = __name__
    with bench_database():
        user, source = build_source(random.Random(2017), args.chars, args.passages)  # noqa: S311
        client = Client()
        client.force_login(user)
        sizes = {}

        def get(url: str) -> None:
            for _ in range(args.requests):
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: {response.status_code}")
            sizes[url] = len(response.content)

        page = reverse("archive:source", args=[source.workspace.slug, source.pk])
        bare = f"/bench-minimal/{source.pk}/"
        rounds = alternate(args.rounds, lambda: get(page), lambda: get(bare))
        label = f"reading page, {len(source.text):,} code points, {args.passages} passages"
        report(label, rounds, per=args.requests, each="page")
        print(f"  sizes: reading page {sizes[page] / 1e6:.2f} MB, minimal {sizes[bare] / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
