"""The reading page's sidebar and keyboard in Chromium at 390 and 1366 px: filters and their
counts, tags that filter, the shortcuts and their help, highlights described for screen
readers; and mixed Arabic and English in the activity feed."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from archive.claims import create_annotation
from archive.models import Annotation, Stance
from archive.passages.writes import create_passage
from tests.browser.accessibility import assert_accessible
from tests.browser.reading import open_reading_page, select
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory

WIDTHS = [
    pytest.param({"width": 390, "height": 844}, id="390px"),
    pytest.param({"width": 1366, "height": 900}, id="1366px"),
]
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
TEXT = (
    "The pumping station stopped on Tuesday after three shells hit the pump building. "
    "The director said repairs would take a week. Residents of the eastern districts queued for water. "
    "A second report put the number of shells at five."
)


@pytest.fixture
def annotated(workspace, analyst, reviewer):
    """Five items on a source: three notes (two the analyst's) and two pieces of evidence (the reviewer's)."""
    source = SourceFactory(workspace=workspace, text=TEXT)

    def passage(phrase):
        return PassageFactory(source=source, start=TEXT.index(phrase), length=len(phrase))

    AnnotationFactory(
        workspace=workspace,
        passages=[passage("pumping station")],
        author=analyst,
        body="Which station?",
        motivation="questioning",
        tags=["water", "dates"],
    )
    AnnotationFactory(
        workspace=workspace,
        passages=[passage("repairs would take a week")],
        author=analyst,
        body="Check the dates.",
        tags=["dates"],
        review_status="submitted",
    )
    AnnotationFactory(
        workspace=workspace,
        passages=[passage("queued for water")],
        author=reviewer,
        body="Seen on video.",
        tags=["water"],
        review_status="approved",
    )
    claim = ClaimFactory(workspace=workspace, statement="Three shells hit the station")
    EvidenceFactory(passage=passage("three shells"), claim=claim, stance=Stance.SUPPORTS, created_by=reviewer)
    EvidenceFactory(passage=passage("at five"), claim=claim, stance=Stance.REFUTES, created_by=reviewer)
    return source


def open_sidebar(page):
    """On a narrow screen the sidebar is a panel over the text: open it."""
    toggle = page.locator(".sidebar-toggle")
    if toggle.is_visible():
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")


def open_filters(page):
    open_sidebar(page)
    page.locator("#sidebar-filters > summary").click()
    expect(page.locator("#sidebar-filters")).to_have_attribute("open", "")


def options(page, name: str) -> list[str]:
    return page.locator(f"#sidebar-filters select[name={name}] option").all_inner_texts()


def shown_items(page) -> list[str]:
    return page.eval_on_selector_all(
        "#reading-items > [data-item]:not([hidden])", "els => els.map(e => e.id)"
    )


def shown_bodies(page) -> list[str]:
    return page.locator("#reading-items > [data-item]:not([hidden]) .item-body").all_inner_texts()


@pytest.mark.parametrize("viewport", WIDTHS)
def test_filters_narrow_the_sidebar_with_counts_of_what_they_leave(page_for, analyst, annotated, viewport):
    page = page_for(analyst)
    page.set_viewport_size(viewport)
    open_reading_page(page, annotated)
    open_filters(page)

    assert options(page, "person") == ["All (5)", "analyst (2)", "reviewer (3)"]
    assert options(page, "tag") == ["All (5)", "dates (2)", "water (2)"]
    assert options(page, "motivation") == ["All (5)", "Note (2)", "Question (1)"]
    assert options(page, "stance") == ["All (5)", "supports (1)", "refutes (1)"]
    assert options(page, "status") == ["All (5)", "draft (3)", "submitted (1)", "approved (1)"]

    page.get_by_label("Author", exact=True).select_option("reviewer")
    assert len(shown_items(page)) == 3
    expect(page.locator("#filter-result")).to_have_text("Showing 3 of 5 items.")
    # The other filters now count within the reviewer's items.
    assert options(page, "tag") == ["All (3)", "dates (0)", "water (1)"]
    assert options(page, "stance") == ["All (3)", "supports (1)", "refutes (1)"]

    page.get_by_label("Stance", exact=True).select_option("refutes")
    [only] = shown_items(page)
    assert only.startswith("evidence-")
    assert page.locator(f"#{only}").is_visible()

    page.get_by_role("button", name="Clear filters").click()
    expect(page.locator("#filter-result")).to_have_text("")
    assert len(shown_items(page)) == 5

    page.get_by_label("Text", exact=True).fill("DATES")  # any case; tags and notes are both searched
    assert sorted(shown_bodies(page)) == ["Check the dates.", "Which station?"]
    expect(page.locator("#filter-summary")).to_have_text("(2 of 5)")

    assert page.evaluate(OVERFLOW) <= 0
    assert_accessible(page, f"reading page with its filters open at {viewport['width']} px")
    assert page.errors == []


@pytest.mark.parametrize("viewport", WIDTHS)
def test_clicking_a_tag_shows_only_the_items_with_that_tag(page_for, analyst, annotated, viewport):
    page = page_for(analyst)
    page.set_viewport_size(viewport)
    open_reading_page(page, annotated)
    open_sidebar(page)
    page.locator("#reading-items .tags").get_by_role("button", name="water").first.click()
    assert sorted(shown_bodies(page)) == ["Seen on video.", "Which station?"]
    tag_filter = page.get_by_label("Tag", exact=True)
    expect(tag_filter).to_be_focused()
    expect(tag_filter).to_have_value("water")
    expect(page.locator("#filter-result")).to_have_text("Showing 2 of 5 items.")
    assert page.errors == []


def test_a_tag_in_a_highlights_popup_filters_the_sidebar(page_for, analyst, annotated):
    page = page_for(analyst)
    page.set_viewport_size({"width": 1366, "height": 900})
    open_reading_page(page, annotated)
    page.locator("#source-text mark", has_text="queued for water").first.click()
    dialog = page.locator("#reading-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="water").click()
    expect(dialog).to_be_hidden()
    assert sorted(shown_bodies(page)) == ["Seen on video.", "Which station?"]


@pytest.mark.parametrize("viewport", WIDTHS)
def test_question_mark_opens_the_shortcuts_and_escape_closes_them(page_for, analyst, annotated, viewport):
    page = page_for(analyst)
    page.set_viewport_size(viewport)
    open_reading_page(page, annotated)
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("Annotate the selected text")
    expect(help_dialog).to_contain_text("Next highlight")
    assert page.evaluate(OVERFLOW) <= 0
    assert_accessible(page, "the shortcuts' help")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()


def test_shortcuts_do_not_fire_while_typing(page_for, analyst, annotated):
    page = page_for(analyst)
    open_reading_page(page, annotated)
    open_filters(page)
    field = page.get_by_label("Text", exact=True)
    field.click()
    page.keyboard.type("?jks")
    expect(field).to_have_value("?jks")
    expect(field).to_be_focused()
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()


FOCUSED_PASSAGE = "() => document.activeElement.closest('mark[data-passage]')?.textContent ?? null"


@pytest.mark.parametrize("viewport", WIDTHS)
def test_next_and_previous_highlight_move_the_focus(page_for, analyst, annotated, viewport):
    page = page_for(analyst)
    page.set_viewport_size(viewport)
    open_reading_page(page, annotated)
    page.keyboard.press("j")
    assert page.evaluate(FOCUSED_PASSAGE) == "pumping station"
    page.keyboard.press("j")
    assert page.evaluate(FOCUSED_PASSAGE) == "three shells"
    page.keyboard.press("n")
    assert page.evaluate(FOCUSED_PASSAGE) == "repairs would take a week"
    page.keyboard.press("k")
    assert page.evaluate(FOCUSED_PASSAGE) == "three shells"
    page.keyboard.press("Enter")  # and the highlight it is on opens
    expect(page.locator("#reading-dialog")).to_contain_text("Three shells hit the station")


@pytest.mark.parametrize("viewport", WIDTHS)
def test_a_annotates_the_selection_and_ctrl_enter_saves(page_for, analyst, annotated, viewport):
    page = page_for(analyst)
    page.set_viewport_size(viewport)
    open_reading_page(page, annotated)
    select(page, "eastern districts")
    page.keyboard.press("a")
    dialog = page.locator("#reading-dialog")
    dialog.get_by_label("Note", exact=True).fill("Which districts exactly?")
    dialog.get_by_label("Motivation").select_option(label="Question")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#reading-dialog")).to_be_hidden()
    note = Annotation.objects.get(body="Which districts exactly?")
    assert note.motivation == "questioning"
    [passage] = note.passages.all()
    assert TEXT[passage.start : passage.end] == "eastern districts"
    card = page.locator(f"#annotation-{note.pk}")
    expect(card.locator(".role")).to_have_text("question")
    expect(page.locator(f"#passage-{passage.pk}")).to_have_class(re.compile(r"\bhl-question\b"))
    assert page.errors == []


def test_c_cites_the_selection_as_evidence(page_for, analyst, annotated):
    page = page_for(analyst)
    open_reading_page(page, annotated)
    select(page, "eastern districts")
    page.keyboard.press("c")
    expect(page.get_by_role("dialog", name="Cite as evidence")).to_be_visible()


def test_s_opens_the_sidebar_on_a_narrow_screen(page_for, analyst, annotated):
    page = page_for(analyst)
    page.set_viewport_size({"width": 390, "height": 844})
    open_reading_page(page, annotated)
    card = page.locator("#reading-items .item-question")
    expect(card).not_to_be_in_viewport()
    page.keyboard.press("s")
    expect(card).to_be_in_viewport()
    expect(page.get_by_role("button", name="Close annotations")).to_be_focused()
    page.keyboard.press("Escape")
    expect(card).not_to_be_in_viewport()


DESCRIPTION = """
(mark) => (mark.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean)
  .map((id) => document.getElementById(id).textContent.trim()).join(" | ")
"""


def test_highlights_are_described_by_their_kind_and_note(page_for, analyst, annotated):
    page = page_for(analyst)
    open_reading_page(page, annotated)
    first = page.locator("#source-text mark[tabindex]", has_text="pumping station")
    assert first.evaluate(DESCRIPTION) == "question | Which station?"
    evidence = page.locator("#source-text mark[tabindex]", has_text="three shells")
    assert re.fullmatch(
        r"supports Three shells hit the station \w+ · outlet: [^;|]+; claim: [^|]+( \| .+)?",
        evidence.evaluate(DESCRIPTION),
    )

    # A note made on the page describes its new highlight too.
    select(page, "eastern districts")
    page.keyboard.press("a")
    page.get_by_label("Note", exact=True).fill("Which districts?")
    page.keyboard.press("Control+Enter")
    created = page.locator("#source-text mark[tabindex]", has_text="eastern districts")
    expect(created).to_have_attribute(
        "aria-describedby", re.compile(r"label-annotation-\d+ body-annotation-\d+")
    )
    assert created.evaluate(DESCRIPTION) == "note | Which districts?"


# Where the runs of an activity row's object link are, left to right: the kind of object,
# the Latin start of the note's title, its first and its last Arabic word.
ACTIVITY_RUNS = """
(words) => {
  const link = [...document.querySelectorAll("table.activity td a")]
    .find((a) => a.textContent.startsWith("Note") && a.textContent.includes(words[0]));
  const cell = link.closest("td");
  const left = (node, from, to) => {
    const range = document.createRange();
    range.setStart(node, from);
    range.setEnd(node, to);
    return range.getClientRects()[0].left;
  };
  // The name's pieces are text nodes of their own (a person's words are isolated).
  const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node);
  const at = (word) => {
    const text = texts.find((node) => node.data.includes(word));
    return left(text, text.data.indexOf(word), text.data.indexOf(word) + word.length);
  };
  return [cell.querySelector(".kind").getClientRects()[0].left, at("Note"), at(words[0]), at(words[1])];
}
"""


def test_activity_feed_keeps_arabic_and_latin_in_logical_order(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace, text="قصف حلب استمر 24 ساعة")
    passage = create_passage(source=source, user=analyst, start=0, end=7)
    create_annotation(passages=[passage], user=analyst, body="قصف حلب استمر 24 ساعة")
    page = page_for(analyst)
    page.goto(reverse("archive:activity", args=[workspace.slug]))
    kind, latin, first_arabic, last_arabic = page.evaluate(ACTIVITY_RUNS, ["قصف", "ساعة"])
    assert kind < latin < last_arabic < first_arabic  # the Arabic run reads right to left after the Latin


def test_tags_field_suggests_the_workspaces_tags_after_those_typed(page_for, analyst, annotated):
    page = page_for(analyst)
    open_reading_page(page, annotated)
    select(page, "eastern districts")
    page.keyboard.press("a")
    tags = page.locator("#reading-dialog").get_by_label("Tags")
    tags.fill("water, ")
    suggestions = page.eval_on_selector_all("#workspace-tags option", "options => options.map(o => o.value)")
    assert suggestions == ["water, dates"]  # "water" is already there


def used_fonts(page, selector: str) -> dict[str, int]:
    """The fonts Chromium drew an element's text with, and how many glyphs each (DevTools protocol)."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def test_latin_and_digits_use_one_vendored_face_and_arabic_the_other(page_for, analyst, workspace):
    arabic_words = ["قصف", "حلب", "استمر", "ساعة"]
    text = f"Report 2024: {arabic_words[0]} {arabic_words[1]} {arabic_words[2]} 24 {arabic_words[3]}"
    source = SourceFactory(workspace=workspace, text=text, language="ar", direction="rtl")
    page = page_for(analyst)
    open_reading_page(page, source)
    page.evaluate("document.fonts.ready")
    letters = sum(len(word) for word in arabic_words)
    assert used_fonts(page, "#source-text") == {
        "Noto Sans": len(text) - letters,
        "Noto Naskh Arabic": letters,
    }
    assert page.errors == []
