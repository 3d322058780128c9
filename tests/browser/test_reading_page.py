"""The reading page in Chromium: select, annotate, cite, reload; keyboard; offsets across emoji and RTL."""

import re

import pytest
from playwright.sync_api import expect

from archive.models import Annotation, Evidence, Passage
from tests.browser.accessibility import assert_accessible
from tests.browser.reading import annotate, open_reading_page, open_with_own_notes, select
from tests.factories import AnnotationFactory, ClaimFactory, PassageFactory, SourceFactory

ARABIC_TEXT = "قال مدير المحطة إن المحطة توقفت عن العمل صباح الثلاثاء بعد سقوط ثلاث قذائف على مبنى المضخات."
EMOJI_TEXT = "Witness 😀🇸🇾 and 👩🏽‍⚕️ said: the pump building was hit at dawn."

HIGHLIGHTED_TEXT = """
marks => marks.map(
  (first) => [...document.querySelectorAll(`mark[data-passage='${first.dataset.passage}']`)]
    .map((mark) => mark.textContent).join("")
).join("|")
"""


def highlighted_text(page) -> str:
    """The text of every note highlight, each passage's marks joined up."""
    return page.eval_on_selector_all("#source-text mark.hl-note[id^=passage-]", HIGHLIGHTED_TEXT)


@pytest.mark.parametrize(
    ("text", "language", "direction", "phrase"),
    [
        (None, "en", "ltr", "more than 400 airstrikes"),
        (ARABIC_TEXT, "ar", "rtl", "ثلاث قذائف"),
        (EMOJI_TEXT, "en", "ltr", "pump building"),
    ],
    ids=["left-to-right", "right-to-left", "emoji before the selection"],
)
def test_annotated_selection_is_highlighted_and_still_there_after_reload(
    page_for, analyst, workspace, text, language, direction, phrase
):
    source = SourceFactory(
        workspace=workspace, language=language, direction=direction, **({"text": text} if text else {})
    )
    page = page_for(analyst)
    open_reading_page(page, source)
    annotate(page, phrase, "Check against the original.")
    assert highlighted_text(page) == phrase

    passage = Passage.objects.get()
    assert (passage.exact, passage.start) == (phrase, source.text.index(phrase))
    page.reload()
    page.wait_for_selector("#reading[data-ready=true]")
    assert highlighted_text(page) == phrase
    assert page.locator("#reading-items .item-body").inner_text() == "Check against the original."
    assert page.errors == []


def test_evidence_saved_without_a_claim_marks_the_claim_field_with_the_message(page_for, analyst, workspace):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    select(page, "120 a week")
    page.get_by_role("button", name="Cite as evidence").click()
    page.get_by_role("button", name="Save").click()
    field = page.get_by_role("combobox", name="Claim")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(
        "Choose a claim from the list, or “New claim” to create one."
    )
    assert not Evidence.objects.exists()


def test_selection_cited_as_evidence_for_a_new_claim_is_on_the_claims_page(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace)
    page = page_for(analyst)
    open_reading_page(page, source)
    select(page, "120 a week")
    page.get_by_role("button", name="Cite as evidence").click()
    page.get_by_role("combobox").fill("Airstrikes on Daraa reached 120 a week")
    page.get_by_role("option", name="New claim: “Airstrikes on Daraa reached 120 a week”").click()
    page.get_by_label("refutes").check()
    page.get_by_label("Note", exact=True).fill("The article says 120, but for Aleppo.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#source-text mark.hl-refutes")
    evidence = Evidence.objects.select_related("claim").get()
    assert evidence.claim.statement == "Airstrikes on Daraa reached 120 a week"

    page.get_by_role("link", name="Airstrikes on Daraa reached 120 a week").first.click()
    page.wait_for_url(f"**/claims/{evidence.claim_id}/")
    refuting = page.locator("section.evidence-refutes")
    assert refuting.locator("blockquote a").inner_text() == "120 a week"  # shown in context
    refuting.locator("blockquote a").click()
    page.wait_for_selector(f"#passage-{evidence.passage_id}.flash")
    assert page.errors == []


def test_citing_an_existing_claim_found_by_typing(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace)
    claim = ClaimFactory(workspace=workspace, statement="Aleppo was encircled in 2012")
    page = page_for(analyst)
    open_reading_page(page, source)
    select(page, "completely surrounded")
    page.get_by_role("button", name="Cite as evidence").click()
    page.get_by_role("combobox").fill("encircled")
    page.get_by_role("option", name="Aleppo was encircled in 2012 (credibility 6)").click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#source-text mark.hl-supports")
    assert Evidence.objects.get().claim == claim
    assert page.errors == []


def test_keyboard_tab_to_a_highlight_enter_opens_escape_closes(page_for, analyst, workspace):
    page, [note] = open_with_own_notes(page_for, analyst, workspace, "Keyboard note")
    passage = note.passages.get()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('mark.hl')"):
            break
    assert page.evaluate("document.activeElement.id") == f"passage-{passage.pk}"
    page.keyboard.press("Enter")
    dialog = page.locator("#reading-dialog")
    assert dialog.get_attribute("open") is not None
    assert "Keyboard note" in dialog.inner_text()
    page.keyboard.press("Escape")
    expect(dialog).not_to_have_attribute("open", "")
    # The dialog's close handler, a task after the browser gave the focus back, unmarks the
    # sidebar's item (.active) and focuses where the dialog was opened from: wait for it.
    expect(page.locator("#reading-items .item.active")).to_have_count(0)
    expect(page.locator(f"#passage-{passage.pk}")).to_be_focused()
    assert page.errors == []


def test_deleting_own_annotation_asks_once_and_removes_the_highlight(page_for, analyst, workspace):
    page, _ = open_with_own_notes(page_for, analyst, workspace, "To be deleted")
    page.locator("#reading-items").get_by_role("button", name="Delete").click()
    page.get_by_label("Reason (kept in the history)").fill("wrong passage")
    page.locator("#reading-items").get_by_role("button", name="Delete").click()
    page.wait_for_selector("#no-items:not([hidden])")
    assert page.locator("#source-text mark").count() == 0
    assert not Annotation.objects.exists()
    assert Annotation.history.filter(history_type="-").get().history_change_reason == "wrong passage"
    assert page.errors == []


def test_delete_needs_a_reason_and_escape_gives_up_by_keyboard(page_for, analyst, workspace):
    page, _ = open_with_own_notes(page_for, analyst, workspace, "Keep me")
    items = page.locator("#reading-items")
    items.get_by_role("button", name="Delete").focus()
    page.keyboard.press("Enter")
    reason = page.get_by_label("Reason (kept in the history)")
    assert page.evaluate("document.activeElement.name") == "reason"
    page.keyboard.press("Enter")  # an empty reason: the browser refuses to send the form
    assert reason.evaluate("input => input.validity.valueMissing") is True
    reason.fill("   ")
    page.keyboard.press("Enter")
    assert reason.evaluate("input => input.validity.patternMismatch") is True
    page.keyboard.press("Escape")
    assert items.locator(".item-body").inner_text() == "Keep me"
    assert page.evaluate("document.activeElement.dataset.action") == "delete"
    assert Annotation.objects.count() == 1 and not Annotation.history.filter(history_type="-").exists()
    assert page.errors == []


def test_editing_shows_the_others_version_when_someone_saved_first(page_for, analyst, ws_admin, workspace):
    source = SourceFactory(workspace=workspace)
    annotation = AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(source=source)], author=analyst, body="First words"
    )
    page = page_for(analyst)
    open_reading_page(page, source)
    page.locator("#reading-items").get_by_role("button", name="Edit").click()
    Annotation.objects.filter(pk=annotation.pk).update(body="Admin's words", version=2)
    page.get_by_label("Note", exact=True).fill("My words")
    page.get_by_role("button", name="Save").click()
    conflict = page.locator(".conflict")
    conflict.wait_for()
    assert "Admin's words" in conflict.inner_text()
    assert page.get_by_label("Note", exact=True).input_value() == "My words"
    page.get_by_role("button", name="Save mine over theirs").click()
    # The saved item replaces the editor once the server answers: wait for it.
    expect(page.locator("#reading-items .item-body")).to_have_text("My words")
    annotation.refresh_from_db()
    assert (annotation.body, annotation.version) == ("My words", 3)
    # Chromium logs the refused save as a failed resource; that 412 is the point of the test.
    assert [error for error in page.errors if "412 (Precondition Failed)" not in error] == []


def test_editing_an_approved_note_says_it_goes_back_to_the_reviewers(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace)
    annotation = AnnotationFactory(
        workspace=workspace,
        passages=[PassageFactory(source=source)],
        author=analyst,
        body="First words",
        review_status="approved",
    )
    page = page_for(analyst)
    open_reading_page(page, source)
    page.locator("#reading-items").get_by_role("button", name="Edit").click()
    page.get_by_label("Note", exact=True).fill("Other words")
    page.get_by_role("button", name="Save").click()
    said = "It was approved: it goes back to the reviewers."
    expect(page.locator("#reading-items .item-notice")).to_have_text(said)
    expect(page.locator("#reading-status")).to_have_text(f"Note saved. {said}")
    annotation.refresh_from_db()
    assert (annotation.body, annotation.review_status) == ("Other words", "submitted")
    assert page.errors == []


def conflict_over_tags(page_for, analyst, ws_admin, workspace):
    """The analyst's page after saving a new note text over the admin's new tags and
    motivation, both having opened the editor on the same version; and the annotation."""
    source = SourceFactory(workspace=workspace)
    annotation = AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(source=source)], author=analyst, body="First words"
    )
    mine, theirs = page_for(analyst), page_for(ws_admin)
    for page in (mine, theirs):
        open_reading_page(page, source)
        page.locator("#reading-items").get_by_role("button", name="Edit").click()
    form = theirs.locator("#reading-items .item-form")
    form.get_by_label("Tags").fill("important, verified")
    form.get_by_label("Motivation").select_option("questioning")
    theirs.get_by_role("button", name="Save").click()
    expect(theirs.locator("#reading-items .tags")).to_contain_text("verified")
    mine.get_by_label("Note", exact=True).fill("My words")
    mine.get_by_role("button", name="Save").click()
    mine.locator(".conflict").wait_for()
    return mine, annotation


def test_the_conflict_box_lists_each_field_the_other_person_changed(page_for, analyst, ws_admin, workspace):
    page, _ = conflict_over_tags(page_for, analyst, ws_admin, workspace)
    conflict = page.locator(".conflict")
    expect(conflict).to_contain_text(
        "Not saved: ws-admin changed this while you were editing. Their version:"
    )
    assert conflict.locator("dt").all_inner_texts() == ["Motivation", "Tags"]
    assert conflict.locator("dd").all_inner_texts() == ["Question", "important, verified"]


def test_saving_mine_over_theirs_keeps_the_fields_only_they_changed(page_for, analyst, ws_admin, workspace):
    page, annotation = conflict_over_tags(page_for, analyst, ws_admin, workspace)
    page.get_by_role("button", name="Save mine over theirs").click()
    expect(page.locator("#reading-items .item-body")).to_have_text("My words")
    annotation.refresh_from_db()
    assert (annotation.body, annotation.motivation, annotation.tags) == (
        "My words",
        "questioning",
        ["important", "verified"],
    )
    assert page.locator("#reading-items .tags").inner_text().split() == ["important", "verified"]
    assert [error for error in page.errors if "412 (Precondition Failed)" not in error] == []


BACKGROUND = (
    "(element) => [getComputedStyle(element).backgroundColor, getComputedStyle(element).backgroundImage]"
)


def test_a_passage_can_be_highlighted_without_a_note(page_for, analyst, workspace):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    select(page, "Aleppo")
    page.get_by_role("button", name="Annotate").click()
    page.get_by_role("dialog", name="Annotate").get_by_label("Motivation").select_option("highlighting")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#reading-dialog:not([open])", state="attached")
    assert Annotation.objects.values_list("motivation", "body").get() == ("highlighting", "")
    # Drawn and labelled as a highlight, not as a note: a marker's stroke under the words (a
    # shape, not only a colour), as the legend shows it.
    mark = page.locator("#source-text mark[id^=passage-]")
    expect(mark).to_have_class(re.compile(r"\bhl-highlight\b"))
    expect(page.locator("#reading-items .item-highlight .role")).to_have_text("highlight")
    colour, stroke = mark.evaluate(BACKGROUND)
    assert (colour, stroke.startswith("linear-gradient")) == ("rgba(0, 0, 0, 0)", True)
    assert page.locator(".legend .hl-highlight").evaluate(BACKGROUND) == [colour, stroke]
    assert page.errors == []


def test_offset_conversion_counts_code_points_in_the_browser(page_for, analyst, workspace):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    text = "a😀b\u0301🇸🇾c"
    results = page.evaluate(
        """async (text) => {
          const offsets = await import("/static/archive/js/offsets.js");
          const utf16 = [...Array(text.length + 1).keys()];
          return {
            points: utf16.map((index) => offsets.codePointOffset(text, index)),
            back: [...Array([...text].length + 1).keys()].map((p) => offsets.utf16Offset(text, p)),
            selectors: offsets.selectorsFor(text, 3, 5, 2),
          };
        }""",
        text,
    )
    # UTF-16 units: a=1, 😀=2, b=1, U+0301=1, 🇸=2, 🇾=2, c=1; an index inside a pair counts the pair.
    assert results["points"] == [0, 1, 2, 2, 3, 4, 5, 5, 6, 6, 7]
    assert results["back"] == [0, 1, 3, 4, 5, 7, 9, 10]
    assert results["selectors"][0] == {"type": "TextPositionSelector", "start": 2, "end": 4}
    assert results["selectors"][1] == {
        "type": "TextQuoteSelector",
        "exact": "b\u0301",
        "prefix": "a😀",
        "suffix": "🇸🇾",
    }


DUPLICATE_IDS = """
() => {
  const ids = [...document.querySelectorAll("[id]")].map((element) => element.id);
  return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
}
"""


def test_a_highlights_popup_repeats_no_id_of_the_sidebar(page_for, analyst, workspace):
    page, [note] = open_with_own_notes(page_for, analyst, workspace, "Popup note")
    passage = note.passages.get()
    page.locator(f"#passage-{passage.pk}").click()
    dialog = page.locator("#reading-dialog")
    expect(dialog).to_contain_text("Popup note")
    assert page.evaluate(DUPLICATE_IDS) == []
    # Its reply field is named by its own label.
    dialog.get_by_text("Reply", exact=True).click()
    dialog.get_by_label("Your reply").fill("Seen.")
    expect(dialog.locator("textarea")).to_have_value("Seen.")
    assert_accessible(page, "a highlight's popup")
    assert page.errors == []


@pytest.mark.parametrize("button", ["Annotate", "Cite as evidence"])
def test_cancel_gives_the_focus_back_to_the_button_with_the_text_still_selected(
    page_for, analyst, workspace, button
):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    select(page, "120 a week")
    page.get_by_role("button", name=button).click()
    dialog = page.locator("#reading-dialog")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#selection-tools").get_by_role("button", name=button)).to_be_focused()
    # The browser gives the focus back as the dialog closes; the close handler runs a task later.
    expect(page.locator("#source-text mark")).to_have_count(0)
    assert page.evaluate("getSelection().toString()") == "120 a week"
    assert page.errors == []


def submit_drafts_button(page):
    """What opens the form that submits them all (a disclosure, so that one click sends nothing)."""
    return page.locator("#submit-drafts summary")


def test_annotating_in_place_shows_the_submit_drafts_button_with_its_count(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace)
    page = page_for(analyst)
    open_reading_page(page, source)
    expect(submit_drafts_button(page)).to_be_hidden()
    annotate(page, "120 a week", "Check the week.")
    expect(submit_drafts_button(page)).to_have_accessible_name(
        "Submit all my drafts on this source for review (1)"
    )
    expect(submit_drafts_button(page)).to_be_visible()
    assert page.errors == []


def test_annotating_in_place_counts_the_new_draft_with_those_already_there(page_for, analyst, workspace):
    page, _ = open_with_own_notes(page_for, analyst, workspace, "The first draft")
    expect(submit_drafts_button(page)).to_have_accessible_name(
        "Submit all my drafts on this source for review (1)"
    )
    annotate(page, "completely surrounded", "The second draft")
    expect(submit_drafts_button(page)).to_have_accessible_name(
        "Submit all my drafts on this source for review (2)"
    )
    submit_drafts_button(page).click()
    expect(page.get_by_role("button", name="Submit my drafts (2)")).to_be_visible()
    assert page.errors == []


def test_deleting_the_last_draft_in_place_hides_the_submit_drafts_button(page_for, analyst, workspace):
    page, _ = open_with_own_notes(page_for, analyst, workspace, "To be deleted")
    expect(submit_drafts_button(page)).to_be_visible()
    page.locator("#reading-items").get_by_role("button", name="Delete").click()
    page.get_by_label("Reason (kept in the history)").fill("wrong passage")
    page.locator("#reading-items").get_by_role("button", name="Delete").click()
    page.wait_for_selector("#no-items:not([hidden])")
    expect(submit_drafts_button(page)).to_be_hidden()
    assert page.errors == []


def test_an_admin_deleting_anothers_draft_in_place_leaves_their_own_count(
    page_for, analyst, ws_admin, workspace
):
    source = SourceFactory(workspace=workspace)
    AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(source=source, start=8, length=11)], author=analyst
    )
    AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(source=source, start=40, length=5)], author=ws_admin
    )
    page = page_for(ws_admin)
    open_reading_page(page, source)
    page.locator(f"#reading-items [data-person='{analyst.username}']").get_by_role(
        "button", name="Delete"
    ).click()
    page.get_by_label("Reason (kept in the history)").fill("duplicate")
    page.locator(f"#reading-items [data-person='{analyst.username}']").get_by_role(
        "button", name="Delete"
    ).click()
    expect(page.locator(f"#reading-items [data-person='{analyst.username}']")).to_have_count(0)
    expect(submit_drafts_button(page)).to_have_accessible_name(
        "Submit all my drafts on this source for review (1)"
    )
    assert page.errors == []


def test_each_notes_discussion_is_a_region_named_by_its_note(page_for, analyst, workspace):
    page, notes = open_with_own_notes(page_for, analyst, workspace, "First", "Second")
    for note in notes:
        quote = note.passages.get().exact.strip()
        region = page.locator(f"#reading-items #annotation-{note.pk} section.discussion")
        expect(region).to_have_accessible_name(re.compile(rf"^Discussion\W+{re.escape(quote)}\W*$"))
    assert page.errors == []
