"""Deciding in the review queue and submitting from the reading page, in place, on a phone:
no reload, nothing typed elsewhere lost, the focus where the work goes on, and a refusal
said at its item (with the script and without it)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from archive.audit.review import submit_for_review
from archive.models import Annotation, ReviewStatus
from tests.browser.accessibility import assert_accessible
from tests.browser.reading import open_reading_page, open_with_own_notes
from tests.factories import AnnotationFactory, PassageFactory, SourceFactory

PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True}
HALF_WRITTEN = "The second paragraph says oth"
# Survives only as long as the page is not loaded again.
MARK_PAGE = "() => { window.notReloaded = true; }"
NOT_RELOADED = "() => window.notReloaded === true"


@pytest.fixture
def waiting(workspace, analyst):
    """Two submitted notes of the analyst's, on one source, the first waiting longest."""
    source = SourceFactory(workspace=workspace)
    notes = []
    for place, body in enumerate(("First note", "Second note")):
        note = AnnotationFactory(
            workspace=workspace,
            passages=[PassageFactory(source=source, start=10 * place, length=5)],
            author=analyst,
            body=body,
        )
        submit_for_review(note, user=analyst)
        notes.append(note)
    return notes


def open_queue(page, workspace, *, script: bool = True):
    page.goto(reverse("archive:review_queue", args=[workspace.slug]))
    if script:
        page.wait_for_selector("#review-queue[data-ready=true]")


def item(page, note):
    return page.locator(f"#queue-annotation-{note.pk}")


def test_a_decision_in_place_keeps_a_comment_typed_in_another_item(page_for, reviewer, workspace, waiting):
    first, second = waiting
    page = page_for(reviewer, **PHONE)
    open_queue(page, workspace)
    page.evaluate(MARK_PAGE)
    item(page, second).get_by_label("Comment (required to reject)").fill(HALF_WRITTEN)
    item(page, first).get_by_role("button", name="Approve").tap()

    expect(page.locator("#queue-status")).to_have_text(f"Approved: {Annotation.objects.get(pk=first.pk)}.")
    expect(item(page, first)).to_have_count(0)
    # The count follows, still saying what it counts, now in the singular.
    expect(page.get_by_role("heading", level=1)).to_have_accessible_name("Review queue 1 item waiting")
    expect(page.locator("#review-waiting")).to_have_text("1 waiting")  # the header's too
    expect(item(page, second)).to_have_attribute("aria-label", "annotation 1 of 1")
    expect(item(page, second).get_by_label("Comment (required to reject)")).to_have_value(HALF_WRITTEN)
    assert (
        page.evaluate("document.activeElement.closest('li.queue-item')?.id")
        == f"queue-annotation-{second.pk}"
    )
    assert page.evaluate(NOT_RELOADED)
    first.refresh_from_db()
    assert first.review_status == ReviewStatus.APPROVED
    assert_accessible(page, "review queue (decided in place)")
    assert page.errors == []


def test_a_refused_rejection_is_shown_at_its_item(page_for, reviewer, workspace, waiting):
    _, second = waiting
    page = page_for(reviewer, **PHONE)
    open_queue(page, workspace)
    item(page, second).get_by_role("button", name="Reject").tap()

    error = item(page, second).locator(".form-error")
    expect(error).to_contain_text("Say why it is rejected")
    comment = item(page, second).get_by_label("Comment (required to reject)")
    expect(comment).to_be_focused()
    expect(comment).to_have_attribute("aria-invalid", "true")
    second.refresh_from_db()
    assert second.review_status == ReviewStatus.SUBMITTED
    assert_accessible(page, "review queue (refused at its item)")
    assert [error for error in page.errors if "status of 400" not in error] == []


def test_without_the_script_a_refusal_comes_back_at_its_item(page_for, reviewer, workspace, waiting):
    first, second = waiting
    page = page_for(reviewer, java_script_enabled=False, **PHONE)
    open_queue(page, workspace, script=False)
    with page.expect_navigation():
        item(page, second).get_by_role("button", name="Reject").tap()

    expect(item(page, second).locator(".form-error")).to_contain_text("Say why it is rejected")
    comment = item(page, second).get_by_label("Comment (required to reject)")
    expect(comment).to_be_focused()
    expect(comment).to_be_in_viewport()
    expect(item(page, first).locator(".form-error")).to_be_hidden()


def test_submitting_from_the_reading_page_stays_in_place(page_for, analyst, workspace):
    page, [note] = open_with_own_notes(page_for, analyst, workspace, "A note", **PHONE)
    page.evaluate(MARK_PAGE)
    page.get_by_role("button", name="Annotations and evidence").tap()
    card = page.locator(f"#reading-items #annotation-{note.pk}")
    card.get_by_role("button", name="Submit for review").tap()

    expect(page.locator("#reading-status")).to_have_text("Note submitted for review.")
    expect(card.locator(".meta .status").first).to_have_text("submitted")
    expect(card.get_by_role("button", name="Submit for review")).to_have_count(0)
    assert page.evaluate("document.activeElement.closest('[data-item]')?.id") == f"annotation-{note.pk}"
    assert page.evaluate("document.getElementById('reading-sidebar').classList.contains('open')")
    assert page.evaluate(NOT_RELOADED)
    note.refresh_from_db()
    assert note.review_status == ReviewStatus.SUBMITTED
    assert_accessible(page, "reading page (submitted in place)")
    assert page.errors == []


def test_a_highlight_submitted_from_the_reading_page_is_announced_as_a_highlight(
    page_for, analyst, workspace
):
    source = SourceFactory(workspace=workspace)
    highlight = AnnotationFactory(
        workspace=workspace,
        passages=[PassageFactory(source=source, start=8, length=11)],
        author=analyst,
        highlight=True,
    )
    page = page_for(analyst)
    open_reading_page(page, source)
    page.locator(f"#reading-items #annotation-{highlight.pk}").get_by_role(
        "button", name="Submit for review"
    ).click()
    expect(page.locator("#reading-status")).to_have_text("Highlight submitted for review.")
    highlight.refresh_from_db()
    assert highlight.review_status == ReviewStatus.SUBMITTED


def test_submitting_from_a_highlights_popup_keeps_the_popup(page_for, analyst, workspace):
    page, [note] = open_with_own_notes(page_for, analyst, workspace, "A note", **PHONE)
    page.locator("#source-text mark[tabindex]").first.tap()
    dialog = page.locator("#reading-dialog")
    dialog.get_by_role("button", name="Submit for review").tap()

    expect(page.locator("#reading-status")).to_have_text("Note submitted for review.")
    expect(dialog.locator(".meta .status").first).to_have_text("submitted")
    assert page.evaluate("document.getElementById('reading-dialog').contains(document.activeElement)")
    note.refresh_from_db()
    assert note.review_status == ReviewStatus.SUBMITTED
    assert page.errors == []


def test_without_the_script_submitting_lands_at_the_card(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace)
    note = AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(source=source, start=8, length=11)], author=analyst
    )
    page = page_for(analyst, java_script_enabled=False, **PHONE)
    page.goto(reverse("archive:source", args=[workspace.slug, source.pk]))
    card = page.locator(f"#reading-items #annotation-{note.pk}")
    with page.expect_navigation():
        card.get_by_role("button", name="Submit for review").tap()

    assert page.url.endswith(f"#annotation-{note.pk}")
    expect(card.locator(".meta .status").first).to_have_text("submitted")
    expect(card).to_be_in_viewport()


def delete_first_highlight_in_its_popup(page):
    """On the reading page, tap the first highlight and delete the note in the popup, giving a
    reason; the popup's locator."""
    page.locator("#source-text mark[tabindex]").first.tap()
    dialog = page.locator("#reading-dialog")
    dialog.get_by_role("button", name="Delete").tap()
    dialog.get_by_label("Reason (kept in the history)").fill("not needed")
    dialog.get_by_role("button", name="Delete").tap()
    return dialog


def test_deleting_in_a_highlights_popup_moves_the_focus_to_the_next_highlight(page_for, analyst, workspace):
    page, notes = open_with_own_notes(page_for, analyst, workspace, "Wrong", "Right", **PHONE)
    dialog = delete_first_highlight_in_its_popup(page)

    expect(page.locator("#reading-status")).to_have_text("Note deleted, its history kept.")
    assert dialog.get_attribute("open") is None
    remaining = notes[1].passages.get()
    assert page.evaluate("document.activeElement.dataset.passage") == str(remaining.pk)
    assert list(Annotation.objects.values_list("body", flat=True)) == ["Right"]
    assert page.errors == []


def test_deleting_the_last_highlight_in_a_popup_on_a_phone_focuses_the_panel_button(
    page_for, analyst, workspace
):
    page, _ = open_with_own_notes(page_for, analyst, workspace, "A note", **PHONE)
    delete_first_highlight_in_its_popup(page)

    expect(page.locator("#reading-status")).to_have_text("Note deleted, its history kept.")
    expect(page.get_by_role("button", name="Annotations and evidence")).to_be_focused()
    assert not Annotation.objects.exists()
    assert page.errors == []


def test_a_decision_on_an_item_whose_name_ends_a_sentence_is_said_with_one_full_stop(
    page_for, reviewer, workspace, analyst
):
    source = SourceFactory(workspace=workspace)
    note = AnnotationFactory(
        workspace=workspace,
        passages=[PassageFactory(source=source, start=0, length=5)],
        author=analyst,
        body="The station is out of service.",
    )
    submit_for_review(note, user=analyst)
    page = page_for(reviewer)
    open_queue(page, workspace)
    item(page, note).get_by_role("button", name="Approve").click()
    said = page.locator("#queue-status")
    expect(said).to_have_text(re.compile(r"^Approved: .*[^.]\.$"))
