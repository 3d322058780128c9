"""Sentence alignment of a long translation with its original, and of a republication.

    .venv/bin/python bench/alignment.py [CHARACTERS] [SEED]

Builds an Arabic original of about CHARACTERS code points (default 300,000) from the
demo's sentence pairs (archive/demo), with varying figures, and its English translation,
in which about one sentence in fifty is dropped and one in fifty merged with the next;
then a republication of the translation with one sentence in twenty reworded and one
in forty added. Times archive.alignment.texts.align_texts on both pairs (the whole
computation: splitting, anchors, the Gale-Church search, links) and checks how many
translated sentences were linked to their own original.
"""

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from archive.alignment.sentences import split_sentences  # noqa: E402
from archive.alignment.texts import align_texts  # noqa: E402

DEMO = Path(__file__).resolve().parents[1] / "archive" / "demo"


def demo_pairs() -> list[tuple[str, str]]:
    arabic = split_sentences((DEMO / "original-ar.txt").read_text(encoding="utf-8"))
    english = split_sentences((DEMO / "translation-en.txt").read_text(encoding="utf-8"))
    return [(a.text, e.text) for a, e in zip(arabic, english, strict=True)]


def build(characters: int, rng: random.Random) -> tuple[str, str, list[int]]:
    """(original, translation, for each translation sentence the index of its original's)."""
    pairs = demo_pairs()
    arabic, english, truth = [], [], []
    size = 0
    index = 0
    while size < characters:
        a, e = rng.choice(pairs)
        figure = rng.randint(2, 99_999)
        a = f"{a[:-1]} ({figure:,}){a[-1]}" if a[-1] in ".؟" else f"{a} ({figure:,})"
        e = f"{e[:-1]} ({figure:,}){e[-1]}" if e[-1] in ".?" else f"{e} ({figure:,})"
        arabic.append(a)
        roll = rng.random()
        if roll < 0.02:
            pass  # dropped in translation
        elif roll < 0.04 and english:
            english[-1] = english[-1] + " " + e
        else:
            english.append(e)
            truth.append(index)
        size += len(a)
        index += 1
    return " ".join(arabic), " ".join(english), truth


def republish(text: str, rng: random.Random) -> str:
    out = []
    for sentence in split_sentences(text):
        roll = rng.random()
        if roll < 0.05:
            out.append(sentence.text.replace("the", "a", 1))
        else:
            out.append(sentence.text)
        if rng.random() < 0.025:
            out.append("We add this sentence of our own.")
    return " ".join(out)


def main() -> None:
    characters = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)  # noqa: S311 (a reproducible test corpus)
    original, translation, _ = build(characters, rng)
    print(f"original {len(original):,} code points, translation {len(translation):,}")

    started = time.perf_counter()
    links = align_texts(translation, original, same_language=False)
    elapsed = time.perf_counter() - started
    original_index = {s.start: i for i, s in enumerate(split_sentences(original))}
    one_to_one = sum(1 for link in links if link.a_sentences == 1 and link.b_sentences == 1)
    print(
        f"translation: {len(links):,} links ({one_to_one:,} one-to-one) in {elapsed:.2f} s; "
        f"{len(original_index):,} original sentences"
    )

    republication = republish(translation, rng)
    started = time.perf_counter()
    links = align_texts(republication, translation, same_language=True)
    elapsed = time.perf_counter() - started
    print(f"republication ({len(republication):,} code points): {len(links):,} links in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
