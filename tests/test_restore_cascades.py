"""Restoring a deleted object brings back what its deletion took with it, and only that."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from archive.audit.ledger import verify_workspace
from archive.claims import add_evidence, create_claim, delete_claim, reply
from archive.claims.annotations import create_annotation, delete_annotation
from archive.core.editing import delete_object
from archive.findings import ach
from archive.models import Annotation, Claim, Discussion, EvidenceItem, Hypothesis, Question, Rating, Reply
from archive.passages.writes import create_passage
from tests.factories import PassageFactory
from tests.support import reverted


@pytest.fixture
def question(db) -> Question:
    call_command("load_demo", stdout=io.StringIO())
    return Question.objects.get()


def user(name: str):
    return get_user_model().objects.get(username=name)


def restored(obj, by: str = "demo-reviewer"):
    deletion = type(obj).history.filter(id=obj.pk).latest("history_id")
    return reverted(obj, history_id=deletion.history_id, user=user(by), reason="deleted by mistake")


def analysis(question: Question) -> tuple[list[int], list[int], list[int]]:
    return (
        sorted(Hypothesis.objects.filter(question=question).values_list("pk", flat=True)),
        sorted(EvidenceItem.objects.filter(question=question).values_list("pk", flat=True)),
        sorted(Rating.objects.filter(item__question=question).values_list("pk", flat=True)),
    )


def test_restoring_a_deleted_question_brings_back_its_whole_analysis(question):
    before = analysis(question)
    ach.delete_question(question=question, user=user("demo-analyst"), reason="started over")
    outcome = restored(question)
    assert analysis(Question.objects.get(pk=question.pk)) == before
    assert all(before) and len(outcome.notes) == sum(map(len, before))
    assert verify_workspace(question.workspace_id).ok


def test_restoring_a_hypothesis_taken_out_brings_back_its_ratings(question):
    hypothesis = Hypothesis.objects.filter(question=question).order_by("pk").first()
    ratings = sorted(hypothesis.ratings.values_list("pk", flat=True))
    ach.take_out(hypothesis, user=user("demo-analyst"), reason="not a real alternative")
    restored(hypothesis)
    assert sorted(Rating.objects.filter(hypothesis_id=hypothesis.pk).values_list("pk", flat=True)) == ratings
    assert ratings


def test_restoring_a_hypothesis_leaves_a_rating_withdrawn_on_purpose_before(question):
    hypothesis = Hypothesis.objects.filter(question=question).order_by("pk").first()
    withdrawn = hypothesis.ratings.order_by("pk").first()
    delete_object(withdrawn, user=user("demo-analyst"), reason="rated the wrong cell")
    ach.take_out(hypothesis, user=user("demo-analyst"), reason="not a real alternative")
    restored(hypothesis)
    assert not Rating.objects.filter(pk=withdrawn.pk).exists()
    assert Rating.objects.filter(hypothesis_id=hypothesis.pk).exists()


# --- Discussions: the thread goes and comes back with what it discusses -----------


@pytest.fixture
def discussed_claim(workspace, analyst, reviewer, source) -> Claim:
    """A claim with evidence and a thread of two members' replies, then deleted; its
    ledger holds the replies before the claim and the discussion after it."""
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    add_evidence(claim=claim, passage=PassageFactory(source=source), user=analyst, stance="supports")
    reply(item=claim, user=analyst, body="Which week?")
    reply(item=claim, user=reviewer, body="The second of March.")
    delete_claim(claim=Claim.objects.get(pk=claim.pk), user=analyst, reason="Merging into another claim")
    return claim


def thread(**target) -> list[tuple[str, str]]:
    return [
        (each.body, each.author.username)
        for each in Reply.objects.filter(**{f"discussion__{k}": v for k, v in target.items()}).order_by("pk")
    ]


def test_restoring_a_deleted_claim_brings_back_its_discussion_and_replies(discussed_claim):
    restored(discussed_claim, by="reviewer")
    assert Discussion.objects.filter(claim_id=discussed_claim.pk).exists()
    assert thread(claim_id=discussed_claim.pk) == [
        ("Which week?", "analyst"),
        ("The second of March.", "reviewer"),
    ]
    assert verify_workspace(discussed_claim.workspace_id).ok


def test_a_restored_claims_page_shows_its_thread(client, workspace, discussed_claim, reviewer):
    restored(discussed_claim, by="reviewer")
    client.force_login(reviewer)
    page = client.get(reverse("archive:claim", args=[workspace.slug, discussed_claim.pk])).content.decode()
    assert "Which week?" in page and "The second of March." in page


def test_restoring_a_deleted_note_brings_back_its_thread(workspace, analyst, reviewer, source):
    passage = create_passage(source=source, user=analyst, start=0, end=8)
    note = create_annotation(passages=[passage], user=analyst, body="Check the date.")
    reply(item=note, user=reviewer, body="The ministry gives another one.")
    delete_annotation(annotation=Annotation.objects.get(pk=note.pk), user=analyst, reason="Wrong passage")
    restored(note, by="reviewer")
    assert thread(annotation_id=note.pk) == [("The ministry gives another one.", "reviewer")]
    assert verify_workspace(workspace.pk).ok
