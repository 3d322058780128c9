"""Restoring a deleted object brings back what its deletion took with it, and only that."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from archive.audit.ledger import verify_workspace
from archive.core.editing import delete_object
from archive.findings import ach
from archive.models import EvidenceItem, Hypothesis, Question, Rating
from tests.support import reverted


@pytest.fixture
def question(db) -> Question:
    call_command("load_demo", stdout=io.StringIO())
    return Question.objects.get()


def user(name: str):
    return get_user_model().objects.get(username=name)


def restored(obj):
    deletion = type(obj).history.filter(id=obj.pk).latest("history_id")
    return reverted(
        obj, history_id=deletion.history_id, user=user("demo-reviewer"), reason="deleted by mistake"
    )


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
