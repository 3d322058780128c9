"""A text correction that changes words a reviewer approved, in Chromium: the admin is told
the approved evidence goes back to review, and the reviewer sees in the queue how the cited
words changed and approves them again; or a reviewer reverts the correction, and the evidence
is approved again. The database and the history are checked after each step, and axe-core
finds nothing serious or critical on the pages passed through."""

from django.urls import reverse
from playwright.sync_api import expect

from archive.audit.review import approve, submit_for_review
from archive.models import Evidence, HistoryAction, HistoryEntry, ReviewStatus, Source, VersionOrigin
from archive.passages.correction import correct_source_text
from archive.sources.versions import record_version
from tests.browser.accessibility import assert_accessible
from tests.browser.reading import open_reading_page
from tests.factories import ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory
from tests.pages import AFTER, BEFORE, EDITED

FOURTEEN = EDITED.replace("forty", "fourteen")


def entries(evidence: Evidence) -> list[tuple[str, str]]:
    """The evidence's ledger entries, oldest first: (action, who)."""
    found = HistoryEntry.objects.filter(model="evidence", object_id=evidence.pk).order_by("sequence")
    return [(entry.action, getattr(entry.user, "username", "")) for entry in found.select_related("user")]


def approved_evidence(workspace, analyst, reviewer) -> tuple[Source, Evidence]:
    """Evidence a reviewer approved on the words of BEFORE that AFTER changes."""
    source = SourceFactory(workspace=workspace, text="\n".join(BEFORE), title="Daraa after the ceasefire")
    record_version(source=source, user=analyst, origin=VersionOrigin.IMPORT, text=source.text)
    passage = PassageFactory(source=source, start=source.text.index(EDITED), length=len(EDITED))
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="Forty families returned")
    evidence = EvidenceFactory(passage=passage, claim=claim, created_by=analyst)
    return source, approve(submit_for_review(evidence, user=analyst), user=reviewer)


def test_a_correction_sends_approved_evidence_back_and_the_reviewer_approves_it_again(
    page_for, workspace, analyst, reviewer, ws_admin
):
    source, evidence = approved_evidence(workspace, analyst, reviewer)

    # The admin corrects the text, and is told what it does to the approved evidence.
    page = page_for(ws_admin)
    open_reading_page(page, source)
    page.get_by_role("link", name="Correct text").click()
    page.get_by_label("Text:", exact=True).fill("\n".join(AFTER))
    page.get_by_label("Reason for the correction").fill("the council's corrected figure")
    page.get_by_role("button", name="Save the corrected text").click()
    page.wait_for_selector("#reading[data-ready=true]")
    expect(page.locator(".messages")).to_contain_text(
        "1 approved item goes back to review: the words cited changed."
    )
    evidence.refresh_from_db()
    assert evidence.review_status == ReviewStatus.SUBMITTED
    assert entries(evidence)[-1] == (HistoryAction.SUBMITTED, "ws-admin")
    assert page.errors == []

    # The reviewer sees why it is back, and the words before and after, and approves it again.
    page = page_for(reviewer)
    page.goto(reverse("archive:review_queue", args=[workspace.slug]))
    assert_accessible(page, "review queue (a correction's evidence)")
    card = page.locator(f"#queue-evidence-{evidence.pk}")
    expect(card.locator(".submission-note")).to_contain_text("Back to review: the words it cites changed")
    expect(card.locator("blockquote mark.quoted")).to_have_text(FOURTEEN)
    words = card.locator("table.changes tr", has_text="Words cited")
    expect(words.locator("del")).to_have_text("forty")
    expect(words.locator("ins")).to_have_text("fourteen")
    card.get_by_role("button", name="Approve").click()
    expect(page.locator(f"#queue-evidence-{evidence.pk}")).to_have_count(0)
    evidence.refresh_from_db()
    assert evidence.review_status == ReviewStatus.APPROVED
    assert [action for action, _ in entries(evidence)] == [
        HistoryAction.CREATED,
        HistoryAction.SUBMITTED,
        HistoryAction.APPROVED,
        HistoryAction.SUBMITTED,
        HistoryAction.APPROVED,
    ]
    assert page.errors == []


def test_reverting_the_correction_approves_the_evidence_again(
    page_for, workspace, analyst, reviewer, ws_admin
):
    source, evidence = approved_evidence(workspace, analyst, reviewer)
    correct_source_text(
        source=source, user=ws_admin, new_text="\n".join(AFTER), reason="the council's figure"
    )
    evidence.refresh_from_db()
    assert evidence.review_status == ReviewStatus.SUBMITTED

    # A reviewer finds the council meant forty after all, and reverts the source's text.
    page = page_for(reviewer)
    page.goto(reverse("archive:object_history", args=[workspace.slug, "source", source.pk]))
    assert_accessible(page, "a corrected source's history")
    page.get_by_text("Revert to this version").click()
    page.get_by_label("Reason (required)").fill("the council confirmed forty")
    page.get_by_role("button", name="Revert").click()
    expect(page.locator(".messages")).to_contain_text(
        "1 item is approved again: the words cited are those approved."
    )
    evidence.refresh_from_db()
    assert evidence.review_status == ReviewStatus.APPROVED
    assert Evidence.objects.get(pk=evidence.pk).passage.exact == EDITED
    assert entries(evidence)[-2:] == [
        (HistoryAction.SUBMITTED, "ws-admin"),
        (HistoryAction.REVERTED, "reviewer"),
    ]
    assert page.errors == []
