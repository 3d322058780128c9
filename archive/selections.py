"""Selections sent by a client, as W3C Web Annotation selectors.

A browser (or API client) describes what its user selected as

    {"selector": [
        {"type": "TextPositionSelector", "start": 120, "end": 142},
        {"type": "TextQuoteSelector", "exact": "...", "prefix": "...", "suffix": "..."}
    ]}

with offsets in Unicode code points. Nothing the client says is trusted: the
position must lie in the text, `exact` must be the text there, and a prefix
or suffix, when given, must be the text around it. The checked result is the
server's own selector (archive.anchoring), with the server's context.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from archive.anchoring import TextSelector, check_quote, selector_for


@dataclass(frozen=True)
class ClientSelection:
    """What the client claims it selected, not yet checked against the text."""

    start: int
    end: int
    exact: str
    prefix: str | None = None
    suffix: str | None = None


def _selector_of_type(selectors: list, kind: str) -> dict:
    found = [item for item in selectors if isinstance(item, dict) and item.get("type") == kind]
    if len(found) != 1:
        raise ValidationError(f"The target needs exactly one {kind}.", code="selector_missing")
    return found[0]


def _optional_text(selector: dict, key: str) -> str | None:
    value = selector.get(key)
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"The {key} of the TextQuoteSelector must be text.", code="selector_type")
    return value


def parse_target(target: object) -> ClientSelection:
    """Read a W3C target with a TextPositionSelector and a TextQuoteSelector."""
    if not isinstance(target, dict) or not isinstance(target.get("selector"), list):
        raise ValidationError(
            "The target must be an object with a list of selectors.", code="selector_missing"
        )
    position = _selector_of_type(target["selector"], "TextPositionSelector")
    quote = _selector_of_type(target["selector"], "TextQuoteSelector")
    exact = quote.get("exact")
    if not isinstance(exact, str):
        raise ValidationError("The TextQuoteSelector must give the exact text.", code="selector_type")
    return ClientSelection(
        start=position.get("start"),
        end=position.get("end"),
        exact=exact,
        prefix=_optional_text(quote, "prefix"),
        suffix=_optional_text(quote, "suffix"),
    )


def check_selection(text: str, selection: ClientSelection) -> TextSelector:
    """The server's selector for `selection`, if it matches `text` exactly."""
    check_quote(text, selection.start, selection.end, selection.exact)
    selector = selector_for(text, selection.start, selection.end)
    # The client's context may be shorter than ours, never different.
    if selection.prefix is not None and not selector.prefix.endswith(selection.prefix):
        raise ValidationError(
            "The text before the selection does not match the source.", code="context_mismatch"
        )
    if selection.suffix is not None and not selector.suffix.startswith(selection.suffix):
        raise ValidationError(
            "The text after the selection does not match the source.", code="context_mismatch"
        )
    return selector


def selector_from_target(text: str, target: object) -> TextSelector:
    """Parse and check a client's target against `text` in one step."""
    return check_selection(text, parse_target(target))
