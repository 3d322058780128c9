"""W3C text selectors: where a passage sits in its source's text.

A passage is stored both as a TextPositionSelector (start, end in Unicode
code points) and a TextQuoteSelector (exact, plus up to CONTEXT_LENGTH code
points of prefix and suffix), so it can be found again if the text changes.

The server is the authority: every target a client sends (the browser, the
REST API, a W3C client alike) is read by `selector_from_target`, the one
parser, and checked against the text.
"""

from typing import Any

from django.core.exceptions import ValidationError

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
    "check_position",
    "check_quote",
    "selector_for",
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
        start, end = checked_position(text, position.get("start"), position.get("end"))
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


def _locate(text: str, exact: str, prefix: str, suffix: str) -> int:
    """Where the quote is, with its context; refuse a quote that is absent or ambiguous."""
    found = []
    at = text.find(exact)
    while at != -1:
        if text[:at].endswith(prefix) and text[at + len(exact) :].startswith(suffix):
            found.append(at)
        at = text.find(exact, at + 1)
    if not found:
        raise ValidationError("The quoted text is not in the source.", code="quote_mismatch")
    if len(found) > 1:
        raise ValidationError(
            "The quote occurs more than once: add a prefix, suffix or TextPositionSelector.",
            code="quote_ambiguous",
        )
    return found[0]
