"""A source beside what it derives from: both texts in columns, each aligned sentence
pair marked so the page can pair them, divergence flags on both texts, and marked
spans (a passage and its counterpart) highlighted. Also the links to that page from
wherever a passage is followed across a derivation (the reading page's sidebar, the
claim page)."""

from dataclasses import dataclass, field
from html import escape
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from archive.alignment import Counterpart, Divergence, current_alignment, explained_flags
from archive.alignment.aligning import links_of
from archive.alignment.counterparts import Memo, span_counterparts
from archive.alignment.texts import confidence_label
from archive.models import DivergenceNote, Source


@dataclass(frozen=True)
class Span:
    source_id: int
    start: int
    end: int


@dataclass(frozen=True)
class _Range:
    start: int
    end: int
    css: str
    anchor: str = ""
    title: str = ""


@dataclass
class Flag:
    number: int
    divergence: Divergence
    note: DivergenceNote | None

    @property
    def here_anchor(self) -> str:
        return f"flag-d-{self.number}" if self.divergence.source else ""

    @property
    def there_anchor(self) -> str:
        return f"flag-o-{self.number}" if self.divergence.counterpart else ""


@dataclass
class Column:
    source: Source
    side: str  # "o": what it derives from, "d": the derivative
    html: SafeString
    label: str


@dataclass
class SideBySide:
    derivative: Source
    original: Source
    columns: list[Column]
    flags: list[Flag]
    pairs: int
    marked: list[Span] = field(default_factory=list)


def build_side_by_side(derivative: Source, *, marks: list[Span]) -> SideBySide:
    """`derivative` beside the source it derives from (which it must have)."""
    original = derivative.derived_from
    if original is None:
        raise ValueError("the source derives from no other")
    alignment = current_alignment(source=derivative)
    links = links_of(alignment) if alignment is not None else []
    flags = [
        Flag(number, flag, note) for number, (flag, note) in enumerate(explained_flags(source=derivative))
    ]
    columns = []
    for source, side in ((original, "o"), (derivative, "d")):
        segments = [
            (link.counterpart_start, link.counterpart_end, index, link.confidence)
            if side == "o"
            else (link.source_start, link.source_end, index, link.confidence)
            for index, link in enumerate(links)
        ]
        inner = _flag_ranges(flags, side) + [
            _Range(mark.start, mark.end, "hl-aligned", f"mark-{side}" if number == 0 else "")
            for number, mark in enumerate(m for m in marks if m.source_id == source.pk)
        ]
        label = "What it derives from" if side == "o" else f"The {derivative.derivation}"
        columns.append(Column(source, side, _column_html(source.text, side, segments, inner), label))
    return SideBySide(derivative, original, columns, flags, len(links), marks)


def _flag_ranges(flags: list[Flag], side: str) -> list[_Range]:
    ranges = []
    for flag in flags:
        where = flag.divergence.source if side == "d" else flag.divergence.counterpart
        if where is None:
            continue
        state = " flag-explained" if flag.note else ""
        ranges.append(
            _Range(
                where.start,
                where.end,
                f"flag flag-{flag.divergence.kind}{state}",
                flag.here_anchor if side == "d" else flag.there_anchor,
                flag.divergence.describe(),
            )
        )
    return ranges


def _column_html(
    text: str, side: str, segments: list[tuple[int, int, int, float]], inner: list[_Range]
) -> SafeString:
    """The text, escaped, each aligned sentence (group) in a focusable span naming its pair."""
    html, position = [], 0
    for start, end, index, confidence in segments:
        if start == end:
            continue
        html.append(_pieces(text, position, start, inner))
        low = " seg-doubtful" if confidence < 0.5 else ""
        html.append(
            f'<span class="seg{low}" id="{side}-s{index}" data-pair="{index}" tabindex="0">'
            f"{_pieces(text, start, end, inner)}{_pair_said(index, confidence)}</span>"
        )
        position = end
    html.append(_pieces(text, position, len(text), inner))
    return mark_safe("".join(html))  # noqa: S308 (every piece of text is escaped in _pieces)  # nosec B308, B703


def _pair_said(index: int, confidence: float) -> str:
    """After a sentence, its pair and how sure its alignment is, in English whatever the
    text's language: read with the sentence by a screen reader, shown while it has the
    focus (side-by-side.css), which a tap, a click or the keyboard gives it; not in a
    title, which only a mouse's hover shows."""
    said = f"sentence pair {index + 1}: alignment confidence {confidence:.0%}, {confidence_label(confidence)}"
    return f'<span class="pair-said visually-hidden" lang="en"> <bdi>({said})</bdi></span>'


def _pieces(text: str, start: int, end: int, ranges: list[_Range]) -> str:
    """text[start:end] escaped, the parts inside `ranges` in <mark>s; an empty anchor
    span where a range with an anchor begins."""
    if start >= end:
        return ""
    clipped = [r for r in ranges if r.start < end and start < r.end]
    boundaries = sorted(
        {start, end} | {max(start, r.start) for r in clipped} | {min(end, r.end) for r in clipped}
    )
    out: list[str] = []
    for piece_start, piece_end in pairwise(boundaries):
        out.extend(
            f'<span class="anchor" id="{r.anchor}"></span>'
            for r in clipped
            if r.anchor and r.start == piece_start
        )
        active = [r for r in clipped if r.start <= piece_start and piece_end <= r.end]
        piece = escape(text[piece_start:piece_end])
        if active:
            css = " ".join(r.css for r in active)
            title = "; ".join(r.title for r in active if r.title)
            title_attribute = f' title="{escape(title)}"' if title else ""
            piece = f'<mark class="{css}"{title_attribute}>{piece}</mark>'
        out.append(piece)
    return "".join(out)


# --- links to the page ------------------------------------------------------------


def parse_marks(values: list[str], *, sources: tuple[Source, Source]) -> list[Span]:
    """`mark` parameters, "SOURCE:START:END" in code points, each in one of the two texts."""
    by_id = {source.pk: source for source in sources}
    spans = []
    for value in values:
        try:
            source_id, start, end = (int(part) for part in value.split(":"))
        except ValueError:
            raise ValidationError(f"A mark is SOURCE:START:END, not {value!r}.") from None
        source = by_id.get(source_id)
        if source is None or not 0 <= start < end <= len(source.text):
            raise ValidationError(f"The mark {value!r} is not a span of either text.")
        spans.append(Span(source_id, start, end))
    return spans


@dataclass(frozen=True)
class Across:
    """A passage's counterpart in another source, for people: where, what, and the
    side-by-side page that shows the pair."""

    counterpart: Counterpart
    source: Source
    label: str
    url: str


def passage_across(
    *, slug: str, source: Source, start: int, end: int, memo: Memo | None = None
) -> list[Across]:
    """The span's counterparts up the chain and down every derivative, each with the
    side-by-side page of the pair it is in, the span and the counterpart marked there."""
    memo = memo or Memo()
    found = span_counterparts(source=source, start=start, end=end, memo=memo)
    chain = source.derivation_chain()
    spans = {source.pk: Span(source.pk, start, end)} | {
        item.source_id: Span(item.source_id, item.start, item.end) for item in found
    }
    sources = {each.pk: each for each in chain}
    for items in memo.derivatives.values():
        sources |= {each.pk: each for each in items}
    across = []
    for item in found:
        there = sources[item.source_id]
        if item.relation == "ancestor":
            # The pair is the ancestor and the source just below it on the chain.
            below = chain[[each.pk for each in chain].index(there.pk) - 1]
            derivative, label = below, "In the original" if there.derived_from_id is None else "Up the chain"
        else:
            derivative, label = there, f"In the {there.derivation}"
        if derivative.derived_from_id is None:  # a derivative always derives from something
            continue
        marks = [spans[derivative.pk], spans[derivative.derived_from_id]]
        across.append(Across(item, there, label, side_by_side_url(slug, derivative.pk, marks)))
    return across


def with_across(items: list, *, source: Source, slug: str) -> None:
    """Give each reading item (archive.reading.page.ReadingItem) its passage's
    counterparts (for a source that derives from another or has derivatives)."""
    memo = Memo()
    by_span: dict[tuple[int, int], list[Across]] = {}
    for item in items:
        span = (item.passage.start, item.passage.end)
        if span not in by_span:
            by_span[span] = passage_across(slug=slug, source=source, start=span[0], end=span[1], memo=memo)
        item.across = by_span[span]


def side_by_side_url(slug: str, derivative_id: int, marks: list[Span]) -> str:
    query = "&".join(f"mark={mark.source_id}:{mark.start}:{mark.end}" for mark in marks)
    anchor = "#mark-o" if len(marks) > 1 else ""
    return f"{reverse('archive:source_aligned', args=[slug, derivative_id])}?{query}{anchor}"
