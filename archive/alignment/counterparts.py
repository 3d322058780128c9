"""Following a passage across derivations: the span that corresponds to it in the
source it derives from (up to the original) and in every derivative."""

import difflib
from dataclasses import dataclass

from archive.alignment.aligning import current_alignment, links_of, same_language
from archive.models import Passage, SentenceLink, Source


@dataclass(frozen=True)
class Counterpart:
    source_id: int
    start: int
    end: int
    exact: str
    confidence: float
    relation: str
    """"ancestor" (what the passage's source derives from, and up) or "derivative"."""
    derivation: str
    """How the derivative derives from the other of the pair ("translation", ...)."""


class Memo:
    """What following many passages of one source loads once: each derivative's
    alignment links and each source's derivatives."""

    def __init__(self) -> None:
        self.links: dict[int, list[SentenceLink] | None] = {}
        self.derivatives: dict[int, list[Source]] = {}

    def links_of(self, derivative: Source) -> list[SentenceLink] | None:
        if derivative.pk not in self.links:
            alignment = current_alignment(source=derivative)
            self.links[derivative.pk] = None if alignment is None else links_of(alignment)
        return self.links[derivative.pk]

    def derivatives_of(self, source: Source) -> list[Source]:
        if source.pk not in self.derivatives:
            found = Source.objects.filter(derived_from=source).select_related("derived_from").order_by("id")
            self.derivatives[source.pk] = list(found)
        return self.derivatives[source.pk]


def counterparts(*, passage: Passage, memo: Memo | None = None) -> list[Counterpart]:
    """Every corresponding span up the derivation chain and down all derivatives."""
    return span_counterparts(source=passage.source, start=passage.start, end=passage.end, memo=memo)


def span_counterparts(*, source: Source, start: int, end: int, memo: Memo | None = None) -> list[Counterpart]:
    """`counterparts` of the span [start, end) of `source`."""
    memo = memo or Memo()
    found: list[Counterpart] = []
    # Up: the source derives from its parent, and so on to the original.
    span: tuple[int, int, float] | None = (start, end, 1.0)
    current, seen = source, {source.pk}
    while span is not None and current.derived_from is not None and current.derived_from_id not in seen:
        parent = current.derived_from
        span = _map(current, parent, span, upwards=True, memo=memo)
        if span is not None:
            found.append(_counterpart(parent, span, "ancestor", current.derivation))
        seen.add(parent.pk)
        current = parent
    # Down: every derivative, and theirs.
    stack = [(source, (start, end, 1.0))]
    seen = {source.pk}
    while stack:
        origin, origin_span = stack.pop()
        for derivative in memo.derivatives_of(origin):
            if derivative.pk in seen:
                continue
            seen.add(derivative.pk)
            mapped = _map(derivative, origin, origin_span, upwards=False, memo=memo)
            if mapped is not None:
                found.append(_counterpart(derivative, mapped, "derivative", derivative.derivation))
                stack.append((derivative, mapped))
    return found


def _counterpart(source: Source, span: tuple[int, int, float], relation: str, derivation: str) -> Counterpart:
    start, end, confidence = span
    return Counterpart(
        source.pk, start, end, source.text[start:end], round(confidence, 3), relation, derivation
    )


def _sides(link: SentenceLink, *, upwards: bool) -> tuple[tuple[int, int], tuple[int, int]]:
    """The link's span in the text mapped from, then in the text mapped to."""
    derivative = (link.source_start, link.source_end)
    origin = (link.counterpart_start, link.counterpart_end)
    return (derivative, origin) if upwards else (origin, derivative)


def _map(
    derivative: Source, origin: Source, span: tuple[int, int, float], *, upwards: bool, memo: Memo
) -> tuple[int, int, float] | None:
    """Map `span` from the derivative to its origin (upwards) or back."""
    links = memo.links_of(derivative)
    if links is None:
        return None
    start, end, confidence = span
    hits: list[SentenceLink] = []
    for link in links:
        here, there = _sides(link, upwards=upwards)
        if here[0] < here[1] and there[0] < there[1] and here[0] < end and start < here[1]:
            hits.append(link)
    if not hits:
        return None
    from_text, to_text = (derivative.text, origin.text) if upwards else (origin.text, derivative.text)
    if len(hits) == 1 and same_language(derivative, origin):
        link = hits[0]
        here, there = _sides(link, upwards=upwards)
        refined = _refine(from_text, to_text, here, there, max(start, here[0]), min(end, here[1]))
        if refined is not None:
            return refined[0], refined[1], confidence * link.confidence
    if upwards:
        target = (min(h.counterpart_start for h in hits), max(h.counterpart_end for h in hits))
    else:
        target = (min(h.source_start for h in hits), max(h.source_end for h in hits))
    return target[0], target[1], confidence * min(h.confidence for h in hits)


def _refine(
    from_text: str, to_text: str, here: tuple[int, int], there: tuple[int, int], start: int, end: int
) -> tuple[int, int] | None:
    """Within two linked sentences of the same language, the characters that match."""
    a, b = from_text[here[0] : here[1]], to_text[there[0] : there[1]]
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()

    def position(offset: int, *, is_end: bool) -> int | None:
        for block in blocks:
            if block.size and block.a <= offset < block.a + block.size + (1 if is_end else 0):
                return block.b + offset - block.a
        return None

    mapped_start = position(start - here[0], is_end=False)
    mapped_end = position(end - here[0], is_end=True)
    if mapped_start is None or mapped_end is None or mapped_end <= mapped_start:
        return None
    return there[0] + mapped_start, there[0] + mapped_end
