"""Spans of a text, in Unicode code points (what Python string indexing
counts, so `text[start:end]` is a W3C TextPositionSelector): checking them and
taking the quote and context of one, and where one is in words. archive.passages.selectors
reads what clients send; the models check their invariants with these.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from archive.core.graphemes import after_cut, before_cut

CONTEXT_LENGTH = 32


@dataclass(frozen=True)
class TextSelector:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def check_position(text: str, start: int, end: int) -> None:
    """Raise ValidationError unless 0 <= start < end <= len(text)."""
    checked_position(text, start, end)


def checked_position(text: str, start: object, end: object) -> tuple[int, int]:
    """(start, end) as given, if they are whole numbers with 0 <= start < end <= len(text);
    else ValidationError. For offsets as a client sent them, of any type."""
    if (
        isinstance(start, bool)
        or isinstance(end, bool)
        or not isinstance(start, int)
        or not isinstance(end, int)
    ):
        raise ValidationError("Start and end must be whole numbers of characters.", code="offset_type")
    if start < 0:
        raise ValidationError(f"Start {start} is before the beginning of the text.", code="offset_range")
    if end <= start:
        raise ValidationError("The selection is empty: end must be greater than start.", code="empty")
    if end > len(text):
        raise ValidationError(
            f"End {end} is past the end of the text ({len(text)} characters).", code="offset_range"
        )
    return start, end


def check_quote(text: str, start: int, end: int, exact: str | None) -> None:
    """Raise ValidationError unless `exact` is the text at [start, end) (None never is)."""
    check_position(text, start, end)
    if text[start:end] != exact:
        raise ValidationError(
            f"The quoted text does not match the source at {start}-{end}.", code="quote_mismatch"
        )


def selector_for(text: str, start: int, end: int) -> TextSelector:
    """Both W3C selectors for text[start:end], with context either side."""
    check_position(text, start, end)
    return TextSelector(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_LENGTH) : start],
        suffix=text[end : end + CONTEXT_LENGTH],
    )


@dataclass(frozen=True)
class InContext:
    """A span's quote with the text around it to show: whole words where the context
    has white space (whole grapheme clusters always), and whether text was left out
    before and after (where "…" goes)."""

    before: str
    exact: str
    after: str
    cut_before: bool
    cut_after: bool


def in_context(start: int, prefix: str, exact: str, suffix: str) -> InContext:
    """What to show around the quote `exact` at `start`, from the context kept
    with it (selector_for's). The prefix is cut when text precedes it; the
    suffix when it has all CONTEXT_LENGTH code points (the text may end right
    there, which the selector cannot tell). A cut context keeps its whole words
    only: CONTEXT_LENGTH code points hold a few, so a word boundary is near."""
    cut_before, cut_after = start > len(prefix), len(suffix) >= CONTEXT_LENGTH
    return InContext(
        before=after_cut(prefix) if cut_before else prefix,
        exact=exact,
        after=before_cut(suffix) if cut_after else suffix,
        cut_before=cut_before,
        cut_after=cut_after,
    )


def place_in_text(*, start: int, length: int) -> str:
    """Where a span starting at `start` is in a text of `length` code points, as pages tell a
    reader ("about 60% into the text"): offsets mean nothing to them, and stay for exports."""
    share = round(100 * start / max(length, 1))
    return f"about {share}% into the text" if share else "at the start of the text"
