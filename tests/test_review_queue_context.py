"""What a reviewer sees in the queue: the passage in context, its source and outlet
grade, the claim and stance, author and version, what changed since the last
approval, a link to the highlight; and the queue's filters."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.audit.review import QueueFilters, approve, reject, review_queue, submit_for_review
from archive.claims import edit_item
from archive.models import Annotation, Evidence, Outlet, ReviewStatus
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory


@pytest.fixture
def outlet(workspace):
    return Outlet.objects.create(workspace=workspace, name="Enab Baladi", reliability="B")


@pytest.fixture
def article(workspace, outlet, corpus_text):
    return SourceFactory(
        workspace=workspace, outlet=outlet, title="Baladi: Aleppo and Daraa", text=corpus_text
    )


@pytest.fixture
def passage(article, analyst):
    return PassageFactory(
        source=article, workspace=article.workspace, start=200, length=40, created_by=analyst
    )


@pytest.fixture
def note(passage, analyst):
    note = AnnotationFactory(
        workspace=passage.workspace, author=analyst, passages=[passage], body="First take."
    )
    return submit_for_review(note, user=analyst)


@pytest.fixture
def cited(passage, analyst):
    claim = ClaimFactory(
        workspace=passage.workspace, created_by=analyst, statement="Shelling resumed in Daraa."
    )
    evidence = EvidenceFactory(passage=passage, claim=claim, created_by=analyst, stance="refutes")
    return submit_for_review(evidence, user=analyst)


def test_queue_shows_each_item_in_context(client, reviewer, workspace, note, cited, passage, article):
    client.force_login(reviewer)
    response = client.get(reverse("archive:review_queue", args=[workspace.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(f'<mark class="quoted">{passage.exact}</mark>') == 2
    assert passage.prefix[-20:] in html and passage.suffix[:20] in html
    highlight = reverse("archive:source", args=[workspace.slug, article.pk]) + f"#passage-{passage.pk}"
    assert html.count(f'href="{highlight}"') == 2
    assert "Enab Baladi" in html and 'title="Outlet reliability: ' in html
    assert "Shelling resumed in Daraa." in html and "role-refutes" in html
    assert "by <bdi>analyst</bdi>" in html and "version 2" in html
    assert "Never approved before" in html
    assert "review-queue.js" in html


def test_queue_shows_what_changed_since_the_last_approval(client, analyst, reviewer, workspace, note):
    approved = approve(note, user=reviewer)
    edited = edit_item(
        approved,
        user=analyst,
        expected_version=approved.version,
        changes={"body": "First take, with the date."},
    )
    assert edited.review_status == "submitted"  # editing an approved item sends it back
    (item,) = review_queue(workspace=workspace)
    assert item.last_approved_version == approved.version
    (change,) = item.changes_since_approved
    assert change.name == "body"
    assert [segment.op for segment in change.words if segment.op != "equal"] == ["insert"]
    client.force_login(reviewer)
    html = client.get(reverse("archive:review_queue", args=[workspace.slug])).content.decode()
    assert f"Changed since version {approved.version}, the last one approved" in html
    assert "<ins>" in html


def test_queue_shows_an_earlier_rejection_and_what_changed_since(client, analyst, reviewer, workspace, note):
    rejected = reject(note, user=reviewer, comment="Which date?")
    edited = edit_item(
        rejected, user=analyst, expected_version=rejected.version, changes={"body": "First take, 3 May."}
    )
    submit_for_review(edited, user=analyst)
    (item,) = review_queue(workspace=workspace)
    assert (item.rejected_before.by, item.rejected_before.comment) == (reviewer, "Which date?")
    assert item.rejected_version == rejected.version
    (change,) = item.changes_since_rejected
    assert change.name == "body"
    client.force_login(reviewer)
    html = client.get(reverse("archive:review_queue", args=[workspace.slug])).content.decode()
    assert f"Rejected before, at version {rejected.version}, by <bdi>reviewer</bdi>" in html
    assert '<strong>Their comment:</strong> <span dir="auto">Which date?</span>' in html


def test_queue_forgets_a_rejection_once_a_later_decision_approved(analyst, reviewer, workspace, note):
    rejected = reject(note, user=reviewer, comment="Which date?")
    resubmitted = submit_for_review(rejected, user=analyst)
    approved = approve(resubmitted, user=reviewer)
    edit_item(approved, user=analyst, expected_version=approved.version, changes={"body": "Later."})
    (item,) = review_queue(workspace=workspace)
    assert item.rejected_before is None
    assert item.last_approved_version == approved.version


def test_queue_filters(client, reviewer, ws_admin, workspace, note, cited, analyst):
    other_source = SourceFactory(workspace=workspace)
    mine = AnnotationFactory(
        workspace=workspace,
        author=ws_admin,
        passages=[PassageFactory(source=other_source, workspace=workspace)],
    )
    submit_for_review(mine, user=ws_admin)

    def pks(**filters):
        return [
            (item.kind, item.obj.pk)
            for item in review_queue(workspace=workspace, filters=QueueFilters(**filters))
        ]

    assert pks(kind="evidence") == [("evidence", cited.pk)]
    assert pks(author_id=ws_admin.pk) == [("annotation", mine.pk)]
    assert set(pks(source_id=other_source.pk)) == {("annotation", mine.pk)}
    assert pks(waiting_at_least=timedelta(days=1)) == []
    # It waits since its submission: the history row where it became submitted.
    Annotation.history.filter(id=note.pk, review_status=ReviewStatus.SUBMITTED).update(
        history_date=timezone.now() - timedelta(days=2)
    )
    assert pks(waiting_at_least=timedelta(days=1)) == [("annotation", note.pk)]

    client.force_login(reviewer)
    url = reverse("archive:review_queue", args=[workspace.slug])
    html = client.get(url, {"kind": "evidence", "waiting": "", "author": analyst.pk}).content.decode()
    assert f"queue-evidence-{cited.pk}" in html and f"queue-annotation-{note.pk}" not in html
    assert "Nothing waiting matches" in client.get(url, {"waiting": "7d"}).content.decode()
    unknown = client.get(url, {"kind": "passage"})  # an unknown kind: refused, and the form says why
    assert unknown.status_code == 400 and 'aria-invalid="true"' in unknown.content.decode()


def test_claim_page_shows_evidence_in_context(client, analyst, cited, passage):
    client.force_login(analyst)
    claim = cited.claim
    html = client.get(reverse("archive:claim", args=[claim.workspace.slug, claim.pk])).content.decode()
    assert '<blockquote class="in-context"' in html
    assert passage.prefix[-20:] in html and passage.suffix[:20] in html
    assert Evidence.objects.get(pk=cited.pk).review_status == "submitted"


def test_queue_shows_how_much_evidence_of_each_stance_a_claim_has(
    client, reviewer, analyst, workspace, passage
):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="Daraa was shelled.")
    for start, stance in ((0, "supports"), (100, "supports"), (300, "refutes")):
        cited = PassageFactory(source=passage.source, workspace=workspace, start=start, length=30)
        EvidenceFactory(passage=cited, claim=claim, created_by=analyst, stance=stance)
    submit_for_review(claim, user=analyst)
    [item] = review_queue(workspace=workspace)
    assert item.evidence == [("supports", 2), ("refutes", 1), ("gives context to", 0)]
    client.force_login(reviewer)
    html = client.get(reverse("archive:review_queue", args=[workspace.slug])).content.decode()
    assert (
        "evidence: "
        + ", ".join(f'<span class="evidence-count">{label} {count}</span>' for label, count in item.evidence)
        in html
    )
    assert html.count("Daraa was shelled.") == 1  # named once, by the link to its history


def test_source_filter_finds_a_submitted_claim_by_its_draft_evidences_source(
    client, reviewer, analyst, workspace
):
    source = SourceFactory(workspace=workspace)
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="Shelling resumed in Daraa.")
    passage = PassageFactory(source=source, workspace=workspace, created_by=analyst)
    EvidenceFactory(passage=passage, claim=claim, created_by=analyst)  # still a draft
    submit_for_review(claim, user=analyst)
    client.force_login(reviewer)
    url = reverse("archive:review_queue", args=[workspace.slug])
    html = client.get(url, {"kind": "claim", "source": source.pk}).content.decode()
    assert "Select a valid choice" not in html
    assert f'id="queue-claim-{claim.pk}"' in html


def test_queue_shows_the_note_the_author_submitted_with(client, analyst, reviewer, workspace, passage):
    note = AnnotationFactory(workspace=workspace, author=analyst, passages=[passage], body="Second take.")
    submit_for_review(note, user=analyst, reason="Is the date in the passage right?")
    client.force_login(reviewer)
    response = client.get(reverse("archive:review_queue", args=[workspace.slug]))
    assert "Is the date in the passage right?" in response.content.decode()


def test_queue_leaves_out_a_note_from_a_submission_already_decided(analyst, reviewer, workspace, passage):
    note = AnnotationFactory(workspace=workspace, author=analyst, passages=[passage], body="Third take.")
    note = submit_for_review(note, user=analyst, reason="Is the date right?")
    note = reject(note, user=reviewer, comment="Check it yourself.")
    submit_for_review(note, user=analyst)
    [item] = review_queue(workspace=workspace)
    assert item.submission_note == ""


def test_claim_page_shows_the_reviewer_the_note_submitted_with(client, analyst, reviewer, workspace):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="The bakery reopened.")
    submit_for_review(claim, user=analyst, reason="Only one source so far.")
    client.force_login(reviewer)
    response = client.get(reverse("archive:claim", args=[workspace.slug, claim.pk]))
    assert "Only one source so far." in response.content.decode()


def test_queue_marks_no_text_left_out_around_a_passage_that_nearly_fills_its_source(
    client, analyst, reviewer, workspace
):
    short = SourceFactory(workspace=workspace, text="Daraa, Monday. The station stopped. More soon.")
    passage = PassageFactory(source=short, workspace=workspace, start=15, length=20)
    note = AnnotationFactory(workspace=workspace, author=analyst, passages=[passage], body="Which station?")
    submit_for_review(note, user=analyst)
    client.force_login(reviewer)
    html = client.get(reverse("archive:review_queue", args=[workspace.slug])).content.decode()
    assert (
        '<span class="context">Daraa, Monday. </span><mark class="quoted">The station stopped.</mark>'
        '<span class="context"> More soon.</span>'
    ) in html
