"""Targets a client sends (archive.passages.selectors): W3C selectors in code points."""

import pytest
from django.core.exceptions import ValidationError

from archive.passages.selectors import CONTEXT_LENGTH, selector_from_quote_fallback, selector_from_target

TEXT = "Aleppo fell; Daraa withstood."


def target(start, end, exact, **quote):
    return {
        "selector": [
            {"type": "TextPositionSelector", "start": start, "end": end},
            {"type": "TextQuoteSelector", "exact": exact, **quote},
        ]
    }


def test_a_target_with_position_and_quote_gives_the_span():
    selector = selector_from_target(TEXT, target(13, 18, "Daraa", prefix="fell; ", suffix=" with"))
    assert (selector.start, selector.end, selector.exact) == (13, 18, "Daraa")


def test_selectors_may_come_in_any_order():
    selectors = target(0, 6, "Aleppo")["selector"]
    assert selector_from_target(TEXT, {"selector": selectors[::-1]}).exact == "Aleppo"


@pytest.mark.parametrize(
    "bad_target",
    [None, "0-6", [], {"selector": "TextPositionSelector"}, {"selector": []}],
    ids=["null", "string", "list", "selector not a list", "no selectors"],
)
def test_a_target_without_selectors_is_refused(bad_target):
    with pytest.raises(ValidationError):
        selector_from_target(TEXT, bad_target)


def test_a_position_alone_takes_the_quote_from_the_text():
    selector = selector_from_target(
        TEXT, {"selector": [{"type": "TextPositionSelector", "start": 0, "end": 6}]}
    )
    assert selector.exact == "Aleppo"


def test_a_quote_alone_is_found_in_the_text():
    selector = selector_from_target(TEXT, {"selector": {"type": "TextQuoteSelector", "exact": "Daraa"}})
    assert (selector.start, selector.end) == (13, 18)


def test_a_quote_alone_that_occurs_twice_is_refused():
    with pytest.raises(ValidationError, match="more than once"):
        selector_from_target("ab ab", {"selector": [{"type": "TextQuoteSelector", "exact": "ab"}]})


def test_two_position_selectors_are_refused():
    selectors = target(0, 6, "Aleppo")["selector"]
    with pytest.raises(ValidationError, match="at most one TextPositionSelector"):
        selector_from_target(TEXT, {"selector": [selectors[0], *selectors]})


@pytest.mark.parametrize("kind", ["RangeSelector", "XPathSelector", None])
def test_an_unsupported_selector_is_refused_by_name(kind):
    selectors = [*target(0, 6, "Aleppo")["selector"], {"type": kind}]
    with pytest.raises(ValidationError, match="not supported"):
        selector_from_target(TEXT, {"selector": selectors})


def test_a_quote_that_is_not_text_is_refused():
    with pytest.raises(ValidationError, match="exact"):
        selector_from_target(TEXT, target(0, 6, 6))


def test_a_longer_prefix_than_kept_must_match_the_text():
    text = "x" * 100 + "Daraa"
    assert selector_from_target(text, target(100, 105, "Daraa", prefix="x" * 60)).start == 100


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
    selector = selector_from_target(text, target(100, 105, "Daraa"))
    assert len(selector.prefix) == len(selector.suffix) == CONTEXT_LENGTH


# --- units: code points, not UTF-16 ------------------------------------------------

EMOJI_TEXT = "Shelling 💥 near Daraa 💥 and Daraa again."


def utf16_span(text, start, end):
    """What a JavaScript client sends for text[start:end]: UTF-16 code units."""
    before = len(text[:start].encode("utf-16-le")) // 2
    return before, before + len(text[start:end].encode("utf-16-le")) // 2


def test_a_utf16_position_is_refused_naming_the_units():
    start = EMOJI_TEXT.index("Daraa")
    u16 = utf16_span(EMOJI_TEXT, start, start + 5)
    with pytest.raises(ValidationError) as refused:
        selector_from_target(EMOJI_TEXT, target(*u16, "Daraa"))
    message = refused.value.messages[0]
    assert "read as UTF-16 units" in message
    assert f"code points {start}-{start + 5}" in message


def test_a_position_that_is_simply_wrong_says_offsets_are_code_points():
    with pytest.raises(ValidationError) as refused:
        selector_from_target(TEXT, target(0, 6, "Daraa"))
    assert "Unicode code points" in refused.value.messages[0]


def test_the_quote_fallback_uses_a_unique_quote_and_says_so():
    start = EMOJI_TEXT.index("near Daraa")
    u16 = utf16_span(EMOJI_TEXT, start, start + 10)
    selector, note = selector_from_quote_fallback(EMOJI_TEXT, target(*u16, "near Daraa"))
    assert (selector.start, selector.end) == (start, start + 10)
    assert note.startswith("TextPositionSelector ignored:") and note.isascii()


def test_the_quote_fallback_says_when_utf16_units_explain_the_position():
    start = EMOJI_TEXT.index("near Daraa")
    _, note = selector_from_quote_fallback(
        EMOJI_TEXT, target(*utf16_span(EMOJI_TEXT, start, start + 10), "near Daraa")
    )
    assert "(it does in UTF-16 units: count code points)" in note


def test_the_quote_fallback_does_not_blame_utf16_units_for_a_position_simply_elsewhere():
    start = EMOJI_TEXT.index("near Daraa")
    _, note = selector_from_quote_fallback(EMOJI_TEXT, target(0, 10, "near Daraa"))
    assert "UTF-16" not in note and f"found it at {start}-{start + 10}" in note


def test_the_quote_fallback_refuses_an_ambiguous_quote_with_the_unit_hint():
    second = EMOJI_TEXT.rindex("Daraa")
    u16 = utf16_span(EMOJI_TEXT, second, second + 5)
    with pytest.raises(ValidationError) as refused:
        selector_from_quote_fallback(EMOJI_TEXT, target(*u16, "Daraa"))
    assert "read as UTF-16 units" in refused.value.messages[0]


def test_the_quote_fallback_leaves_a_matching_position_alone():
    assert selector_from_quote_fallback(TEXT, target(13, 18, "Daraa")) == (
        selector_from_target(TEXT, target(13, 18, "Daraa")),
        None,
    )


def test_the_w3c_fallback_finds_a_quote_sent_with_utf16_offsets():
    text = "💧 Daraa withstood."
    utf16 = target(3, 8, "Daraa")  # the drop is two UTF-16 units, one code point
    selector, note = selector_from_quote_fallback(text, utf16)
    assert (selector.start, selector.end) == (2, 7) and "UTF-16" in note


def test_the_w3c_fallback_still_refuses_a_position_outside_the_text():
    with pytest.raises(ValidationError):
        selector_from_quote_fallback(TEXT, target(len(TEXT) - 2, len(TEXT) + 5, TEXT[-2:]))
