"""Divergence checks per aligned pair of sentences: numbers that differ (digits in
any system, thousands separators and number words normalised), dates that differ,
and Latin-script names present on one side only."""

import hashlib
from collections import Counter
from dataclasses import dataclass

from archive.alignment.aligning import current_alignment, links_of
from archive.alignment.features import Found, capitalised_names, features, may_say_two
from archive.models import Source

KINDS = ("number", "date", "name")


@dataclass(frozen=True)
class Side:
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class Divergence:
    kind: str
    """"number", "date" or "name"."""
    source: Side | None
    """Where in the derivative (None: missing there)."""
    counterpart: Side | None
    """Where in what it derives from (None: missing there)."""
    sentence: tuple[int, int]
    counterpart_sentence: tuple[int, int]
    confidence: float
    """Of the sentence link: a flag on a doubtful link may be the alignment's fault."""

    @property
    def key(self) -> str:
        """Stable while the two sentences and the values are unchanged."""
        parts = [
            self.kind,
            self.source.surface if self.source else "",
            self.counterpart.surface if self.counterpart else "",
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]

    def describe(self) -> str:
        here = f"“{self.source.surface}”" if self.source else "nothing"
        there = f"“{self.counterpart.surface}”" if self.counterpart else "nothing"
        return f"{self.kind}: {here} here, {there} in what it derives from"


def divergences(*, source: Source) -> list[Divergence]:
    """Flags for `source` against what it derives from; [] if it derives from nothing."""
    alignment = current_alignment(source=source)
    counterpart = source.derived_from
    if alignment is None or counterpart is None:
        return []
    names_here, names_there = capitalised_names(source.text), capitalised_names(counterpart.text)
    # A name written in Latin script on one side can be compared only when the other
    # side writes names in Latin script too: both do, or it appears there somewhere.
    latin_both = _mostly_latin(source.text) == _mostly_latin(counterpart.text)
    shared_names = names_here & names_there
    flags: list[Divergence] = []
    for link in links_of(alignment):
        if link.source_start == link.source_end or link.counterpart_start == link.counterpart_end:
            continue
        here = features(source.text[link.source_start : link.source_end], known_names=names_here)
        there = features(
            counterpart.text[link.counterpart_start : link.counterpart_end], known_names=names_there
        )
        for kind in KINDS:
            items_here, items_there = here.of(kind), there.of(kind)
            if kind == "name" and not latin_both:
                items_here = [item for item in items_here if item.value in shared_names]
                items_there = [item for item in items_there if item.value in shared_names]
            only_here, only_there = _unmatched(items_here, items_there)
            text_here = source.text[link.source_start : link.source_end]
            text_there = counterpart.text[link.counterpart_start : link.counterpart_end]
            if kind == "name":
                only_here, only_there = (
                    _whole_names(only_here, text_here),
                    _whole_names(only_there, text_there),
                )
            if kind == "number":
                if may_say_two(text_there):
                    only_here = [item for item in only_here if item.value != 2]
                if may_say_two(text_here):
                    only_there = [item for item in only_there if item.value != 2]
            for index in range(max(len(only_here), len(only_there))):
                flags.append(
                    Divergence(
                        kind=kind,
                        source=_side(only_here, index, link.source_start),
                        counterpart=_side(only_there, index, link.counterpart_start),
                        sentence=(link.source_start, link.source_end),
                        counterpart_sentence=(link.counterpart_start, link.counterpart_end),
                        confidence=link.confidence,
                    )
                )
    return flags


def _unmatched(here: list[Found], there: list[Found]) -> tuple[list[Found], list[Found]]:
    """What each side has that the other lacks, as multisets of values, in text order."""
    left, right = Counter(item.value for item in here), Counter(item.value for item in there)
    common = left & right
    only_here: list[Found] = []
    only_there: list[Found] = []
    for items, out in ((here, only_here), (there, only_there)):
        budget = Counter(common)
        for item in items:
            if budget[item.value] > 0:
                budget[item.value] -= 1
            else:
                out.append(item)
    return only_here, only_there


def _whole_names(names: list[Found], text: str) -> list[Found]:
    """Names one side lacks, a run of them only spaces apart as one ("Levant Monitor
    English", not three flags): the words are compared one by one, so a name the
    other side writes shorter still agrees on the words it shares."""
    runs: list[Found] = []
    for name in names:
        last = runs[-1] if runs else None
        if last is not None and text[last.end : name.start].strip(" ") == "" and last.end < name.start:
            surface = text[last.start : name.end]
            runs[-1] = Found("name", surface, last.start, name.end, surface)
        else:
            runs.append(name)
    return runs


def _side(items: list[Found], index: int, offset: int) -> Side | None:
    if index >= len(items):
        return None
    item = items[index]
    return Side(offset + item.start, offset + item.end, item.surface)


def _mostly_latin(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    latin = sum(1 for ch in letters if ch.isascii() or "\u00c0" <= ch <= "\u024f")
    return latin * 2 >= len(letters)
