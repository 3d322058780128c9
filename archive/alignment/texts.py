"""Aligning two texts sentence by sentence, without the database.

Side a is the derivative (a translation, a republication), side b what it derives
from. A translation is aligned by sentence lengths (archive.alignment.galechurch),
refined by anchors that survive translation: numbers, dates, URLs, Latin-script names
and quoted strings found in both texts. A republication (the same language) is aligned
by a diff of its sentences: unchanged sentences are linked outright, and only the
changed stretches between them are aligned by length and shared words.
"""

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from archive.alignment.features import capitalised_names, features
from archive.alignment.galechurch import Bead, align_lengths
from archive.alignment.sentences import Sentence, split_sentences

# Cost of each anchor found on one side of a bead only / bonus for each on both.
ANCHOR_MISSING = 1.5
ANCHOR_SHARED = 2.5
# Same language: cost per unit of word dissimilarity (0 alike, 1 nothing shared).
WORDS_APART = 12.0
# Same language: a sentence with no counterpart (on top of its prior).
GAP = 2.0
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Link:
    """Sentences [a_start, a_end) of side a correspond to [b_start, b_end) of side b.

    One side is empty (start == end, at the place it would be) for a sentence with no
    counterpart. Offsets are code points.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_sentences: int
    b_sentences: int
    confidence: float

    @property
    def shape(self) -> str:
        return f"{self.a_sentences}-{self.b_sentences}"


def align_texts(text_a: str, text_b: str, *, same_language: bool) -> list[Link]:
    sentences_a, sentences_b = split_sentences(text_a), split_sentences(text_b)
    if same_language:
        return _align_by_diff(sentences_a, sentences_b)
    return _align_translation(text_a, text_b, sentences_a, sentences_b)


def _span(sentences: Sequence[Sentence], first: int, count: int) -> tuple[int, int]:
    if count:
        return sentences[first].start, sentences[first + count - 1].end
    position = sentences[first - 1].end if first > 0 else (sentences[0].start if sentences else 0)
    return position, position


def _link(
    sentences_a: Sequence[Sentence], sentences_b: Sequence[Sentence], bead: Bead, confidence: float
) -> Link:
    a_start, a_end = _span(sentences_a, bead.i, bead.a)
    b_start, b_end = _span(sentences_b, bead.j, bead.b)
    return Link(a_start, a_end, b_start, b_end, bead.a, bead.b, round(min(max(confidence, 0.0), 1.0), 3))


def _align_translation(
    text_a: str, text_b: str, sentences_a: list[Sentence], sentences_b: list[Sentence]
) -> list[Link]:
    names_a, names_b = capitalised_names(text_a), capitalised_names(text_b)
    keys_a = [features(s.text, known_names=names_a).keys() for s in sentences_a]
    keys_b = [features(s.text, known_names=names_b).keys() for s in sentences_b]
    # Only what is found in both texts can anchor: a changed figure must not pull
    # sentences apart, and English names need not appear in an Arabic text.
    surviving = set().union(*keys_a) & set().union(*keys_b) if keys_a and keys_b else set()
    anchors_a = [keys & surviving for keys in keys_a]
    anchors_b = [keys & surviving for keys in keys_b]

    def anchors(i: int, j: int, da: int, db: int) -> tuple[int, int]:
        if not da or not db:
            return 0, 0
        a = anchors_a[i] | anchors_a[i + 1] if da == 2 else anchors_a[i]
        b = anchors_b[j] | anchors_b[j + 1] if db == 2 else anchors_b[j]
        return len(a & b), len(a ^ b)

    def extra(i: int, j: int, da: int, db: int) -> float:
        shared, missing = anchors(i, j, da, db)
        return ANCHOR_MISSING * missing - ANCHOR_SHARED * shared

    beads = align_lengths([len(s) for s in sentences_a], [len(s) for s in sentences_b], judge=extra)
    links = []
    for bead in beads:
        if bead.a and bead.b:
            shared, missing = anchors(bead.i, bead.j, bead.a, bead.b)
            confidence = bead.length_probability
            confidence = 1 - (1 - confidence) * 0.5**shared
            confidence *= 0.75**missing
            if bead.a + bead.b > 2:
                confidence *= 0.9
        else:
            confidence = 0.5
        links.append(_link(sentences_a, sentences_b, bead, confidence))
    return links


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _align_by_diff(sentences_a: list[Sentence], sentences_b: list[Sentence]) -> list[Link]:
    normalised_a = [" ".join(_WORD.findall(s.text.casefold())) for s in sentences_a]
    normalised_b = [" ".join(_WORD.findall(s.text.casefold())) for s in sentences_b]
    matcher = difflib.SequenceMatcher(None, normalised_a, normalised_b, autojunk=False)
    links: list[Link] = []
    for tag, i0, i1, j0, j1 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i1 - i0):
                links.append(_link(sentences_a, sentences_b, Bead(i0 + k, j0 + k, 1, 1, 0.0, 1.0), 1.0))
            continue
        part_a, part_b = sentences_a[i0:i1], sentences_b[j0:j1]
        words_a = [_words(s.text) for s in part_a]
        words_b = [_words(s.text) for s in part_b]

        def extra(i: int, j: int, da: int, db: int, words_a=words_a, words_b=words_b) -> float:
            if not da or not db:
                return GAP
            a = set().union(*words_a[i : i + da])
            b = set().union(*words_b[j : j + db])
            cost = WORDS_APART * (1 - _similarity(a, b))
            if da + db > 2:  # each sentence merged must share words with the other side
                merged = words_a[i : i + da] if da == 2 else words_b[j : j + db]
                other = b if da == 2 else a
                cost += WORDS_APART / 2 * (1 - min(_similarity(part, other) for part in merged))
            return cost

        beads = align_lengths(
            [len(s) for s in part_a], [len(s) for s in part_b], c=1.0, judge=extra, gap_lengths=False
        )
        for bead in beads:
            if bead.a and bead.b:
                a_text = " ".join(s.text for s in part_a[bead.i : bead.i + bead.a])
                b_text = " ".join(s.text for s in part_b[bead.j : bead.j + bead.b])
                confidence = difflib.SequenceMatcher(None, a_text, b_text, autojunk=False).ratio()
            else:
                confidence = 0.5
            shifted = Bead(bead.i + i0, bead.j + j0, bead.a, bead.b, bead.cost, bead.length_probability)
            links.append(_link(sentences_a, sentences_b, shifted, confidence))
    return links


def confidence_label(confidence: float) -> str:
    return "high" if confidence >= 0.8 else "medium" if confidence >= 0.5 else "low"
