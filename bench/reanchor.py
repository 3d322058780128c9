"""Benchmark: re-anchoring every passage of a long source after an edit.

    .venv/bin/python bench/reanchor.py [CHARS] [PASSAGES] [RUNS]

Builds a text of CHARS code points (default 300000) with PASSAGES passages
(default 5000), applies each kind of edit below and prints how long
re-anchoring takes, for the pure function (archive.passages.reanchoring.reanchor) and
for the whole service against a throwaway test database
(archive.passages.correction.correct_source_text, on DATABASE_URL's engine):
the median and the best of RUNS runs (default 3), each on a fresh source.
"""

import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from archive.models import Passage, Source, Workspace  # noqa: E402
from archive.passages.correction import correct_source_text  # noqa: E402
from archive.passages.reanchoring import reanchor  # noqa: E402
from archive.passages.selectors import selector_for  # noqa: E402
from archive.search import index_objects  # noqa: E402

# English, Arabic and an emoji (one code point, two UTF-16 units).
WORDS = [
    "the", "city", "regime", "factions", "airstrikes", "siege", "Aleppo", "Daraa", "revolution", "army",
    "witnesses", "between", "after", "during", "reached", "week", "more", "than", "neighborhoods", "🌊",
    "فصائل", "درعا", "حلب", "الثورة", "المدينة",
]  # fmt: skip


def build_text(rng: random.Random, length: int) -> str:
    """Paragraphs of sentences of words, `length` code points long."""
    parts, size = [], 0
    while size < length:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 24))).capitalize()
        sentence += f" {rng.randint(1, 9999)}." + ("\n\n" if rng.random() < 0.2 else " ")
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)[:length]


def pick_passages(rng: random.Random, text: str, count: int) -> list[tuple[int, int]]:
    word_starts = [i for i in range(1, len(text)) if text[i - 1] == " " and text[i] != " "]
    spans = []
    for start in rng.sample(word_starts, count):
        end = min(len(text), start + rng.randint(10, 120))
        spans.append((start, end))
    return sorted(spans)


def insert_sentence(rng: random.Random, text: str) -> str:
    middle = text.index(". ", len(text) // 2) + 2
    return text[:middle] + "An inserted sentence about the siege of Daraa in 2017. " + text[middle:]


def typo_fixer(count: int) -> Callable[[random.Random, str], str]:
    def fix_typos(rng: random.Random, text: str) -> str:
        """`count` one-character corrections spread over the text."""
        chars = list(text)
        for position in rng.sample(range(len(text)), count):
            chars[position] = "x" if chars[position] != "x" else "y"
        return "".join(chars)

    return fix_typos


def rewrite_paragraphs(rng: random.Random, text: str) -> str:
    """Delete one paragraph and move five others to the end."""
    paragraphs = text.split("\n\n")
    del paragraphs[len(paragraphs) // 3]
    middle = len(paragraphs) // 2
    paragraphs += paragraphs[middle : middle + 5]
    del paragraphs[middle : middle + 5]
    return "\n\n".join(paragraphs)


def recapture(rng: random.Random, text: str) -> str:
    """A new capture of the same page: every paragraph break changed."""
    return text.replace("\n\n", "\n \n")


EDITS: dict[str, Callable[[random.Random, str], str]] = {
    "insert one sentence": insert_sentence,
    "fix 20 typos": typo_fixer(20),
    "fix 1000 typos": typo_fixer(1000),
    "delete 1, move 5 paragraphs": rewrite_paragraphs,
    "re-capture, new breaks": recapture,
}


def time_pure(text: str, new_text: str, spans: list[tuple[int, int]]) -> tuple[float, Counter]:
    selectors = [selector_for(text, start, end) for start, end in spans]
    began = time.perf_counter()
    results = reanchor(selectors, old_text=text, new_text=new_text)
    return time.perf_counter() - began, Counter(result.status.value for result in results)


def time_service(
    text: str, new_text: str, spans: list[tuple[int, int]], user, workspace
) -> tuple[float, int]:
    source = Source.objects.create(workspace=workspace, title="Benchmark", text=text, language="en")
    passages = Passage.objects.bulk_create(
        Passage(workspace=workspace, source=source, **asdict(selector_for(text, start, end)))
        for start, end in spans
    )
    index_objects(objects=passages)  # as they would be, created one by one
    began = time.perf_counter()
    report = correct_source_text(source=source, user=user, new_text=new_text, reason="benchmark")
    return time.perf_counter() - began, len(report.changed)


def main() -> None:
    chars = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    passages = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    rng = random.Random(2017)  # noqa: S311 (a benchmark, not cryptography)
    text = build_text(rng, chars)
    spans = pick_passages(rng, text, passages)
    print(f"{len(text)} code points, {len(spans)} passages, database {connection.vendor}")

    test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        user = get_user_model().objects.create(username="bench")
        workspace = Workspace.objects.create(name="Benchmark", slug="benchmark")
        for name, edit in EDITS.items():
            new_text = edit(rng, text)
            pure, statuses = time_pure(text, new_text, spans)
            services = [time_service(text, new_text, spans, user, workspace) for _ in range(runs)]
            seconds = [service for service, _ in services]
            print(
                f"{name:28} pure {pure:6.3f} s   service median {statistics.median(seconds):6.3f} s, "
                f"best {min(seconds):6.3f} s   {services[0][1]} passages saved   "
                f"{dict(sorted(statuses.items()))}"
            )
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)


if __name__ == "__main__":
    main()
