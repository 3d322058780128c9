# ruff: noqa: RUF001 (typographic quotation marks and dashes are the point)
""" "Highlight by quote" with a quote pasted in its quotation marks or written with a space for a
hyphen, and the reading sidebar's Text filter folding as "Highlight by quote" (and search) do."""

import pytest
from playwright.sync_api import expect

from archive.models import Annotation, Passage
from tests.browser.reading import open_reading_page
from tests.browser.test_highlight_by_quote import FIND, annotate_chosen, find_words, open_quote_form
from tests.browser.test_reading_sidebar import open_filters, shown_bodies
from tests.factories import AnnotationFactory, PassageFactory, SourceFactory

# An astral character first, so that offsets in UTF-16 units and in code points differ.
REPORT = (
    "📍 Shelling hit the Al-Rashideen area, residents said. "
    "In Daraa al-Mahatta the station was closed; in Daraa al-Balad it was not."
)
ARABIC_REPORT = "قال مدير المحطة إن القصف طال منطقة الراشدين ليلاً."


def saved_passage(source) -> Passage:
    """The one passage written, checked against the text it claims to quote."""
    passage = Passage.objects.get()
    assert passage.source_id == source.pk
    assert passage.exact == source.text[passage.start : passage.end]
    return passage


@pytest.mark.parametrize(
    "typed",
    ["“Al-Rashideen area”", '"Al-Rashideen area"', "«Al-Rashideen area»"],
    ids=["typographic", "straight", "guillemets"],
)
def test_a_quote_pasted_in_its_quotation_marks_highlights_the_words_without_them(
    page_for, analyst, workspace, typed
):
    source = SourceFactory(workspace=workspace, text=REPORT)
    page = page_for(analyst)
    open_reading_page(page, source)
    open_quote_form(page)
    find_words(page, typed)
    expect(page.get_by_role("group", name="Found once:")).to_be_visible()
    annotate_chosen(page, "Which part of the area?")

    start = REPORT.index("Al-Rashideen area")
    assert len(REPORT[:start].encode("utf-16-le")) // 2 > start  # code points, not UTF-16 units
    passage = saved_passage(source)
    assert (passage.start, passage.end, passage.exact) == (start, start + 17, "Al-Rashideen area")
    annotation = Annotation.objects.get()
    assert annotation.body == "Which part of the area?"
    assert list(annotation.passages.all()) == [passage]
    expect(page.locator(f"#passage-{passage.pk}")).to_have_text("Al-Rashideen area")
    assert page.errors == []


def test_words_typed_with_a_space_for_a_hyphen_highlight_the_hyphenated_words(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace, text=REPORT)
    page = page_for(analyst)
    open_reading_page(page, source)
    open_quote_form(page)
    find_words(page, "Daraa al Mahatta")
    expect(page.get_by_role("group", name="Found once:")).to_be_visible()
    annotate_chosen(page, "The station district.")

    start = REPORT.index("Daraa al-Mahatta")
    passage = saved_passage(source)
    assert (passage.start, passage.end, passage.exact) == (start, start + 16, "Daraa al-Mahatta")
    assert Annotation.objects.get().body == "The station district."
    assert page.errors == []


def test_an_arabic_quote_pasted_in_guillemets_with_bidi_marks_is_found(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace, text=ARABIC_REPORT, language="ar", direction="rtl")
    page = page_for(analyst)
    open_reading_page(page, source)
    open_quote_form(page)
    find_words(page, "\u200f«منطقه الراشدين»\u200f")  # and heh for teh marbuta
    expect(page.get_by_role("group", name="Found once:")).to_be_visible()
    annotate_chosen(page, "ملاحظة")

    start = ARABIC_REPORT.index("منطقة الراشدين")
    passage = saved_passage(source)
    assert (passage.start, passage.end, passage.exact) == (start, start + 14, "منطقة الراشدين")
    assert page.errors == []


NOT_FOUND = "“chemical weapons” is not in this text. Check the words, or type fewer of them."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("“chemical weapons”", NOT_FOUND),
        ('"chemical weapons"', NOT_FOUND),
        ("„chemical weapons“", NOT_FOUND),
        ('""', "Type the words to highlight."),
    ],
    ids=["typographic", "straight", "low-high", "marks alone"],
)
def test_the_message_on_quoted_words_not_found_does_not_double_their_marks(
    page_for, analyst, workspace, typed, message
):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace, text=REPORT))
    open_quote_form(page)
    find_words(page, typed)
    dialog = page.get_by_role("dialog", name="Highlight by quote")
    expect(dialog.get_by_role("alert")).to_have_text(message)
    expect(dialog.get_by_role("radio")).to_have_count(0)
    assert not Passage.objects.exists() and not Annotation.objects.exists()
    assert page.errors == []


@pytest.mark.parametrize(
    ("text", "words", "found"),
    [
        ("the Al-Rashideen area, residents said", "‘Al-Rashideen area’", "Al-Rashideen area"),
        ("the Al-Rashideen area, residents said", "「Al-Rashideen area」", "Al-Rashideen area"),
        ("the Al-Rashideen area, residents said", " \u201cAl-Rashideen area,\u201d ", "Al-Rashideen area,"),
        ("in Daraa al\u2011Mahatta today", "daraa al mahatta", "Daraa al\u2011Mahatta"),
        ("in Daraa al Mahatta today", "Daraa al-Mahatta", "Daraa al Mahatta"),
        ("from 2017\u20132018 on", "2017 2018", "2017\u20132018"),
    ],
    ids=[
        "single quotation marks",
        "corner brackets",
        "marks around a comma",
        "space for a non-breaking hyphen",
        "hyphen for a space",
        "space for an en dash",
    ],
)
def test_quotation_marks_around_the_words_and_dashes_between_them_need_not_match(
    page_for, analyst, workspace, text, words, found
):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    result = page.evaluate(FIND, [text, words, None])
    assert result["count"] == 1
    start, end = result["spans"][0]
    assert text.encode("utf-16-le")[start * 2 : end * 2].decode("utf-16-le") == found


def test_quotation_marks_the_text_has_around_the_words_are_kept_and_preferred(page_for, analyst, workspace):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    quoted = "its own men, and “its” allies"
    # Where the text quotes the words too, only the quoted occurrence is found, marks and all.
    assert page.evaluate(FIND, [quoted, '"its"', None]) == {"spans": [[17, 22]], "count": 1}
    # Where it does not, the marks are left out and every occurrence is found.
    assert page.evaluate(FIND, ["its own men, and its allies", "“its”", None]) == {
        "spans": [[0, 3], [17, 20]],
        "count": 2,
    }


ARABIC_NOTES = ["توقفت المحطة عن الضخ.", "Seen at the École Al-Rashideen."]


@pytest.fixture
def arabic_notes(workspace, analyst):
    """Two notes on a source: one Arabic (about the station), one Latin (about a school)."""
    source = SourceFactory(workspace=workspace, text=REPORT)
    for phrase, body in zip(["Shelling hit", "the station was closed"], ARABIC_NOTES, strict=True):
        passage = PassageFactory(source=source, start=REPORT.index(phrase), length=len(phrase))
        AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, body=body)
    return source


@pytest.mark.parametrize(
    ("typed", "body"),
    [
        ("محطه", ARABIC_NOTES[0]),  # heh for teh marbuta
        ("المَحَطَّة", ARABIC_NOTES[0]),  # harakat the note does not have
        ("ecole", ARABIC_NOTES[1]),  # no accent
        ("Al Rashideen", ARABIC_NOTES[1]),  # a space for the hyphen
    ],
    ids=["teh marbuta", "harakat", "accent", "hyphen"],
)
def test_the_text_filter_folds_as_highlight_by_quote_does(page_for, analyst, arabic_notes, typed, body):
    page = page_for(analyst)
    open_reading_page(page, arabic_notes)
    open_filters(page)
    page.get_by_label("Text", exact=True).fill(typed)
    expect(page.locator("#filter-summary")).to_have_text("(1 of 2)")
    assert shown_bodies(page) == [body]
    expect(page.locator("#filter-result")).to_have_text("Showing 1 of 2 items.")
    assert page.errors == []
