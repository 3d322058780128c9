"""Shortened text and a passage's context, never splitting a grapheme cluster:
{{ text|shorten:60 }}, {% with shown=passage|in_context %} (archive.core.spans.InContext);
where a passage is in its text, in words: {{ passage|place_in:text }};
how a source's text was obtained, in words: {{ capture.extraction|how_extracted }};
a source's title in its own language: {{ source|source_title }} or {{ source|source_title:60 }};
a grade with its meaning: {{ outlet.get_reliability_display|grade_said }};
a re-anchoring's score, never rounded up to a perfect one: {{ result.score|score }};
and a count's badge saying what it counts: {% count_said n "item waiting" "items waiting" %}."""

from decimal import ROUND_DOWN, Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from archive.core import graphemes, spans
from archive.models.base import MAX_NOTE_LENGTH
from archive.sources.importing.extract import how_extracted as _how_extracted

register = template.Library()


@register.filter
def score(value: float) -> str:
    """Two decimals, cut rather than rounded: a fuzzy match scored 0.998 reads "0.99", not
    "1.00", which is what only the passage's own words unchanged in place score."""
    # From its shortest decimal form: 0.57 * 100 is 56.99… in binary.
    return str(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_DOWN))


@register.filter
def shorten(text: str, length: int) -> str:
    return graphemes.shorten(str(text), int(length))


@register.filter
def in_context(selector: Any) -> spans.InContext:
    """Of a passage or a TextSelector."""
    return spans.in_context(selector.start, selector.prefix, selector.exact, selector.suffix)


@register.filter
def place_in(span: Any, text: str) -> str:
    """Of a passage, an anchor of one or a TextSelector, in `text` (the text it is a span of)."""
    return spans.place_in_text(start=span.start, length=len(text))


@register.filter
def how_extracted(recorded: str) -> str:
    return _how_extracted(str(recorded))


@register.filter
def source_title(source: Any, length: int | None = None) -> SafeString:
    """Of a source (or a historical record of one): its title, shortened to `length` if
    given, in its language, for a screen reader to read it in that language, and in
    its own direction, isolated from the text around it (a <bdi>)."""
    title = source.title if length is None else shorten(source.title, length)
    return format_html('<bdi lang="{}">{}</bdi>', source.language, title)


@register.filter
def grade_said(label: str) -> SafeString:
    """A grade's label ("B: usually reliable") as its badge with the meaning beside it,
    "[B] · usually reliable": on the page, not in a title that touch screens cannot open,
    and read once."""
    code, _, meaning = str(label).partition(": ")
    if not meaning:
        return format_html('<span class="grade">{}</span>', code)
    return format_html('<span class="grade-said"><span class="grade">{}</span> · {}</span>', code, meaning)


@register.simple_tag
def note_max_length() -> int:
    """The longest note the domain keeps, for a note field's maxlength."""
    return MAX_NOTE_LENGTH


@register.simple_tag
def count_said(count: int, one: str, other: str) -> SafeString:
    """The badge of a count ending a heading or a link, its number followed by what it
    counts (`one` or `other`, by the count) in words only a screen reader reads: a bare
    number after a title ("Review queue 2") does not say what it is. A script changing
    the count finds both words in data-one and data-other."""
    return format_html(
        '<span class="count" data-one="{}" data-other="{}">{}<span class="visually-hidden"> {}</span></span>',
        one,
        other,
        count,
        one if count == 1 else other,
    )
