"""Approved evidence and annotations go back to the reviewers when the words they
cite change under them: a reviewer approved them on those words. A text correction,
a recapture and an analyst selecting a passage anew all change words; the queue
card then shows how."""

from dataclasses import dataclass

import pytest

from archive.audit.ledger import verify_workspace
from archive.audit.review import approve, reject, review_queue, submit_for_review
from archive.claims import edit_annotation, edit_evidence
from archive.models import (
    Annotation,
    Evidence,
    HistoryAction,
    HistoryEntry,
    Passage,
    ReviewStatus,
    Source,
    VersionOrigin,
)
from archive.monitoring.recapture import recapture
from archive.passages.confirming import accept_anchor, reselect_passage
from archive.passages.correction import (
    ReanchorReport,
    correct_source_text,
    revert_source_text,
    said_corrected,
)
from archive.sources.versions import record_version
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory
from tests.pages import AFTER, BEFORE, DELETED, EDITED, FILLER, KEPT, article, capture_source


@dataclass
class Approved:
    source: Source
    edited: Evidence
    kept: Evidence
    deleted: Evidence
    note: Annotation


def approved(item, *, analyst, reviewer):
    return approve(submit_for_review(item, user=analyst), user=reviewer)


def approved_on(source: Source, *, analyst, reviewer) -> Approved:
    """Evidence approved on three passages of `source` (which AFTER edits, keeps and
    deletes), and a note approved on the edited one."""

    def cite(quote: str) -> Evidence:
        passage = PassageFactory(
            source=source, workspace=source.workspace, start=source.text.index(quote), length=len(quote)
        )
        claim = ClaimFactory(workspace=source.workspace, created_by=analyst, statement=f"About: {quote[:30]}")
        evidence = EvidenceFactory(passage=passage, claim=claim, created_by=analyst)
        return approved(evidence, analyst=analyst, reviewer=reviewer)

    edited, kept, deleted = cite(EDITED), cite(KEPT), cite(DELETED)
    note = AnnotationFactory(
        workspace=source.workspace, author=analyst, passages=[edited.passage], body="Forty?"
    )
    return Approved(source, edited, kept, deleted, approved(note, analyst=analyst, reviewer=reviewer))


@pytest.fixture
def world(workspace, analyst, reviewer) -> Approved:
    source = SourceFactory(workspace=workspace, text="\n".join(BEFORE), title="Daraa after the ceasefire")
    record_version(source=source, user=analyst, origin=VersionOrigin.IMPORT, text=source.text)
    return approved_on(source, analyst=analyst, reviewer=reviewer)


def corrected(world: Approved, user) -> ReanchorReport:
    return correct_source_text(
        source=world.source, user=user, new_text="\n".join(AFTER), reason="the editor's version"
    )


def undone(world: Approved, user) -> ReanchorReport:
    return revert_source_text(
        source=world.source, user=user, text="\n".join(BEFORE), reason="the editor's version was wrong"
    )


def status(item) -> str:
    return type(item).objects.get(pk=item.pk).review_status


def latest_entry(item) -> HistoryEntry:
    return HistoryEntry.objects.filter(model=type(item).__name__.lower(), object_id=item.pk).latest(
        "sequence"
    )


def test_a_correction_sends_evidence_on_changed_words_back_to_review(world, ws_admin):
    corrected(world, ws_admin)
    assert status(world.edited) == ReviewStatus.SUBMITTED
    entry = latest_entry(world.edited)
    assert (entry.action, entry.user) == (HistoryAction.SUBMITTED, ws_admin)
    row = Evidence.history.filter(id=world.edited.pk).latest("history_id")
    assert row.history_change_reason == (
        "Back to review: the words it cites changed (re-anchored after text correction: the editor's version)"
    )


def test_a_correction_says_how_many_approved_items_went_back_to_review(world, ws_admin):
    report = corrected(world, ws_admin)
    assert report.reviews.back == 3  # the evidence on the edited and deleted words, and the note
    assert said_corrected(report).endswith("3 approved items go back to review: the words cited changed.")


def test_a_correction_leaves_evidence_whose_words_only_moved_approved(world, ws_admin):
    corrected(world, ws_admin)
    assert status(world.kept) == ReviewStatus.APPROVED


def test_evidence_whose_words_left_the_text_goes_back_saying_so(world, ws_admin):
    corrected(world, ws_admin)
    assert status(world.deleted) == ReviewStatus.SUBMITTED
    row = Evidence.history.filter(id=world.deleted.pk).latest("history_id")
    assert row.history_change_reason.startswith("Back to review: the words it cites left the text (")


def test_an_approved_note_on_changed_words_goes_back_to_review(world, ws_admin):
    corrected(world, ws_admin)
    assert status(world.note) == ReviewStatus.SUBMITTED
    row = Annotation.history.filter(id=world.note.pk).latest("history_id")
    assert row.history_change_reason.startswith("Back to review: the words it annotates changed (")


def test_items_sent_back_keep_a_verifiable_ledger(world, ws_admin, workspace):
    corrected(world, ws_admin)
    assert verify_workspace(workspace.pk).ok


def test_the_queue_card_shows_how_the_cited_words_changed(world, ws_admin, workspace):
    corrected(world, ws_admin)
    items = {(item.kind, item.obj.pk): item for item in review_queue(workspace=workspace)}
    card = items["evidence", world.edited.pk]
    (change,) = card.changes_since_approved
    now = Passage.objects.get(pk=world.edited.passage_id).exact
    assert (change.label, change.before, change.after) == ("Words cited", EDITED, now)
    changed = [(segment.op, segment.text.strip()) for segment in change.words if segment.op != "equal"]
    assert changed[:2] == [("delete", "forty"), ("insert", "fourteen")]
    assert "Back to review" in card.submission_note


def test_the_queue_card_says_when_the_cited_words_left_the_text(world, ws_admin, workspace):
    corrected(world, ws_admin)
    items = {(item.kind, item.obj.pk): item for item in review_queue(workspace=workspace)}
    (change,) = items["evidence", world.deleted.pk].changes_since_approved
    assert (change.before, change.after) == (DELETED, "(no longer in the source's text)")


def test_selecting_a_passage_anew_sends_evidence_on_it_back_to_review(world, ws_admin, analyst):
    corrected(world, ws_admin)
    moved = world.kept.passage
    moved.refresh_from_db()
    text = "\n".join(AFTER)
    start = text.index(FILLER[2])
    reselect_passage(
        passage=moved,
        user=analyst,
        start=start,
        end=start + len(FILLER[2]),
        expected_version=moved.version,
        reason="the right sentence",
    )
    assert status(world.kept) == ReviewStatus.SUBMITTED


def test_accepting_where_a_passage_moved_leaves_evidence_on_it_approved(world, ws_admin, analyst):
    corrected(world, ws_admin)
    moved = world.kept.passage
    moved.refresh_from_db()
    accept_anchor(passage=moved, user=analyst, expected_version=moved.version)
    assert status(world.kept) == ReviewStatus.APPROVED


def test_a_recapture_that_changes_the_cited_words_sends_the_evidence_back(
    live_site, workspace, analyst, reviewer, ws_admin
):
    url = live_site.serve("/daraa", article(BEFORE))
    source = capture_source(url, workspace=workspace, user=analyst)
    world = approved_on(source, analyst=analyst, reviewer=reviewer)
    live_site.serve("/daraa", article(AFTER))
    recapture(source_id=source.pk)
    assert (status(world.edited), status(world.kept)) == (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)


def test_undoing_the_correction_approves_again_what_it_sent_back(world, ws_admin):
    corrected(world, ws_admin)
    undone(world, ws_admin)
    assert {status(item) for item in (world.edited, world.deleted, world.note)} == {ReviewStatus.APPROVED}
    entry = latest_entry(world.edited)
    assert (entry.action, entry.user) == (HistoryAction.REVERTED, ws_admin)
    assert entry.reason.startswith("Approved again: it cites the words approved in version ")


def test_undoing_the_correction_says_how_many_items_are_approved_again(world, ws_admin):
    corrected(world, ws_admin)
    report = undone(world, ws_admin)
    assert (report.reviews.back, report.reviews.again) == (0, 3)
    assert said_corrected(report).endswith("3 items are approved again: the words cited are those approved.")


def test_undoing_the_correction_leaves_a_note_edited_meanwhile_to_the_reviewers(world, ws_admin, analyst):
    corrected(world, ws_admin)
    note = Annotation.objects.get(pk=world.note.pk)
    edit_annotation(note, user=analyst, expected_version=note.version, changes={"body": "Fourteen?"})
    undone(world, ws_admin)
    assert (status(world.note), status(world.edited)) == (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)


def test_undoing_the_correction_leaves_a_rejection_since_standing(world, ws_admin, analyst, reviewer):
    corrected(world, ws_admin)
    rejected = reject(Evidence.objects.get(pk=world.edited.pk), user=reviewer, comment="Which figure?")
    submit_for_review(rejected, user=analyst)  # unchanged, as it was rejected
    undone(world, ws_admin)
    assert status(world.edited) == ReviewStatus.SUBMITTED


def test_items_approved_again_keep_a_verifiable_ledger(world, ws_admin, workspace):
    corrected(world, ws_admin)
    undone(world, ws_admin)
    assert verify_workspace(workspace.pk).ok


def test_the_queue_card_leaves_out_cited_words_that_only_moved(world, ws_admin, analyst, workspace):
    corrected(world, ws_admin)
    kept = Evidence.objects.get(pk=world.kept.pk)
    assert Passage.objects.get(pk=kept.passage_id).anchor_status != "exact"  # moved, same words
    edit_evidence(kept, user=analyst, expected_version=kept.version, changes={"note": "Still holds."})
    items = {(item.kind, item.obj.pk): item for item in review_queue(workspace=workspace)}
    assert [change.name for change in items["evidence", kept.pk].changes_since_approved] == ["note"]
