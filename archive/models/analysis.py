from django.conf import settings
from django.db import models

from archive.core.graphemes import shorten
from archive.core.history import tracked_history
from archive.models.base import WorkspaceOwned, note_field
from archive.models.grading import Credibility


class Question(WorkspaceOwned):
    """An Analysis of Competing Hypotheses: a question, the claims that compete
    to answer it, and the evidence rated against each."""

    author_field = "created_by"

    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = tracked_history()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return shorten(self.text, 80)


class Hypothesis(WorkspaceOwned):
    """A claim competing to answer a question (a column of its matrix)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="hypotheses")
    claim = models.ForeignKey("archive.Claim", on_delete=models.PROTECT, related_name="hypotheses")

    history = tracked_history()

    workspace_from = "question"
    same_workspace_as = ("claim",)

    class Meta:
        verbose_name_plural = "hypotheses"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "claim"], name="hypothesis_unique_question_claim")
        ]

    def __str__(self) -> str:
        return str(self.claim)


class EvidenceItem(WorkspaceOwned):
    """A passage weighed in a question (a row of its matrix), with the
    credibility the analysts give it (Admiralty 1-6)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="evidence_items")
    passage = models.ForeignKey("archive.Passage", on_delete=models.PROTECT, related_name="evidence_items")
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices, default=Credibility.CANNOT_BE_JUDGED
    )
    note = note_field()

    history = tracked_history()

    workspace_from = "question"
    same_workspace_as = ("passage",)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "passage"], name="evidence_item_unique_passage"),
            models.CheckConstraint(
                condition=models.Q(credibility__in=Credibility.values), name="evidence_item_credibility_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.passage)


class Consistency(models.TextChoices):
    CONSISTENT = "C", "consistent"
    INCONSISTENT = "I", "inconsistent"
    NEUTRAL = "N", "neutral"
    NOT_APPLICABLE = "NA", "not applicable"


class Rating(WorkspaceOwned):
    """One analyst's rating of an evidence item against a hypothesis (a cell)."""

    author_field = "analyst"

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="ratings")
    hypothesis = models.ForeignKey(Hypothesis, on_delete=models.CASCADE, related_name="ratings")
    analyst = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=2, choices=Consistency.choices)

    history = tracked_history()

    workspace_from = "item"
    same_workspace_as = ("hypothesis",)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "hypothesis", "analyst"], name="rating_unique_cell_analyst"
            ),
            models.CheckConstraint(
                condition=models.Q(value__in=Consistency.values), name="rating_value_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_value_display()}: {self.item} / {self.hypothesis}"
