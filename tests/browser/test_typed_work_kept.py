"""What an analyst types on the reading page is never thrown away unasked: a click beside
the dialog leaves a typed form open, Esc asks before discarding it, leaving the page asks
while something typed is unsaved; an edit to an item deleted meanwhile keeps the text to
copy; and what the page says after a save or a deletion names what it is."""

import pytest
from playwright.sync_api import expect

from archive.claims import delete_annotation
from archive.models import Annotation
from tests.browser.reading import open_reading_page, open_with_own_notes, select
from tests.factories import AnnotationFactory, PassageFactory, SourceFactory

DISCARD = "Discard what you typed? It is not saved."


class DialogAnswers:
    """Answers the page's native dialogs (confirm, beforeunload): accepts them or dismisses
    them as `accept` says, and keeps the (type, message) of each in `seen`."""

    def __init__(self, page, *, accept: bool):
        self.accept = accept
        self.seen: list[tuple[str, str]] = []
        page.on("dialog", self._answer)

    def _answer(self, dialog):
        self.seen.append((dialog.type, dialog.message))
        if self.accept:
            dialog.accept()
        else:
            dialog.dismiss()

    def now(self, *, accept: bool) -> list[tuple[str, str]]:
        """Answer so from now on; the dialogs seen from now on."""
        self.accept = accept
        self.seen.clear()
        return self.seen


def click_beside_the_dialog(page):
    """A click on the dimmed backdrop, in the window's top-left corner, clear of the dialog."""
    box = page.locator("#reading-dialog").bounding_box()
    assert box["x"] > 10 and box["y"] > 10  # the corner is backdrop, not dialog
    page.mouse.click(5, 5)


def open_annotate_form(page, phrase: str = "more than 400 airstrikes"):
    select(page, phrase)
    page.get_by_role("button", name="Annotate").click()
    dialog = page.get_by_role("dialog", name="Annotate")
    expect(dialog).to_be_visible()
    return dialog


def test_a_click_beside_the_annotate_dialog_closes_it_only_with_nothing_typed(page_for, analyst, workspace):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    seen = DialogAnswers(page, accept=False).seen
    open_annotate_form(page)
    click_beside_the_dialog(page)
    expect(page.locator("#reading-dialog")).to_be_hidden()

    dialog = open_annotate_form(page)
    dialog.get_by_label("Note", exact=True).fill("Count them against the UN figures.")
    click_beside_the_dialog(page)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Note", exact=True)).to_have_value("Count them against the UN figures.")
    # The press on the backdrop did not take the focus out of the form.
    expect(dialog.get_by_label("Note", exact=True)).to_be_focused()
    assert seen == []  # nothing asked: the click is simply not taken as closing
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator("#reading-dialog")).to_be_hidden()
    assert list(Annotation.objects.values_list("body", flat=True)) == ["Count them against the UN figures."]
    assert page.errors == []


def test_escape_over_a_typed_note_asks_and_keeps_it_unless_discarded(page_for, analyst, workspace):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    dialog = open_annotate_form(page)
    note = dialog.get_by_label("Note", exact=True)
    note.fill("Check the date")
    answers = DialogAnswers(page, accept=False)
    seen = answers.seen
    page.keyboard.press("Escape")
    assert seen == [("confirm", DISCARD)]
    expect(dialog).to_be_visible()
    expect(note).to_have_value("Check the date")
    expect(note).to_be_focused()
    # Asked again, however often Esc is pressed: the browser's close never slips through.
    page.keyboard.press("Escape")
    expect(dialog).to_be_visible()
    assert len(seen) == 2
    # The dialog's Close button asks too.
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_visible()
    assert len(seen) == 3

    seen = answers.now(accept=True)
    note.focus()
    page.keyboard.press("Escape")
    expect(page.locator("#reading-dialog")).to_be_hidden()
    assert seen == [("confirm", DISCARD)]
    # Given up as before: the button that opened the form has the focus, the text is not highlighted.
    expect(page.locator("#selection-tools").get_by_role("button", name="Annotate")).to_be_focused()
    expect(page.locator("#source-text mark.hl-pending")).to_have_count(0)
    assert not Annotation.objects.exists()
    assert page.errors == []


def test_escape_on_an_untouched_form_closes_it_without_asking(page_for, analyst, workspace):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    seen = DialogAnswers(page, accept=False).seen
    dialog = open_annotate_form(page)
    dialog.get_by_label("Note", exact=True).fill("   ")  # spaces are nothing typed
    page.keyboard.press("Escape")
    expect(page.locator("#reading-dialog")).to_be_hidden()
    assert seen == []


BEFOREUNLOAD_LISTENERS = """
(() => {
  window.beforeunloadListeners = 0;
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    if (this === window && type === "beforeunload") window.beforeunloadListeners += 1;
    return add.call(this, type, ...rest);
  };
  EventTarget.prototype.removeEventListener = function (type, ...rest) {
    if (this === window && type === "beforeunload") window.beforeunloadListeners -= 1;
    return remove.call(this, type, ...rest);
  };
})();
"""


def test_leaving_the_page_over_a_typed_note_asks_first_and_only_then(page_for, analyst, workspace):
    page = page_for(analyst)
    page.add_init_script(BEFOREUNLOAD_LISTENERS)
    open_reading_page(page, SourceFactory(workspace=workspace))
    # Nothing typed: no listener, which would keep the page out of the back-forward cache.
    assert page.evaluate("window.beforeunloadListeners") == 0
    dialog = open_annotate_form(page)
    dialog.get_by_label("Note", exact=True).fill("Half a thought")
    assert page.evaluate("window.beforeunloadListeners") == 1

    seen = DialogAnswers(page, accept=False).seen
    with page.expect_event("dialog"):
        page.close(run_before_unload=True)
    assert [kind for kind, _ in seen] == ["beforeunload"]
    assert not page.is_closed()
    expect(dialog.get_by_label("Note", exact=True)).to_have_value("Half a thought")

    dialog.get_by_role("button", name="Save").click()
    expect(page.locator("#reading-dialog")).to_be_hidden()
    page.wait_for_function("() => window.beforeunloadListeners === 0")  # once the close event is handled
    assert list(Annotation.objects.values_list("body", flat=True)) == ["Half a thought"]
    # Cancel takes the listener away too.
    open_annotate_form(page, "120 a week").get_by_label("Note", exact=True).fill("Another")
    assert page.evaluate("window.beforeunloadListeners") == 1
    page.get_by_role("dialog", name="Annotate").get_by_role("button", name="Cancel").click()
    expect(page.locator("#reading-dialog")).to_be_hidden()
    page.wait_for_function("() => window.beforeunloadListeners === 0")  # once the close event is handled
    page.reload()
    page.wait_for_selector("#reading[data-ready=true]")
    assert [kind for kind, _ in seen] == ["beforeunload"]
    assert page.errors == []


def test_an_edit_in_the_sidebar_is_kept_from_escape_unless_discarded(page_for, analyst, workspace):
    page, [note] = open_with_own_notes(page_for, analyst, workspace, "First thought")
    items = page.locator("#reading-items")
    answers = DialogAnswers(page, accept=False)
    seen = answers.seen
    # Opened and left as it was: Esc gives it up at once, as before.
    items.get_by_role("button", name="Edit").click()
    page.keyboard.press("Escape")
    expect(items.locator(".item-body")).to_have_text("First thought")
    expect(items.get_by_role("button", name="Edit")).to_be_focused()
    assert seen == []

    items.get_by_role("button", name="Edit").click()
    items.get_by_label("Note", exact=True).fill("Second thought")
    page.keyboard.press("Escape")
    assert seen == [("confirm", DISCARD)]
    expect(items.get_by_label("Note", exact=True)).to_have_value("Second thought")
    page.mouse.click(5, 5)  # beside the form
    expect(items.get_by_label("Note", exact=True)).to_have_value("Second thought")
    items.get_by_role("button", name="Save").click()
    expect(items.locator(".item-body")).to_have_text("Second thought")
    note.refresh_from_db()
    assert note.body == "Second thought"

    seen = answers.now(accept=True)
    items.get_by_role("button", name="Edit").click()
    items.get_by_label("Note", exact=True).fill("Third thought")
    page.keyboard.press("Escape")
    assert seen == [("confirm", DISCARD)]
    expect(items.locator(".item-body")).to_have_text("Second thought")
    expect(items.get_by_role("button", name="Edit")).to_be_focused()
    note.refresh_from_db()
    assert note.body == "Second thought"
    assert page.errors == []


def test_an_edit_in_a_highlights_popup_is_kept_from_a_click_beside_it_and_from_escape(
    page_for, analyst, workspace
):
    page, [note] = open_with_own_notes(page_for, analyst, workspace, "First thought")
    highlight = page.locator("#source-text mark[tabindex]").first
    highlight.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#reading-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Edit").click()
    dialog.get_by_label("Note", exact=True).fill("Typed in the popup")
    answers = DialogAnswers(page, accept=False)
    seen = answers.seen
    click_beside_the_dialog(page)
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    assert seen == [("confirm", DISCARD)]
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Note", exact=True)).to_have_value("Typed in the popup")
    expect(dialog.get_by_label("Note", exact=True)).to_be_focused()

    seen = answers.now(accept=True)
    page.keyboard.press("Escape")
    assert seen == [("confirm", DISCARD)]
    expect(dialog).to_be_hidden()
    expect(highlight).to_be_focused()
    note.refresh_from_db()
    assert note.body == "First thought"
    assert page.errors == []


def test_an_edit_to_an_item_deleted_meanwhile_keeps_what_was_typed_to_copy(
    page_for, analyst, ws_admin, workspace
):
    page, [note] = open_with_own_notes(page_for, analyst, workspace, "First thought")
    items = page.locator("#reading-items")
    items.get_by_role("button", name="Edit").click()
    delete_annotation(
        annotation=note, user=ws_admin, reason="duplicate of the note above", expected_version=1
    )
    field = items.get_by_label("Note", exact=True)
    field.fill("Words worth keeping")
    items.get_by_role("button", name="Save").click()

    gone = items.locator(".item-gone")
    expect(gone).to_contain_text("ws-admin deleted this annotation")
    expect(gone).to_contain_text("duplicate of the note above")
    expect(gone).to_contain_text("What you typed was not saved")
    expect(gone).to_be_focused()
    # What was typed is still there, to select and copy, and can no longer be sent.
    expect(field).to_have_value("Words worth keeping")
    expect(field).not_to_be_editable()
    expect(items.get_by_role("button", name="Save")).to_be_disabled()
    field.focus()
    page.keyboard.press("Control+Enter")
    expect(field).to_have_value("Words worth keeping")
    assert not Annotation.objects.filter(pk=note.pk).exists()
    assert "Words worth keeping" not in Annotation.history.values_list("body", flat=True)

    items.get_by_role("button", name="Close").click()
    expect(field).to_have_count(0)
    expect(items.locator(".item-body")).to_have_text("First thought")
    expect(items.get_by_role("button", name="Edit")).to_have_count(0)
    expect(items.locator(".item-gone")).to_be_focused()
    # Chromium logs the refused save as a failed resource; that 410 is the point of the test.
    assert [error for error in page.errors if "410 (Gone)" not in error] == []


def test_deleting_one_of_two_items_in_a_popup_retitles_it(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace)
    passage = PassageFactory(source=source, start=10, length=5)
    for body in ("Keep me", "Delete me"):
        AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, body=body)
    page = page_for(analyst)
    open_reading_page(page, source)
    page.locator("#source-text mark[tabindex]").first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="2 items on this passage", exact=True)).to_be_visible()
    dialog = page.locator("#reading-dialog")
    doomed = dialog.locator("[data-item]", has_text="Delete me")
    doomed.get_by_role("button", name="Delete").click()
    form = dialog.locator(".delete-form")
    form.get_by_label("Reason (kept in the history)").fill("said twice")
    form.get_by_role("button", name="Delete").click()
    expect(page.locator("#reading-status")).to_have_text("Note deleted, its history kept.")
    expect(dialog.locator("[data-item]")).to_have_count(1)
    expect(page.get_by_role("dialog", name="On this passage", exact=True)).to_be_visible()
    assert list(Annotation.objects.values_list("body", flat=True)) == ["Keep me"]
    assert page.errors == []


@pytest.mark.parametrize(
    ("motivation", "said"),
    [
        ("questioning", "Question saved as a draft, highlighted in the text."),
        ("editing", "Error flag saved as a draft, highlighted in the text."),
        ("commenting", "Note saved as a draft, highlighted in the text."),
    ],
)
def test_a_new_item_is_announced_as_its_motivation_names_it(page_for, analyst, workspace, motivation, said):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    dialog = open_annotate_form(page)
    dialog.get_by_label("Note", exact=True).fill("Is this the same pump?")
    dialog.get_by_label("Motivation").select_option(motivation)
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator("#reading-status")).to_have_text(said)
    assert Annotation.objects.get().motivation == motivation
