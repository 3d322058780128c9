import pytest
from django.core.exceptions import ValidationError

from archive.passages.selectors import CONTEXT_LENGTH, check_quote, selector_for


def test_selector_counts_code_points_not_utf16_units():
    text = "Flood 🌊🌊 hit Daraa al-Balad"
    start = text.index("Daraa")
    selector = selector_for(text, start, start + len("Daraa"))
    assert selector.start == 13  # each wave is one code point
    assert len(text[:13].encode("utf-16-le")) // 2 == 15  # but two UTF-16 units
    assert selector.exact == "Daraa"


def test_selector_context_is_32_code_points_each_side():
    text = "a" * 50 + "TARGET" + "b" * 50
    selector = selector_for(text, 50, 56)
    assert selector.prefix == "a" * CONTEXT_LENGTH
    assert selector.suffix == "b" * CONTEXT_LENGTH


def test_selector_context_is_shorter_at_text_edges():
    selector = selector_for("Daraa withstood", 0, 5)
    assert selector.prefix == ""
    assert selector.suffix == " withstood"


def test_selector_on_arabic_text_with_diacritics():
    text = "قال مُدير المحطة"
    start = text.index("مُدير")
    selector = selector_for(text, start, start + len("مُدير"))
    assert selector.exact == "مُدير"
    assert selector.prefix == "قال "


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-1, 3, "before the beginning"),
        (3, 3, "empty"),
        (5, 2, "empty"),
        (0, 99, "past the end"),
    ],
)
def test_invalid_offsets_are_refused_with_a_clear_message(start, end, message):
    with pytest.raises(ValidationError, match=message):
        selector_for("short text", start, end)


def test_non_integer_offsets_are_refused():
    with pytest.raises(ValidationError, match="whole numbers"):
        selector_for("short text", "0", 3)


def test_quote_must_match_text_at_position():
    with pytest.raises(ValidationError, match="does not match"):
        check_quote("Daraa withstood", 0, 5, "Aleppo")
