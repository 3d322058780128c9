"""The reading page on a 360 px phone: the floating sidebar button, the sidebar as a modal
panel over the text, and the selection's buttons, in Chromium."""

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.reading import open_reading_page, select
from tests.factories import AnnotationFactory, PassageFactory, SourceFactory

PHONE = {"width": 360, "height": 740}
LAST_WORDS = "until the engineers came back on Friday."
TEXT = (
    "The pumping station stopped on Tuesday after three shells hit the pump building. "
    "The director said repairs would take a week. Residents of the eastern districts queued for water. "
) * 6 + f"The station stayed shut {LAST_WORDS}"


@pytest.fixture
def phone_page(page_for, analyst, workspace):
    """The reading page at 360 px of a long text with a note on its first words and one on its last."""
    source = SourceFactory(workspace=workspace, text=TEXT)
    for start, length in ((0, len("The pumping station")), (TEXT.index(LAST_WORDS), len(LAST_WORDS))):
        passage = PassageFactory(source=source, start=start, length=length)
        AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, body=f"Note at {start}")
    page = page_for(analyst)
    page.set_viewport_size(PHONE)
    open_reading_page(page, source)
    return page


def open_panel(page):
    page.get_by_role("button", name="Annotations and evidence").click()
    expect(page.get_by_role("button", name="Close annotations")).to_be_focused()
    # The close button has the focus as the panel starts to slide in (0.2 s): where the panel
    # is, and what a tap beside it reaches, are known once it has stopped.
    page.wait_for_function("() => document.getElementById('reading-sidebar').getAnimations().length === 0")


PANEL_OPEN = "() => document.getElementById('reading-sidebar').classList.contains('open')"
FOCUS_IN_PANEL = "() => document.getElementById('reading-sidebar').contains(document.activeElement)"


# The middle and the bottom of a highlight's last line.
LAST_LINE = """
(mark) => {
  const line = [...mark.getClientRects()].at(-1);
  return [line.left + line.width / 2, line.top + line.height / 2, line.bottom];
}
"""


def test_the_last_line_of_the_text_clears_the_floating_button(phone_page):
    page = phone_page
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    button = page.get_by_role("button", name="Annotations and evidence").bounding_box()
    x, y, bottom = page.locator("#source-text mark").last.evaluate(LAST_LINE)
    assert bottom <= button["y"]
    page.mouse.click(x, y)  # a tap on the last highlight opens it
    expect(page.locator("#reading-dialog")).to_contain_text(f"Note at {TEXT.index(LAST_WORDS)}")


def test_a_highlight_focused_under_the_floating_button_scrolls_clear_of_it(phone_page):
    page = phone_page
    last = page.locator("#source-text mark").last
    # The page scrolled so that the highlight lies in the band the button floats over.
    page.evaluate(
        "(mark) => window.scrollBy(0, mark.getBoundingClientRect().bottom - innerHeight + 24)",
        last.element_handle(),
    )
    last.focus()
    button = page.get_by_role("button", name="Annotations and evidence").bounding_box()
    assert last.evaluate(LAST_LINE)[2] <= button["y"]


def test_tab_keeps_the_focus_in_the_open_panel(phone_page):
    page = phone_page
    open_panel(page)
    outside = []
    for _ in range(40):  # more than the panel's controls: round and back in again
        page.keyboard.press("Tab")
        if not page.evaluate(FOCUS_IN_PANEL) and page.evaluate("document.activeElement !== document.body"):
            outside.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    assert outside == []
    assert page.evaluate(PANEL_OPEN)
    assert_accessible(page, "reading page at 360 px, panel open")


def test_escape_closes_the_panel_wherever_the_focus_is(phone_page):
    page = phone_page
    open_panel(page)
    page.evaluate("document.activeElement.blur()")  # the focus on the page itself
    page.keyboard.press("Escape")
    assert not page.evaluate(PANEL_OPEN)
    expect(page.get_by_role("button", name="Annotations and evidence")).to_be_focused()


def test_a_tap_beside_the_open_panel_closes_it_and_returns_the_focus(phone_page):
    page = phone_page
    open_panel(page)
    panel = page.locator("#reading-sidebar").bounding_box()
    assert panel["x"] > 20  # a strip of the page shows beside it
    page.mouse.click(panel["x"] / 2, PHONE["height"] / 2)
    assert not page.evaluate(PANEL_OPEN)
    expect(page.get_by_role("button", name="Annotations and evidence")).to_be_focused()
    expect(page.locator("#reading-dialog")).to_be_hidden()  # the tap reached nothing under the panel


# Where the selection's toolbar is, and how many lines the text of each of its buttons takes.
TOOLS_BOX = """
() => {
  const tools = document.getElementById("selection-tools");
  const lines = [...tools.querySelectorAll("button")].map((button) => {
    const range = document.createRange();
    range.selectNodeContents(button);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  });
  const box = tools.getBoundingClientRect();
  return { left: box.left, right: box.right, lines, width: document.documentElement.clientWidth };
}
"""

# The first word drawn in the right part of the window at least `below` px down the page, which
# occurrence of it in the text it is, and how far down the page its bottom is.
WORD_ON_THE_RIGHT = """
(below = 0) => {
  const container = document.getElementById("source-text");
  const text = container.textContent;
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  let offset = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/[a-z]{4,}/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = range.getClientRects();
      if (rects.length === 1 && rects[0].left > innerWidth * 0.6 && rects[0].top + scrollY >= below) {
        const at = offset + match.index;
        let occurrence = 0;
        for (let i = text.indexOf(match[0]); i !== -1 && i < at; i = text.indexOf(match[0], i + 1)) {
          occurrence += 1;
        }
        return [match[0], occurrence, rects[0].bottom + scrollY];
      }
    }
    offset += node.length;
  }
}
"""


def test_the_selection_toolbar_stays_in_the_window_for_a_word_on_the_right(phone_page):
    page = phone_page
    word, occurrence, _ = page.evaluate(WORD_ON_THE_RIGHT)
    select(page, word, occurrence)
    assert page.evaluate("getSelection().getRangeAt(0).getBoundingClientRect().left") > PHONE["width"] * 0.6
    box = page.evaluate(TOOLS_BOX)
    assert box["left"] >= 0 and box["right"] <= box["width"]
    assert box["lines"] == [1, 1]  # "Cite as evidence" on one line


def test_the_selection_toolbar_goes_above_a_selection_just_over_the_floating_button(phone_page):
    page = phone_page
    button = page.get_by_role("button", name="Annotations and evidence")
    button_top = button.bounding_box()["y"]
    word, occurrence, bottom = page.evaluate(WORD_ON_THE_RIGHT, button_top)
    page.evaluate(f"window.scrollTo(0, {bottom - button_top + 4})")  # the word's line just over the button
    select(page, word, occurrence)
    tools = page.locator("#selection-tools").bounding_box()
    selected_top = page.evaluate("getSelection().getRangeAt(0).getBoundingClientRect().top")
    # Above the selection, so clear of the button under it, and within the window.
    assert tools["y"] >= 0 and tools["y"] + tools["height"] <= selected_top < button_top


def test_the_panel_button_counts_the_items_added_and_deleted_in_place(phone_page):
    page = phone_page
    button = page.get_by_role("button", name="Annotations and evidence")
    expect(button).to_have_text("Annotations and evidence (2)")
    select(page, "three shells")
    page.get_by_role("button", name="Annotate").click()
    page.get_by_label("Note", exact=True).fill("Which side fired?")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#reading-items > .item")).to_have_count(3)
    expect(button).to_have_text("Annotations and evidence (3)")
    open_panel(page)
    added = page.locator("#reading-items > .item", has_text="Which side fired?").get_attribute("id")
    item = page.locator(f"#{added}")  # its text gives way to the delete form
    item.get_by_role("button", name="Delete").click()
    page.get_by_label("Reason (kept in the history)").fill("a duplicate")
    item.get_by_role("button", name="Delete").click()
    expect(page.locator("#reading-items > .item")).to_have_count(2)
    expect(button).to_have_text("Annotations and evidence (2)")
    assert page.errors == []


def test_highlight_by_quote_from_the_open_panel_gives_the_focus_back_to_its_button(phone_page):
    page = phone_page
    open_panel(page)
    page.keyboard.press("h")
    dialog = page.get_by_role("dialog", name="Highlight by quote")
    expect(dialog).to_be_visible()
    # The panel made way for the text the words are found in (and no longer makes the page inert).
    assert not page.evaluate(PANEL_OPEN)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    quote_button = page.get_by_role("button", name="Highlight by quote")
    expect(quote_button).to_be_focused()
    expect(quote_button).to_be_in_viewport()
    assert page.errors == []
