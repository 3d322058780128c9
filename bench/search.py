"""Benchmark: search over a generated archive, on DATABASE_URL's engine.

    .venv/bin/python bench/search.py [SOURCES] [PASSAGES] [ANNOTATIONS] [QUERIES]

Defaults: 1,000 sources (about 5,000 code points each, a fifth in Arabic),
15,000 passages, 5,000 annotations, 300 queries: the SQLite target size. The
PostgreSQL target is 10000 150000 50000. Builds a throwaway test database
(bulk inserts, then the real indexing code), then prints

- indexing throughput, and the time to index one 300,000-character source;
- search() times (median, 95th percentile; all of search(): SQL, loading the
  hits, snippets) for one, two and three words, phrases, OR, prefixes, and
  very frequent words, as the user sees them: a member of three of the four
  workspaces.
"""

import gc
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from archive.models import (  # noqa: E402
    Annotation,
    Claim,
    Membership,
    Passage,
    Role,
    SearchKind,
    Source,
    Workspace,
)
from archive.search import index_objects, search  # noqa: E402
from archive.search.indexing import index_kind  # noqa: E402

BATCH = 500
SYLLABLES = [a + b for a in "bkmnrstdfhlz" for b in "aiu"]
FUNCTION_WORDS = ["the", "of", "and", "to", "in", "a", "was", "that", "for", "on", "by", "with", "from", "as"]
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
ARABIC_FUNCTION_WORDS = ["في", "من", "على", "إلى", "أن", "عن", "مع", "التي", "الذي", "قال"]
TASHKEEL = "\u064e\u064f\u0650\u0651\u0652"


class Vocabulary:
    """Zipf-distributed words: function words first, then made-up ones."""

    def __init__(
        self, rng: random.Random, function_words: list[str], make_word: Callable[[], str], size: int
    ):
        words = list(dict.fromkeys(function_words + [make_word() for _ in range(size)]))
        self.words = words
        self.cumulative = []
        total = 0.0
        for rank in range(1, len(words) + 1):
            total += 1 / rank
            self.cumulative.append(total)
        self.rng = rng

    def text(self, length: int, *, capitalize: bool = True) -> str:
        words = self.rng.choices(self.words, cum_weights=self.cumulative, k=max(1, length // 6))
        sentences = [" ".join(words[i : i + 14]) for i in range(0, len(words), 14)]
        return ". ".join(s.capitalize() if capitalize else s for s in sentences) + "."


def english(rng: random.Random) -> Vocabulary:
    return Vocabulary(
        rng, FUNCTION_WORDS, lambda: "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))), 60_000
    )


def arabic(rng: random.Random) -> Vocabulary:
    def word() -> str:
        letters = rng.choices(ARABIC_LETTERS, k=rng.randint(3, 7))
        if rng.random() < 0.3:  # some diacritics, as in real text
            letters.insert(1, rng.choice(TASHKEEL))
        return ("ال" if rng.random() < 0.4 else "") + "".join(letters)

    return Vocabulary(rng, ARABIC_FUNCTION_WORDS, word, 40_000)


def timed(label: str, action: Callable[[], object]) -> object:
    began = time.perf_counter()
    result = action()
    print(f"  {label}: {time.perf_counter() - began:.1f} s", flush=True)
    return result


def build(rng: random.Random, sources: int, passages: int, annotations: int, vocabularies) -> None:
    user = get_user_model().objects.create(username="bench")
    workspaces = [Workspace.objects.create(name=f"Case {n}", slug=f"case-{n}") for n in range(4)]
    for workspace in workspaces[:3]:
        Membership.objects.create(user=user, workspace=workspace, role=Role.ANALYST)
    source_ids: list[int] = []
    chars = 0

    def insert_sources() -> None:
        nonlocal chars
        for first in range(0, sources, BATCH):
            batch = []
            for number in range(first, min(sources, first + BATCH)):
                language = "ar" if number % 5 == 0 else "en"
                text = vocabularies[language].text(int(rng.lognormvariate(8.25, 0.6)))
                chars += len(text)
                batch.append(
                    Source(
                        workspace=workspaces[number % 4], title=vocabularies[language].text(60)[:-1],
                        text=text, language=language, direction="rtl" if language == "ar" else "ltr",
                    )
                )  # fmt: skip
            source_ids.extend(source.pk for source in Source.objects.bulk_create(batch))

    timed(f"{sources} sources inserted", insert_sources)
    print(f"  {chars:,} code points of source text, {chars / sources:,.0f} per source")

    def insert_passages() -> list[int]:
        texts = dict(Source.objects.values_list("pk", "text"))
        workspace_of = dict(Source.objects.values_list("pk", "workspace_id"))
        ids = []
        for first in range(0, passages, BATCH):
            batch = []
            for _ in range(min(BATCH, passages - first)):
                source_id = rng.choice(source_ids)
                text = texts[source_id]
                start = rng.randrange(max(1, len(text) - 200))
                end = min(len(text), start + rng.randint(20, 200))
                batch.append(
                    Passage(
                        workspace_id=workspace_of[source_id], source_id=source_id, start=start, end=end,
                        exact=text[start:end],
                    )
                )  # fmt: skip
            ids.extend(passage.pk for passage in Passage.objects.bulk_create(batch))
        return ids

    passage_ids = timed(f"{passages} passages inserted", insert_passages)

    def insert_annotations() -> None:
        workspace_of = dict(Passage.objects.values_list("pk", "workspace_id"))
        through = Annotation.passages.through
        for first in range(0, annotations, BATCH):
            chosen = [rng.choice(passage_ids) for _ in range(min(BATCH, annotations - first))]
            created = Annotation.objects.bulk_create(
                Annotation(workspace_id=workspace_of[pk], body=vocabularies["en"].text(rng.randint(40, 300)))
                for pk in chosen
            )
            through.objects.bulk_create(
                through(annotation_id=annotation.pk, passage_id=pk)
                for annotation, pk in zip(created, chosen, strict=True)
            )
        claims = [
            Claim(workspace=workspaces[n % 4], statement=vocabularies["en"].text(rng.randint(40, 160)))
            for n in range(max(1, annotations // 10))
        ]
        Claim.objects.bulk_create(claims, batch_size=BATCH)

    timed(f"{annotations} annotations and {max(1, annotations // 10)} claims inserted", insert_annotations)

    def index_everything() -> None:
        for model, kind in [
            (Source, SearchKind.SOURCE), (Passage, SearchKind.PASSAGE),
            (Annotation, SearchKind.ANNOTATION), (Claim, SearchKind.CLAIM),
        ]:  # fmt: skip
            began = time.perf_counter()
            ids = list(model.objects.values_list("pk", flat=True))
            for first in range(0, len(ids), BATCH):
                with transaction.atomic():
                    index_kind(kind=kind, ids=ids[first : first + BATCH], known={})
            elapsed = time.perf_counter() - began
            print(f"    {len(ids)} {kind}s indexed in {elapsed:.1f} s ({len(ids) / elapsed:,.0f} per second)")

    timed("indexing", index_everything)
    statements = ["VACUUM ANALYZE"]
    if connection.vendor == "sqlite":
        statements = ["ANALYZE", "INSERT INTO archive_search_fts (archive_search_fts) VALUES ('optimize')"]
    with connection.cursor() as cursor:
        for statement in statements:
            timed(statement, lambda statement=statement: cursor.execute(statement))


def time_large_source(rng: random.Random, vocabulary: Vocabulary) -> None:
    workspace = Workspace.objects.get(slug="case-0")
    text = vocabulary.text(300_000)[:300_000]
    with transaction.atomic():
        source = Source.objects.bulk_create(
            [Source(workspace=workspace, title="Large", text=text, language="en")]
        )[0]
        began = time.perf_counter()
        index_objects(objects=[source])
        elapsed = time.perf_counter() - began
    print(f"one source of {len(text):,} code points indexed in {elapsed * 1000:.0f} ms")


def queries(rng: random.Random, vocabularies, count: int) -> dict[str, list[str]]:
    """Queries made of words as they occur in the texts (skipping the 100
    most frequent), and a set of only very frequent words."""
    texts = list(Source.objects.order_by("?").values_list("text", flat=True)[:300])

    def run_of_words(length: int) -> list[str]:
        while True:
            words = rng.choice(texts).replace(".", "").split()
            start = rng.randrange(max(1, len(words) - length))
            run = words[start : start + length]
            rare = [w for w in run if w.lower() not in common]
            if len(run) == length and len(rare) == length:
                return run

    common = {w.lower() for vocabulary in vocabularies.values() for w in vocabulary.words[:100]}
    labels = ["1 word", "2 words", "3 words", "phrase", "OR", "prefix", "frequent words"]
    made: dict[str, list[str]] = {label: [] for label in labels}
    for _ in range(count // len(made) + 1):
        made["1 word"].append(" ".join(run_of_words(1)))
        made["2 words"].append(" ".join(run_of_words(2)))
        made["3 words"].append(" ".join(run_of_words(3)))
        made["phrase"].append('"' + " ".join(run_of_words(rng.randint(2, 3))) + '"')
        made["OR"].append(" OR ".join(run_of_words(1) + run_of_words(1)))
        made["prefix"].append(run_of_words(1)[0][:4] + "*")
        made["frequent words"].append(" ".join(rng.sample(vocabularies["en"].words[:100], rng.randint(1, 2))))
    return made


def measure(user, made: dict[str, list[str]]) -> None:
    # As a server worker after start-up: the benchmark's own data (texts,
    # vocabularies) left out of garbage collection.
    gc.collect()
    gc.freeze()
    for query in [q for qs in made.values() for q in qs[:3]]:  # warm the caches
        search(user=user, query=query)
    overall = []
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{'query':16} {'median':>8} {'p95':>8} {'max':>8}   (ms, search() in full; load average {load})")

    def line(label: str, times: list[float]) -> None:
        print(f"{label:16} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {max(times):8.1f}")

    for label, texts in made.items():
        times = []
        for query in texts:
            began = time.perf_counter()
            search(user=user, query=query)
            times.append((time.perf_counter() - began) * 1000)
        overall += times if label != "frequent words" else []
        line(label, times)
    line("all but frequent", overall)


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:5]]
    sources, passages, annotations, count = sizes + [1_000, 15_000, 5_000, 300][len(sizes) :]
    rng = random.Random(2017)  # noqa: S311 (a benchmark, not cryptography)
    vocabularies = {"en": english(rng), "ar": arabic(rng)}
    print(f"{sources} sources, {passages} passages, {annotations} annotations, database {connection.vendor}")
    if connection.vendor == "sqlite":  # on disk, as in production, not in memory
        connection.settings_dict["TEST"]["NAME"] = str(
            Path(tempfile.gettempdir()) / "warrant-bench-search.sqlite3"
        )
    test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        build(rng, sources, passages, annotations, vocabularies)
        time_large_source(rng, vocabularies["en"])
        measure(get_user_model().objects.get(username="bench"), queries(rng, vocabularies, count))
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)


if __name__ == "__main__":
    main()
