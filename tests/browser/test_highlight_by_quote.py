# ruff: noqa: RUF001 (Arabic-Indic digits and separators are the point)
""" "Highlight by quote" on the reading page, in Chromium, by keyboard only: type the words,
choose which occurrence, annotate them with the selection's own form; offsets in code points."""

import re

import pytest
from playwright.sync_api import expect

from archive.models import Annotation, Evidence, Passage
from tests.browser.accessibility import assert_accessible
from tests.browser.reading import open_reading_page
from tests.factories import ClaimFactory, SourceFactory

PHONE = {"width": 360, "height": 740}
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# An emoji, a flag and a medical worker (astral characters, two UTF-16 units each and more)
# before both occurrences; the second breaks its line where the reader types a space.
EMOJI_TEXT = (
    "😀🇸🇾 Witness: the pump building was hit at dawn.\n"
    "👩🏽‍⚕️ A nurse said the pump\nbuilding was hit again at noon."
)
FOCUSED = "() => document.activeElement?.outerHTML.slice(0, 120) ?? null"


def tab_to(page, matches: str, presses: int = 80) -> None:
    """Press Tab until the focused element matches the CSS selector `matches`."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement?.matches(selector) ?? false", matches):
            return
    raise AssertionError(f"Tab never reached {matches}; the focus is on {page.evaluate(FOCUSED)}")


def is_focused(page, selector: str) -> bool:
    return page.evaluate("(selector) => document.activeElement?.matches(selector) ?? false", selector)


def open_quote_form(page) -> None:
    tab_to(page, "#highlight-by-quote")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Highlight by quote")).to_be_visible()
    assert is_focused(page, "#reading-dialog textarea[name=words]")


def find_words(page, words: str) -> None:
    page.keyboard.type(words)
    page.keyboard.press("Enter")


def annotate_chosen(page, note: str) -> None:
    """From the chosen occurrence: Annotate, write the note, save; all by keyboard."""
    tab_to(page, '#reading-dialog button[data-action="annotate"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Annotate")).to_be_visible()
    assert is_focused(page, "#reading-dialog textarea[name=body]")
    page.keyboard.type(note)
    tab_to(page, '#reading-dialog button[type="submit"]')
    page.keyboard.press("Enter")
    expect(page.locator("#reading-dialog")).to_be_hidden()


def code_point_span(text: str, pattern: str, occurrence: int) -> tuple[int, int]:
    """The span (Python indexes: code points) of the given occurrence of a regex, any case."""
    match = list(re.finditer(pattern, text, re.IGNORECASE))[occurrence]
    return match.start(), match.end()


def test_the_second_occurrence_of_typed_words_is_annotated_by_keyboard(
    page_for, analyst, workspace, corpus_text
):
    source = SourceFactory(workspace=workspace, text=corpus_text)
    page = page_for(analyst)
    open_reading_page(page, source)
    open_quote_form(page)
    find_words(page, "THE  Birthplace of the")  # another case, two spaces for one
    choices = page.get_by_role("group", name="Found 2 times: which one?")
    expect(choices).to_be_visible()
    expect(choices.get_by_role("radio")).to_have_count(2)
    # Each choice shows its words in context: the revolution, then the uprising.
    expect(choices.get_by_role("radio").nth(0)).to_have_accessible_name(re.compile(r"the revolution"))
    expect(choices.get_by_role("radio").nth(1)).to_have_accessible_name(re.compile(r"the uprising"))
    assert is_focused(page, "input[type=radio][value='0']:checked")
    page.keyboard.press("ArrowDown")
    assert is_focused(page, "input[type=radio][value='1']:checked")
    annotate_chosen(page, "Birthplace of the uprising: compare with Aleppo.")

    start, end = code_point_span(corpus_text, r"the birthplace of the", 1)
    passage = Passage.objects.get()
    assert (passage.source_id, passage.start, passage.end) == (source.pk, start, end)
    assert passage.exact == corpus_text[start:end] == "the birthplace of the"
    assert corpus_text[end : end + len(" uprising")] == " uprising"  # the second, not the first
    annotation = Annotation.objects.get()
    assert annotation.body == "Birthplace of the uprising: compare with Aleppo."
    assert list(annotation.passages.all()) == [passage]
    assert list(Annotation.history.filter(id=annotation.pk).values_list("history_type", flat=True)) == ["+"]
    # The new highlight is in the text and has the focus, as after annotating a selection.
    mark = page.locator(f"#passage-{passage.pk}")
    expect(mark).to_have_text("the birthplace of the")
    expect(mark).to_be_focused()
    assert page.errors == []


def test_offsets_after_emoji_are_code_points_and_a_line_break_matches_a_space(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace, text=EMOJI_TEXT)
    page = page_for(analyst)
    open_reading_page(page, source)
    open_quote_form(page)
    find_words(page, "the pump building")
    expect(page.get_by_role("group", name="Found 2 times: which one?")).to_be_visible()
    page.keyboard.press("ArrowDown")
    annotate_chosen(page, "A second strike?")

    start = EMOJI_TEXT.index("the pump\nbuilding")
    end = start + len("the pump\nbuilding")
    utf16_start = len(EMOJI_TEXT[:start].encode("utf-16-le")) // 2
    assert utf16_start > start  # the emoji before it count twice in UTF-16: the test can tell them apart
    passage = Passage.objects.get()
    assert (passage.start, passage.end, passage.exact) == (start, end, "the pump\nbuilding")
    annotation = Annotation.objects.get()
    assert annotation.body == "A second strike?"
    assert Annotation.history.filter(id=annotation.pk, history_type="+").count() == 1
    assert page.errors == []


ARABIC_TEXT = "قال مدير المحطة إن القطار وصل الساعة ٣:٤٥ وإن ١٢٬٠٠٠ شخص كانوا ينتظرون."


@pytest.mark.parametrize(
    ("words", "exact"),
    [("الساعة 3:45", "الساعة ٣:٤٥"), ("محطه", "محطة")],
    ids=["western digits for arabic-indic", "heh for teh marbuta"],
)
def test_words_typed_as_search_folds_them_annotate_the_texts_own_letters(
    page_for, analyst, workspace, words, exact
):
    source = SourceFactory(workspace=workspace, text=ARABIC_TEXT, language="ar", direction="rtl")
    page = page_for(analyst)
    open_reading_page(page, source)
    open_quote_form(page)
    find_words(page, words)
    expect(page.get_by_role("group", name="Found once:")).to_be_visible()
    annotate_chosen(page, "ملاحظة")

    start = ARABIC_TEXT.index(exact)
    passage = Passage.objects.get()
    assert (passage.start, passage.end, passage.exact) == (start, start + len(exact), exact)
    expect(page.locator(f"#passage-{passage.pk}")).to_have_text(exact)
    assert page.errors == []


def test_words_not_in_the_text_are_said_so_and_nothing_is_written(page_for, analyst, workspace, corpus_text):
    source = SourceFactory(workspace=workspace, text=corpus_text)
    page = page_for(analyst)
    open_reading_page(page, source)
    open_quote_form(page)
    find_words(page, "chemical weapons")
    dialog = page.get_by_role("dialog", name="Highlight by quote")
    expect(dialog.get_by_role("alert")).to_have_text(
        "“chemical weapons” is not in this text. Check the words, or type fewer of them."
    )
    # The reader stays in the field to correct the words; nothing to choose, nothing to annotate.
    assert is_focused(page, "#reading-dialog textarea[name=words]")
    expect(dialog.get_by_role("radio")).to_have_count(0)
    expect(dialog.get_by_role("button", name="Annotate")).to_be_hidden()
    assert page.locator("#source-text mark").count() == 0
    assert not Passage.objects.exists() and not Annotation.objects.exists()
    assert not Passage.history.exists() and not Annotation.history.exists()
    # Corrected words are found at once, and the message goes.
    page.keyboard.press("Control+a")
    find_words(page, "Shiite  militias")
    expect(page.get_by_role("group", name="Found 5 times: which one?")).to_be_visible()
    expect(dialog.get_by_role("alert")).to_be_hidden()
    assert page.errors == []


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("", "Type the words to highlight."),
        (
            "chemical weapons",
            "“chemical weapons” is not in this text. Check the words, or type fewer of them.",
        ),
    ],
    ids=["no words", "words not in the text"],
)
def test_the_message_on_words_not_found_describes_the_field_until_they_are_found(
    page_for, analyst, workspace, corpus_text, words, message
):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace, text=corpus_text))
    open_quote_form(page)
    find_words(page, words)
    field = page.get_by_role("dialog", name="Highlight by quote").get_by_label("Words to highlight")
    expect(field).to_have_attribute("aria-invalid", "true")
    # Heard on the field: its hint, then why the words were not found.
    expect(field).to_have_accessible_description(re.compile(rf"Enter finds them\. {re.escape(message)}$"))
    page.keyboard.press("Control+a")
    find_words(page, "Shiite  militias")
    expect(page.get_by_role("group", name="Found 5 times: which one?")).to_be_visible()
    expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", "quote-hint")
    assert page.errors == []


def test_at_360px_escape_and_cancel_give_the_focus_back_and_axe_passes(
    page_for, analyst, workspace, corpus_text
):
    page = page_for(analyst)
    page.set_viewport_size(PHONE)
    open_reading_page(page, SourceFactory(workspace=workspace, text=corpus_text))
    opener = page.get_by_role("button", name="Highlight by quote")
    open_quote_form(page)
    page.keyboard.press("Escape")
    expect(page.locator("#reading-dialog")).to_be_hidden()
    expect(opener).to_be_focused()

    page.keyboard.press("Enter")
    find_words(page, "supply route")
    expect(page.get_by_role("group", name="Found 2 times: which one?")).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0
    assert_accessible(page, "the reading page at 360 px, Highlight by quote with two occurrences")
    tab_to(page, '#reading-dialog button[data-action="cancel"]')
    page.keyboard.press("Enter")
    expect(page.locator("#reading-dialog")).to_be_hidden()
    expect(opener).to_be_focused()

    # Given up at the annotation form too: back to the button, nothing highlighted or written.
    page.keyboard.press("h")
    find_words(page, "supply route")
    tab_to(page, '#reading-dialog button[data-action="annotate"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Annotate")).to_be_visible()
    assert page.locator("#source-text mark.hl-pending").count() == 1
    assert page.evaluate(OVERFLOW) <= 0
    page.keyboard.press("Escape")
    expect(page.locator("#reading-dialog")).to_be_hidden()
    expect(opener).to_be_focused()
    # The browser gives the focus back as the dialog closes; the close handler runs a task later.
    expect(page.locator("#source-text mark.hl-pending")).to_have_count(0)
    assert not Passage.objects.exists() and not Annotation.objects.exists()
    assert page.errors == []


FIND = """
async ([text, words, limit]) => {
  const { findWords } = await import("/static/archive/js/find-words.js");
  return findWords(text, words, { limit: limit ?? Infinity });
}
"""


@pytest.mark.parametrize(
    ("text", "words", "found"),
    [
        ("Daraa, the birthplace\n  of the revolution", "BIRTHPLACE of", "birthplace\n  of"),
        (
            "Assad\u2019s regime \u2014 and \u201cits\u201d allies",
            'assad\'s REGIME - and "its"',
            "Assad\u2019s regime \u2014 and \u201cits\u201d",
        ),
        ("the cafe\u0301 opened", "cafe", "cafe\u0301"),  # the accent belongs to the letter: taken along
        ("Ecole, école", "ECOLE", "Ecole"),  # accents need not match: the first of two
        ("👩🏽‍⚕️ the nurse 😀", "nurse", "nurse"),
        ("قَالَ مدير المحطة", "قال", "قَالَ"),  # harakat need not be typed
        ("ﬁve of ﬁfteen", "five", "ﬁve"),  # a ligature in the text
        ("Straße", "STRASSE", "Straße"),
        ("وصل الساعة ٣:٤٥ مساءً", "الساعة 3:45", "الساعة ٣:٤٥"),  # as search folds them
        ("في عام ۱۴۰۲", "1402", "۱۴۰۲"),
        ("قال مدير المحطة", "محطه", "محطة"),
        ("نُقل إلى المستشفى", "مستشفي", "مستشفى"),
        ("قُتل ١٢٬٠٠٠ شخص", "12,000 شخص", "١٢٬٠٠٠ شخص"),
        ("قُتل ١٢٬٠٠٠ شخص", "١٢٠٠٠ شخص", "١٢٬٠٠٠ شخص"),
        ("killed 12,000 people", "12000 people", "12,000 people"),
        ("نحو ٣٫٥ مليون", "3.5 مليون", "٣٫٥ مليون"),
        ("وصل إلى دمشق، قال المدير", "دمشق, قال", "دمشق، قال"),
        ("وصل إلى دمشق, قال المدير", "دمشق، قال", "دمشق, قال"),
        ("توقفت المحطة؛ ثم عادت", "المحطة; ثم", "المحطة؛ ثم"),
        ("هل توقفت المحطة؟ نعم", "المحطة? نعم", "المحطة؟ نعم"),
    ],
    ids=[
        "white space",
        "quotes and dashes",
        "whole cluster",
        "accents",
        "emoji",
        "harakat",
        "ligature",
        "sharp s",
        "arabic-indic digits",
        "persian digits",
        "teh marbuta",
        "alef maksura",
        "arabic thousands separator",
        "thousands separator left out",
        "comma left out",
        "arabic decimal separator",
        "latin comma for arabic",
        "arabic comma for latin",
        "latin semicolon for arabic",
        "latin question mark for arabic",
    ],
)
def test_words_are_found_forgivingly_as_utf16_spans_of_whole_clusters(
    page_for, analyst, workspace, text, words, found
):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    result = page.evaluate(FIND, [text, words, None])
    utf16 = text.encode("utf-16-le")
    start, end = result["spans"][0]
    assert utf16[start * 2 : end * 2].decode("utf-16-le") == found


def test_occurrences_do_not_overlap_and_are_listed_up_to_the_limit(page_for, analyst, workspace):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    assert page.evaluate(FIND, ["aaaaa a", "aa", None]) == {"spans": [[0, 2], [2, 4]], "count": 2}
    assert page.evaluate(FIND, ["x. x. x. x.", "X.", 2]) == {"spans": [[0, 2], [3, 5]], "count": 4}
    assert page.evaluate(FIND, ["some text", "  \n ", None]) == {"spans": [], "count": 0}


CONTEXT = """
async ([text, quote, length]) => {
  const { contextOf } = await import("/static/archive/js/find-words.js");
  const start = text.indexOf(quote);
  return contextOf(text, [start, start + quote.length], length);
}
"""
NAME = "مُحَمَّد"
NURSE = "👩🏽\u200d⚕️"  # five code points, one cluster


def test_the_context_of_an_occurrence_is_cut_between_words_either_side(page_for, analyst, workspace):
    text = "Witnesses said the pump near the water station was hit twice at dawn yesterday, then at noon."
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    # 12 code points either side end inside "water" and inside "yesterday": both left out.
    assert page.evaluate(CONTEXT, [text, "was hit twice", 12]) == {
        "before": "…station ",
        "match": "was hit twice",
        "after": " at dawn…",
    }


def test_the_context_cut_inside_a_name_with_harakat_starts_at_the_word_after_it(page_for, analyst, workspace):
    text = f"قال {NAME} الأحمد مدير الدفاع المدني في محافظة درعا إن فرق الإنقاذ انتشلت جثث ثلاثة أطفال."
    cut = text.index("درعا") - 40
    assert text.index(NAME) < cut < text.index(NAME) + len(NAME)  # the 40 code points start inside it
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    context = page.evaluate(CONTEXT, [text, "درعا", 40])
    assert context["before"] == "…الأحمد مدير الدفاع المدني في محافظة "


def test_a_context_without_white_space_is_cut_between_clusters_within_its_length(
    page_for, analyst, workspace
):
    text = f"{NURSE * 9}zX{NURSE * 3}"
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    # 40 code points before "X" start inside the eighth nurse before "z": it is left out whole.
    context = page.evaluate(CONTEXT, [text, "X", 40])
    assert context["before"] == "…" + NURSE * 7 + "z"


def test_typed_words_are_cited_as_evidence_for_an_existing_claim_by_keyboard(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace, text=EMOJI_TEXT)
    claim = ClaimFactory(workspace=workspace, statement="The pump building was struck twice")
    page = page_for(analyst)
    open_reading_page(page, source)
    open_quote_form(page)
    find_words(page, "hit again at noon")
    tab_to(page, '#reading-dialog button[data-action="cite"]')
    page.keyboard.press("Enter")
    picker = page.get_by_role("combobox")
    expect(picker).to_be_focused()
    page.keyboard.type("struck twice")
    expect(page.get_by_role("option", name=re.compile("The pump building was struck twice"))).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    tab_to(page, '#reading-dialog button[type="submit"]')
    page.keyboard.press("Enter")
    expect(page.locator("#reading-dialog")).to_be_hidden()

    start = EMOJI_TEXT.index("hit again at noon")
    evidence = Evidence.objects.select_related("passage").get()
    assert evidence.claim == claim
    assert (evidence.passage.start, evidence.passage.end) == (start, start + len("hit again at noon"))
    assert Evidence.history.filter(id=evidence.pk).count() == 1
    assert page.errors == []
