"""Overlapping highlights on the reading page, in Chromium: passages starting at the same
character, one inside another, one across another's end. No tab stop (a button) is ever
inside another (axe's nested-interactive), every passage opens from the keyboard and by a
screen reader's click, and the marks still nest as the passages overlap; highlights added
or removed on the page are drawn as the server draws them."""

import random

import pytest
from playwright.sync_api import expect

from archive.models import Annotation
from archive.reading.page import Highlight, highlighted_html
from tests.browser.accessibility import serious_violations
from tests.browser.reading import open_reading_page, select
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory

TEXT = "The pumping station stopped on Tuesday after three shells hit the pump building. Water ran on Friday."
# Each phrase's passage (at its first occurrence), and what is on it.
NOTES = {
    "The pumping station stopped on Tuesday": "The whole stop",
    "The pumping station": "Which station?",  # starts where the whole stop starts
    "stopped": "Stopped how?",  # inside the whole stop
    "Tuesday after three shells": "Which Tuesday?",  # across the whole stop's end
}
EVIDENCE = "three shells"  # inside the Tuesday passage, at its end


@pytest.fixture
def overlapping(workspace, analyst):
    """A source with the passages above, and the item id (its data-item) on each passage, by phrase."""
    source = SourceFactory(workspace=workspace, text=TEXT)

    def passage(phrase):
        return PassageFactory(source=source, start=TEXT.index(phrase), length=len(phrase))

    items = {}
    for phrase, body in NOTES.items():
        note = AnnotationFactory(workspace=workspace, passages=[passage(phrase)], author=analyst, body=body)
        items[phrase] = f"annotation-{note.pk}"
    claim = ClaimFactory(workspace=workspace, statement="Three shells hit the station")
    evidence = EvidenceFactory(passage=passage(EVIDENCE), claim=claim, created_by=analyst)
    items[EVIDENCE] = f"evidence-{evidence.pk}"
    return source, items


# Interactive elements in the text with an interactive ancestor in the text.
NESTED_INTERACTIVE = """
() => {
  const interactive = ":is([tabindex], [role=button], a[href], button, input, select, textarea)";
  return [...document.querySelectorAll(`#source-text ${interactive}`)]
    .filter((element) => element.parentElement.closest(`#source-text ${interactive}`))
    .map((element) => element.outerHTML);
}
"""

# Each piece of text in the text, with the passages of the marks around it, innermost first.
COVERAGE = """
() => {
  const container = document.getElementById("source-text");
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const pieces = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const ids = [];
    for (let mark = node.parentElement; mark !== container; mark = mark.parentElement) {
      ids.push(mark.dataset.passage);
    }
    pieces.push([node.data, ids]);
  }
  return pieces;
}
"""

TAB_STOPS = "#source-text mark[tabindex]"


def assert_nothing_interactive_nested(page, where: str):
    assert page.evaluate(NESTED_INTERACTIVE) == [], where
    violations = serious_violations(page)
    assert not [v for v in violations if v["id"] == "nested-interactive"], violations
    assert violations == [], f"axe on {where}: {violations}"


def items_in_dialog(page) -> set[str]:
    dialog = page.locator("#reading-dialog")
    expect(dialog).to_have_attribute("open", "")
    return set(
        dialog.locator("[data-item]").evaluate_all("(items) => items.map((item) => item.dataset.item)")
    )


def focused_in_text(page) -> str:
    """The text of the tab stop in the text that has the focus, once the dialog's close event
    has given it back: it comes a moment after the dialog closed, and the browser may have
    focused a tab stop before it. Its handler also unmarks the sidebar's items (.active), which
    says it ran; a Tab pressed before then would be undone by it."""
    page.wait_for_function(
        "() => !document.querySelector('#reading-sidebar .item.active')"
        " && document.activeElement?.matches('#source-text mark[tabindex]')"
    )
    return page.evaluate("document.activeElement.textContent")


def open_each_by_keyboard(page) -> list[tuple[str, set[str]]]:
    """Tab from the first tab stop in the text to the last, opening each with Enter: its text
    and the items its dialog shows; Escape closes it and gives the focus back."""
    count = page.locator(TAB_STOPS).count()
    page.locator(TAB_STOPS).first.focus()
    opened = []
    for number in range(count):
        if number:
            page.keyboard.press("Tab")
        stop = page.evaluate("document.activeElement.textContent")
        assert page.evaluate("document.activeElement.matches('#source-text mark[role=button]')"), stop
        page.keyboard.press("Enter")
        opened.append((stop, items_in_dialog(page)))
        page.keyboard.press("Escape")
        expect(page.locator("#reading-dialog")).not_to_have_attribute("open", "")
        assert focused_in_text(page) == stop
    return opened


def test_overlapping_passages_have_no_button_inside_another_and_each_opens_by_keyboard(
    page_for, analyst, overlapping
):
    source, items = overlapping
    page = page_for(analyst)
    open_reading_page(page, source)
    assert_nothing_interactive_nested(page, "the reading page of overlapping passages")

    # The two starting at the same character share their one tab stop, which opens both;
    # the one inside the whole stop and the one across its end have their own.
    assert open_each_by_keyboard(page) == [
        (
            "The pumping station",
            {items["The pumping station stopped on Tuesday"], items["The pumping station"]},
        ),
        ("stopped", {items["stopped"]}),
        ("Tuesday", {items["Tuesday after three shells"]}),
        ("three shells", {items[EVIDENCE]}),
    ]
    assert page.errors == []


def test_the_shared_tab_stop_is_named_for_both_passages(page_for, analyst, overlapping):
    source, _ = overlapping
    page = page_for(analyst)
    open_reading_page(page, source)
    stop = page.locator(TAB_STOPS).first
    description = stop.evaluate(
        "(stop) => stop.getAttribute('aria-describedby').split(' ')"
        ".map((id) => document.getElementById(id).textContent.trim()).join(' | ')"
    )
    assert description == "note | Which station? | note | The whole stop"
    stop.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#reading-dialog-title")).to_have_text("2 items on these passages")


def test_each_tab_stop_is_named_by_all_of_its_passages_words(page_for, analyst, overlapping):
    source, _ = overlapping
    page = page_for(analyst)
    open_reading_page(page, source)
    stops = page.locator(TAB_STOPS)
    # "Tuesday after three shells" starts inside the whole stop, and the evidence inside it:
    # its tab stop holds only "Tuesday", but is named by all of it.
    for number, words in enumerate(
        ["The pumping station", "stopped", "Tuesday after three shells", EVIDENCE]
    ):
        expect(stops.nth(number)).to_have_accessible_name(words)


def test_a_screen_readers_click_opens_each_overlapping_passage(page_for, analyst, overlapping):
    source, items = overlapping
    page = page_for(analyst)
    open_reading_page(page, source)
    opened = []
    for number in range(page.locator(TAB_STOPS).count()):
        stop = page.locator(TAB_STOPS).nth(number)
        stop.dispatch_event("click", {"detail": 0})  # what assistive technology sends
        opened.append(items_in_dialog(page))
        page.keyboard.press("Escape")
        expect(stop).to_be_focused()
    assert opened == [
        {items["The pumping station stopped on Tuesday"], items["The pumping station"]},
        {items["stopped"]},
        {items["Tuesday after three shells"]},
        {items[EVIDENCE]},
    ]


def test_overlapping_marks_still_nest_as_the_passages_overlap(page_for, analyst, overlapping):
    source, _ = overlapping
    ids = {
        passage.exact: str(passage.pk)
        for passage in source.passages.all()  # each phrase occurs once before the passages' ends
    }
    whole, station = ids["The pumping station stopped on Tuesday"], ids["The pumping station"]
    stopped, tuesday, shells = ids["stopped"], ids["Tuesday after three shells"], ids[EVIDENCE]
    page = page_for(analyst)
    open_reading_page(page, source)
    assert page.evaluate(COVERAGE) == [
        ["The pumping station", [station, whole]],
        [" ", [whole]],
        ["stopped", [stopped, whole]],
        [" on ", [whole]],
        ["Tuesday", [tuesday, whole]],
        [" after ", [tuesday]],
        ["three shells", [shells, tuesday]],
        [" hit the pump building. Water ran on Friday.", []],
    ]


# The text's markup as the server renders it: without what the page's script adds.
MARKUP = """
() => {
  const copy = document.getElementById("source-text").cloneNode(true);
  for (const mark of copy.querySelectorAll("mark")) {
    mark.removeAttribute("aria-describedby");
    mark.classList.remove("flash");
  }
  return copy.innerHTML;
}
"""


def test_highlights_added_and_removed_on_the_page_are_drawn_as_the_server_draws_them(
    page_for, analyst, overlapping
):
    source, items = overlapping
    page = page_for(analyst)
    open_reading_page(page, source)
    # A new note starting where "stopped" starts, across the ends of the whole stop and of "stopped".
    select(page, "stopped on Tuesday after")
    page.get_by_role("button", name="Annotate").click()
    page.get_by_label("Note", exact=True).fill("All of it")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#reading-dialog")).not_to_have_attribute("open", "")
    new = f"annotation-{Annotation.objects.get(body='All of it').pk}"
    # The focus came back to the new passage's tab stop, which it shares with "stopped".
    assert focused_in_text(page) == "stopped"
    assert_nothing_interactive_nested(page, "the page with a note added on it")
    drawn = page.evaluate(MARKUP)
    assert open_each_by_keyboard(page)[1] == ("stopped", {items["stopped"], new})

    page.reload()
    page.wait_for_selector("#reading[data-ready=true]")
    assert page.evaluate(MARKUP) == drawn

    # Deleting the note whose mark was the shared tab stop leaves the whole stop its own.
    sidebar_item = page.locator(f"#reading-items [data-item={items['The pumping station']}]")
    sidebar_item.get_by_role("button", name="Delete").click()
    page.get_by_label("Reason (kept in the history)").fill("duplicate")
    sidebar_item.get_by_role("button", name="Delete").click()
    expect(sidebar_item).to_have_count(0)
    assert_nothing_interactive_nested(page, "the page with a note deleted on it")
    drawn = page.evaluate(MARKUP)
    opened = open_each_by_keyboard(page)
    assert opened[0] == ("The pumping station ", {items["The pumping station stopped on Tuesday"]})
    page.reload()
    page.wait_for_selector("#reading[data-ready=true]")
    assert page.evaluate(MARKUP) == drawn
    assert page.errors == []


# js/highlights.js drawing passages over a text of its own, and reading them back.
DRAW = """
async (cases) => {
  const { drawHighlights, passagesIn } = await import("/static/archive/js/highlights.js");
  return cases.map(([text, passages]) => {
    const container = document.createElement("div");
    container.textContent = text;
    drawHighlights(container, passages);
    const read = passagesIn(container).sort((one, other) => one.id - other.id);
    return [container.innerHTML, read];
  });
}
"""


def test_the_page_draws_any_overlap_as_the_server_does(page_for, analyst, workspace):
    rng = random.Random(2017)
    text = "abcdefghijkl"
    cases = []
    for _ in range(300):
        spans = [sorted(rng.sample(range(len(text) + 1), 2)) for _ in range(rng.randint(0, 7))]
        passages = [
            {"id": n + 1, "role": rng.choice(["note", "refutes", "plain"]), "start": start, "end": end}
            for n, (start, end) in enumerate(spans)
        ]
        cases.append((text, passages))
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    drawn = page.evaluate(DRAW, cases)
    for (text, passages), (markup, read) in zip(cases, drawn, strict=True):
        highlights = [Highlight(p["id"], p["start"], p["end"], p["role"]) for p in passages]
        assert markup == highlighted_html(text, highlights, opens=True), passages
        assert read == passages
