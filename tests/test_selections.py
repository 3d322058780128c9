"""Selections a client sends (archive.selections): W3C selectors in code points, checked against the text."""

import pytest
from django.core.exceptions import ValidationError

from archive.anchoring import CONTEXT_LENGTH
from archive.selections import ClientSelection, check_selection, parse_target, selector_from_target

TEXT = "Aleppo fell; Daraa withstood."


def target(start, end, exact, **quote):
    return {
        "selector": [
            {"type": "TextPositionSelector", "start": start, "end": end},
            {"type": "TextQuoteSelector", "exact": exact, **quote},
        ]
    }


def test_parse_target_reads_position_and_quote():
    parsed = parse_target(target(13, 18, "Daraa", prefix="fell; ", suffix=" with"))
    assert parsed == ClientSelection(start=13, end=18, exact="Daraa", prefix="fell; ", suffix=" with")


def test_parse_target_accepts_selectors_in_any_order():
    selectors = target(0, 6, "Aleppo")["selector"]
    assert parse_target({"selector": selectors[::-1]}).exact == "Aleppo"


@pytest.mark.parametrize(
    "bad_target",
    [None, "0-6", [], {"selector": "TextPositionSelector"}, {"selector": []}],
    ids=["null", "string", "list", "selector not a list", "no selectors"],
)
def test_parse_target_refuses_a_target_without_selectors(bad_target):
    with pytest.raises(ValidationError):
        parse_target(bad_target)


def test_parse_target_refuses_a_target_without_a_quote_selector():
    with pytest.raises(ValidationError, match="TextQuoteSelector"):
        parse_target({"selector": [{"type": "TextPositionSelector", "start": 0, "end": 6}]})


def test_parse_target_refuses_two_position_selectors():
    selectors = target(0, 6, "Aleppo")["selector"]
    with pytest.raises(ValidationError, match="exactly one TextPositionSelector"):
        parse_target({"selector": [selectors[0], *selectors]})


def test_parse_target_refuses_a_quote_that_is_not_text():
    with pytest.raises(ValidationError, match="exact text"):
        parse_target(target(0, 6, 6))


def test_check_selection_gives_the_servers_selector_with_context():
    selector = selector_from_target(TEXT, target(13, 18, "Daraa"))
    assert (selector.start, selector.end, selector.exact) == (13, 18, "Daraa")
    assert (selector.prefix, selector.suffix) == ("Aleppo fell; ", " withstood.")


def test_offsets_count_code_points_so_an_emoji_before_the_selection_counts_once():
    text = "🇸🇾 flag, 😀 then Daraa"  # a flag is two code points, each astral
    start = text.index("Daraa")
    assert start == len("🇸🇾 flag, 😀 then ")  # Python counts code points
    assert selector_from_target(text, target(start, start + 5, "Daraa")).exact == "Daraa"


def test_utf16_offsets_from_a_browser_that_forgot_to_convert_are_refused():
    text = "😀 Daraa fell"
    utf16_start = len("😀 ".encode("utf-16-le")) // 2  # 3, where the code point offset is 2
    with pytest.raises(ValidationError, match="does not match"):
        selector_from_target(text, target(utf16_start, utf16_start + 5, "Daraa"))


def test_combining_marks_are_characters_of_their_own():
    text = "Cafe\u0301 au lait"  # e + COMBINING ACUTE ACCENT, not NFC-composed
    assert selector_from_target(text, target(0, 5, "Cafe\u0301")).end == 5


def test_right_to_left_text_is_selected_in_logical_order():
    text = "قال مدير المحطة إن القصف بدأ"
    start = text.index("المحطة")
    selector = selector_from_target(text, target(start, start + 6, "المحطة"))
    assert selector.prefix == "قال مدير "


def test_selection_past_the_end_of_the_text_is_refused():
    with pytest.raises(ValidationError, match="past the end"):
        selector_from_target(TEXT, target(20, len(TEXT) + 1, TEXT[20:] + "!"))


def test_negative_start_is_refused():
    with pytest.raises(ValidationError, match="before the beginning"):
        selector_from_target(TEXT, target(-1, 6, "Aleppo"))


def test_empty_selection_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        selector_from_target(TEXT, target(6, 6, ""))


@pytest.mark.parametrize("start", ["0", 0.5, None, True], ids=["string", "float", "null", "bool"])
def test_offsets_that_are_not_whole_numbers_are_refused(start):
    with pytest.raises(ValidationError, match="whole numbers"):
        selector_from_target(TEXT, target(start, 6, "Aleppo"))


def test_exact_that_differs_from_the_text_is_refused():
    with pytest.raises(ValidationError, match="does not match the source"):
        selector_from_target(TEXT, target(0, 6, "Alepo!"))


def test_prefix_that_differs_from_the_text_is_refused():
    with pytest.raises(ValidationError, match="before the selection"):
        selector_from_target(TEXT, target(13, 18, "Daraa", prefix="rose; "))


def test_suffix_that_differs_from_the_text_is_refused():
    with pytest.raises(ValidationError, match="after the selection"):
        selector_from_target(TEXT, target(13, 18, "Daraa", suffix=" fell"))


def test_context_is_at_most_context_length_code_points():
    text = "x" * 100 + "Daraa" + "y" * 100
    selector = check_selection(text, ClientSelection(start=100, end=105, exact="Daraa"))
    assert len(selector.prefix) == len(selector.suffix) == CONTEXT_LENGTH
