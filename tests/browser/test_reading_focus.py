"""The reading page's saves in place, for the keyboard and screen readers: the focus stays
where the reader was, and what was done is said in the page's status line."""

from playwright.sync_api import expect

from archive.models import Annotation
from tests.browser.reading import annotate, open_reading_page, open_with_own_notes, select
from tests.factories import AnnotationFactory, PassageFactory, SourceFactory

# The item the focused control is in, and the control's action.
FOCUSED = (
    "`${document.activeElement.closest('[data-item]')?.dataset.item} "
    "${document.activeElement.dataset.action}`"
)


def edit_by_keyboard(page, within, text: str):
    within.get_by_role("button", name="Edit").first.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.keyboard.press("Control+Enter")


def test_an_edit_saved_in_the_sidebar_keeps_the_focus_on_the_item(page_for, analyst, workspace):
    page, [note] = open_with_own_notes(page_for, analyst, workspace, "First thought")
    edit_by_keyboard(page, page.locator("#reading-items"), "Second thought")
    expect(page.locator("#reading-status")).to_have_text("Note saved.")
    assert page.evaluate(FOCUSED) == f"annotation-{note.pk} edit"
    note.refresh_from_db()
    assert note.body == "Second thought"
    assert page.errors == []


def test_a_deletion_in_the_sidebar_moves_the_focus_to_the_next_item(page_for, analyst, workspace):
    page, [_, second] = open_with_own_notes(page_for, analyst, workspace, "Wrong", "Right")
    items = page.locator("#reading-items")
    items.get_by_role("button", name="Delete").first.focus()
    page.keyboard.press("Enter")
    page.keyboard.type("duplicate")
    page.keyboard.press("Enter")
    expect(page.locator("#reading-status")).to_have_text("Note deleted, its history kept.")
    assert page.evaluate(FOCUSED) == f"annotation-{second.pk} edit"
    assert list(Annotation.objects.values_list("body", flat=True)) == ["Right"]
    assert page.errors == []


def test_an_edit_saved_in_the_popup_keeps_the_focus_in_the_popup(page_for, analyst, workspace):
    page, [note] = open_with_own_notes(page_for, analyst, workspace, "First thought")
    page.locator("#source-text mark[tabindex]").first.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#reading-dialog")
    edit_by_keyboard(page, dialog, "Second thought")
    expect(page.locator("#reading-status")).to_have_text("Note saved.")
    assert dialog.get_attribute("open") is not None
    assert page.evaluate("document.getElementById('reading-dialog').contains(document.activeElement)")
    assert page.evaluate("document.activeElement.dataset.action") == "edit"
    note.refresh_from_db()
    assert note.body == "Second thought"


def test_deleting_the_last_item_in_the_popup_leaves_the_focus_on_the_sidebar_heading(
    page_for, analyst, workspace
):
    page, _ = open_with_own_notes(page_for, analyst, workspace, "Only note")
    page.locator("#source-text mark[tabindex]").first.focus()
    page.keyboard.press("Enter")
    page.locator("#reading-dialog").get_by_role("button", name="Delete").focus()
    page.keyboard.press("Enter")
    page.keyboard.type("not needed")
    page.keyboard.press("Enter")
    expect(page.locator("#reading-status")).to_have_text("Note deleted, its history kept.")
    assert page.locator("#reading-dialog").get_attribute("open") is None
    assert page.evaluate("document.activeElement.id") == "sidebar-title"
    assert not Annotation.objects.exists()


def test_a_new_note_is_announced(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace)
    page = page_for(analyst)
    open_reading_page(page, source)
    annotate(page, "more than 400 airstrikes", "Count them.")
    expect(page.locator("#reading-status")).to_have_text("Note saved as a draft, highlighted in the text.")
    assert Annotation.objects.get().body == "Count them."


def test_a_new_highlight_is_announced_without_saying_it_is_highlighted(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace)
    page = page_for(analyst)
    open_reading_page(page, source)
    select(page, "more than 400 airstrikes")
    page.get_by_role("button", name="Annotate").click()
    page.get_by_role("dialog", name="Annotate").get_by_label("Motivation").select_option("highlighting")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#reading-status")).to_have_text("Highlight saved as a draft.")
    assert Annotation.objects.get().motivation == "highlighting"


def test_an_edited_highlight_is_announced_as_a_highlight(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace)
    highlight = AnnotationFactory(
        workspace=workspace,
        passages=[PassageFactory(source=source, start=10, length=5)],
        author=analyst,
        highlight=True,
    )
    page = page_for(analyst)
    open_reading_page(page, source)
    edit_by_keyboard(page, page.locator("#reading-items"), "Worth a note after all")
    expect(page.locator("#reading-status")).to_have_text("Highlight saved.")
    highlight.refresh_from_db()
    assert (highlight.body, highlight.motivation) == ("Worth a note after all", "highlighting")


def test_a_screen_readers_click_on_a_highlight_opens_it(page_for, analyst, workspace):
    page, _ = open_with_own_notes(page_for, analyst, workspace, "Read out")
    # What assistive technology sends: a click event with no press before it (detail 0).
    page.locator("#source-text mark[tabindex]").first.dispatch_event("click", {"detail": 0})
    dialog = page.locator("#reading-dialog")
    expect(dialog).to_have_attribute("open", "")
    assert "Read out" in dialog.inner_text()
    page.keyboard.press("Escape")
    # The dialog's close handler, a task after the browser gave the focus back, unmarks the
    # sidebar's item (.active) and focuses where the dialog was opened from: wait for it.
    expect(page.locator("#reading-items .item.active")).to_have_count(0)
    expect(page.locator("#source-text mark[tabindex]")).to_be_focused()
