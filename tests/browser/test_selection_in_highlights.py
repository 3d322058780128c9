"""Selecting text that starts inside an existing highlight, with the mouse, in Chromium."""

from django.urls import reverse
from playwright.sync_api import expect

from archive.models import Annotation, Passage
from tests.browser.selecting import drag_select, point_at
from tests.factories import AnnotationFactory, PassageFactory, SourceFactory

TEXT = (
    "Witness 😀🇸🇾 said: the pump building was hit at dawn on Tuesday, "
    "and the station stopped working until the engineers came back on Friday."
)
HIGHLIGHTED = "the pump building was hit at dawn"
SELECTED = "building was hit at dawn on Tuesday, and the station"


def open_with_highlight(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace, text=TEXT)
    start = TEXT.index(HIGHLIGHTED)
    passage = PassageFactory(source=source, start=start, length=len(HIGHLIGHTED))
    AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, body="Which building?")
    page = page_for(analyst)
    page.goto(reverse("archive:source", args=[workspace.slug, source.pk]))
    page.wait_for_selector("#reading[data-ready=true]")
    return page, source


def test_a_drag_starting_inside_a_highlight_selects_and_annotates_the_right_code_points(
    page_for, analyst, workspace
):
    page, source = open_with_highlight(page_for, analyst, workspace)
    start = TEXT.index(SELECTED)
    end = start + len(SELECTED)
    # The drag starts on the first character of SELECTED, inside the highlight, and ends on its last.
    drag_select(page, "source-text", TEXT, start, end)

    expect(page.locator("#selection-tools")).to_be_visible()
    expect(page.locator("#reading-dialog")).not_to_be_visible()  # the drag did not open the highlight
    page.get_by_role("button", name="Annotate").click()
    page.get_by_label("Note", exact=True).fill("A second reading of the same sentence.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#reading-items .item")).to_have_count(2)

    passage = Passage.objects.exclude(annotations__body="Which building?").get()
    assert (passage.start, passage.end, passage.exact) == (start, end, SELECTED)
    assert source.text[passage.start : passage.end] == SELECTED
    assert Annotation.objects.count() == 2
    assert page.errors == []


def test_a_plain_click_on_a_highlight_still_opens_it(page_for, analyst, workspace):
    page, _ = open_with_highlight(page_for, analyst, workspace)
    x, y = point_at(page, "source-text", TEXT, TEXT.index("hit"))
    page.mouse.click(x, y)
    dialog = page.locator("#reading-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Which building?")
    expect(page.locator("#selection-tools")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(page.locator("#source-text mark[id^=passage-]")).to_be_focused()  # back where it was opened


def test_double_clicking_a_word_inside_a_highlight_selects_it(page_for, analyst, workspace):
    page, _ = open_with_highlight(page_for, analyst, workspace)
    x, y = point_at(page, "source-text", TEXT, TEXT.index("building") + 2)
    page.mouse.dblclick(x, y)
    expect(page.locator("#selection-tools")).to_be_visible()
    expect(page.locator("#reading-dialog")).not_to_be_visible()
    assert page.evaluate("getSelection().toString()").strip() == "building"


def test_a_drag_starting_on_the_first_letter_of_a_highlight_selects_from_there(page_for, analyst, workspace):
    page, _ = open_with_highlight(page_for, analyst, workspace)
    start = TEXT.index(HIGHLIGHTED)
    end = TEXT.index("Tuesday") + len("Tuesday")  # past the highlight's end
    # Inside the first letter, left of its middle (where the caret goes before it).
    x0, y0 = point_at(page, "source-text", TEXT, start, across=0.25)
    x1, y1 = point_at(page, "source-text", TEXT, end - 1)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=5)
    page.mouse.move(x1 + 3, y1, steps=5)
    during = page.evaluate("getSelection().toString()")
    page.mouse.up()

    assert during == TEXT[start:end]
    expect(page.locator("#selection-tools")).to_be_visible()
    expect(page.locator("#reading-dialog")).not_to_be_visible()
    # The highlight is still a tab stop once the drag is over.
    expect(page.locator("#source-text mark[id^=passage-]")).to_have_attribute("tabindex", "0")
    assert page.errors == []
