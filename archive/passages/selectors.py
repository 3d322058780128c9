"""W3C text selectors: where a passage sits in its source's text.

A passage is stored both as a TextPositionSelector (start, end in Unicode
code points) and a TextQuoteSelector (exact, plus up to CONTEXT_LENGTH code
points of prefix and suffix), so it can be found again if the text changes.

The server is the authority: every target a client sends (the browser, the
REST API, a W3C client alike) is read by `selector_from_target`, the one
parser, and checked against the text. A span that splits a grapheme cluster
is refused where passages are written (archive.passages.writes); a quote
alone is found only where it is whole clusters.

Units: offsets are code points, but JavaScript clients count UTF-16 code units,
which differ after any character outside the Basic Multilingual Plane (emoji,
some CJK). A refused position then says so: when the offsets read as UTF-16
units select exactly the quote, the message says that, with the code points to
send. The W3C protocol reads targets with `selector_from_quote_fallback`
instead: when the position misses but the TextQuoteSelector alone (with its
prefix and suffix) occurs exactly once, that occurrence is used and a note says
the position was ignored; the W3C adapter returns it as a response header
`Warning: 299 - "TextPositionSelector ignored: ..."` (RFC 7234 warn-code 299, a
persistent warning), on the 201 or 200 of the write. The browser converts units
itself and keeps the strict `selector_from_target`: a mismatch is refused.
"""

from typing import Any

from django.core.exceptions import ValidationError

from archive.core.graphemes import check_whole_clusters
from archive.core.spans import (
    CONTEXT_LENGTH,
    TextSelector,
    check_position,
    check_quote,
    checked_position,
    selector_for,
)

__all__ = [
    "CONTEXT_LENGTH",
    "TextSelector",
    "check_quote",
    "check_span",
    "selector_for",
    "selector_from_quote_fallback",
    "selector_from_target",
]

POSITION, QUOTE = "TextPositionSelector", "TextQuoteSelector"


def selector_from_target(text: str, target: object) -> TextSelector:
    """The server's selector for a client's W3C target on `text`.

    The target holds a TextPositionSelector, a TextQuoteSelector or both
    (`{"selector": [...]}`; a single selector object is accepted too). With a
    position, the quote (when sent) must be the text there; with a quote
    alone, it must occur exactly once with its context. A prefix or suffix,
    when sent, must be the text around the selection. Any other selector type
    is refused by name, never ignored.
    """
    if not isinstance(target, dict) or not isinstance(target.get("selector"), list | dict):
        raise ValidationError(
            "The target must be an object with a list of selectors.", code="selector_missing"
        )
    selectors = target["selector"] if isinstance(target["selector"], list) else [target["selector"]]
    by_type: dict[str, dict[str, Any]] = {}
    for selector in selectors:
        kind = selector.get("type") if isinstance(selector, dict) else None
        if kind not in (POSITION, QUOTE):
            raise ValidationError(
                f"Selectors are {POSITION} and {QUOTE}; {kind or 'an untyped selector'} is not supported.",
                code="selector_type",
            )
        if kind in by_type:
            raise ValidationError(f"The target needs at most one {kind}.", code="selector_missing")
        by_type[kind] = selector
    position, quote = by_type.get(POSITION), by_type.get(QUOTE)
    if quote is not None:
        for key in ("exact", "prefix", "suffix"):
            if key in quote and not isinstance(quote[key], str):
                raise ValidationError(f"The {key} of the {QUOTE} must be text.", code="selector_type")
    if position is not None:
        try:
            start, end = checked_position(text, position.get("start"), position.get("end"))
            if quote is not None:
                check_quote(text, start, end, quote.get("exact"))
        except ValidationError as error:
            raise _with_unit_hint(error, text, position.get("start"), position.get("end"), quote) from None
    elif quote is not None and quote.get("exact"):
        start = _locate(text, quote["exact"], quote.get("prefix", ""), quote.get("suffix", ""))
        end = start + len(quote["exact"])
    elif quote is not None:
        raise ValidationError(f"The {QUOTE} must give the exact text.", code="selector_type")
    else:
        raise ValidationError(f"The target needs a {POSITION} or a {QUOTE}.", code="selector_missing")
    if quote is not None:
        check_quote(text, start, end, quote.get("exact"))
        # Clients may send more context than we keep; all of it must match the text.
        if not text[:start].endswith(quote.get("prefix", "")):
            raise ValidationError(
                "The prefix does not match the text before the selection.", code="context_mismatch"
            )
        if not text[end:].startswith(quote.get("suffix", "")):
            raise ValidationError(
                "The suffix does not match the text after the selection.", code="context_mismatch"
            )
    return selector_for(text, start, end)


def selector_from_quote_fallback(text: str, target: object) -> tuple[TextSelector, str | None]:
    """`selector_from_target`, except that a TextPositionSelector that misses the
    quote gives way to the TextQuoteSelector when the quote alone, with its
    context, occurs exactly once (a position outside the text, even counted in
    UTF-16 units, is still refused). Returns the selector and, when the
    position was ignored, a note saying so (ASCII, for a header); else the
    strict parser's refusal, with its hint about units."""
    try:
        return selector_from_target(text, target), None
    except ValidationError as error:
        if error.code not in ("quote_mismatch", "offset_range") or not isinstance(target, dict):
            raise
        selectors = target["selector"] if isinstance(target["selector"], list) else [target["selector"]]
        quotes = [item for item in selectors if isinstance(item, dict) and item.get("type") == QUOTE]
        positions = [item for item in selectors if isinstance(item, dict) and item.get("type") == POSITION]
        if not quotes or not positions or not quotes[0].get("exact"):
            raise
        start, end = positions[0].get("start"), positions[0].get("end")
        utf16_length = len(text.encode("utf-16-le")) // 2
        if not (type(start) is int and type(end) is int and 0 <= start < end <= utf16_length):
            raise  # outside the text however its units are counted: refused as on every path
        try:
            selector = selector_from_target(text, {"selector": quotes[0]})
        except ValidationError:
            raise error from None
        first, last = utf16_to_code_point(text, start), utf16_to_code_point(text, end)
        # Say "UTF-16" only where counting in its units explains the miss.
        why = (
            " (it does in UTF-16 units: count code points)"
            if (first, last) == (selector.start, selector.end)
            else ""
        )
        note = (
            f"TextPositionSelector ignored: {start}-{end} does not select the quote in Unicode code points"
            f"{why}; the TextQuoteSelector alone found it at {selector.start}-{selector.end}."
        )
        return selector, note.encode("ascii", "replace").decode()


def check_span(text: str, start: int, end: int, exact: str | None = None) -> None:
    """A span given as offsets (and the quote the client saw, if given), checked as
    a TextPositionSelector is: a refusal names the unit problem when it is one."""
    try:
        if exact is None:
            check_position(text, start, end)
        else:
            check_quote(text, start, end, exact)
    except ValidationError as error:
        raise _with_unit_hint(error, text, start, end, None if exact is None else {"exact": exact}) from None


def utf16_to_code_point(text: str, unit: int) -> int | None:
    """The code point index at UTF-16 code unit `unit` of `text`; None if `unit`
    falls inside a surrogate pair or past the end."""
    units = 0
    for index, char in enumerate(text):
        if units == unit:
            return index
        if units > unit:
            return None
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text) if units == unit else None


def _with_unit_hint(
    error: ValidationError, text: str, start: object, end: object, quote: dict[str, Any] | None
) -> ValidationError:
    """`error` for a position that missed, naming the unit problem when it is one."""
    if (
        error.code not in ("quote_mismatch", "offset_range")
        or not isinstance(start, int)
        or not isinstance(end, int)
    ):
        return error
    exact = quote.get("exact") if quote is not None else None
    first, last = utf16_to_code_point(text, start), utf16_to_code_point(text, end)
    if exact and first is not None and last is not None and text[first:last] == exact:
        hint = (
            f"Offsets are Unicode code points, not UTF-16 code units: read as UTF-16 units, "
            f"{start}-{end} is exactly the quote, which is at code points {first}-{last}."
        )
    else:
        hint = "Offsets count Unicode code points (not UTF-16 code units or bytes)."
    return ValidationError(f"{error.messages[0]} {hint}", code=error.code)


def _locate(text: str, exact: str, prefix: str, suffix: str) -> int:
    """Where the quote is, with its context, as whole grapheme clusters (a bare
    letter inside a letter with its marks is not the quote); refuse a quote
    that is absent, only part of clusters, or ambiguous."""
    found, split = [], None
    at = text.find(exact)
    while at != -1:
        if text[:at].endswith(prefix) and text[at + len(exact) :].startswith(suffix):
            try:
                check_whole_clusters(text, at, at + len(exact))
                found.append(at)
            except ValidationError as error:
                split = error
        at = text.find(exact, at + 1)
    if not found and split is not None:
        raise split
    if not found:
        raise ValidationError("The quoted text is not in the source.", code="quote_mismatch")
    if len(found) > 1:
        raise ValidationError(
            "The quote occurs more than once: add a prefix, suffix or TextPositionSelector.",
            code="quote_ambiguous",
        )
    return found[0]
