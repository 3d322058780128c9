"""Analysis of Competing Hypotheses (Heuer): a question, the claims that compete
to answer it (hypotheses, the matrix's columns), the passages weighed (evidence
items, its rows), and each analyst's rating of every cell: consistent,
inconsistent, neutral or not applicable.

The scores, computed from those definitions (as Open Synthesis does, in our
own code):

- A rating counts +1 (consistent), 0 (neutral) or -1 (inconsistent); "not
  applicable" does not count. A cell's mean is the mean of its analysts'
  counted ratings.
- **Diagnosticity** of an evidence item: the spread of its cell means across
  the hypotheses (largest minus smallest, 0 to 2). 0: it fits every
  hypothesis alike and tells them apart not at all.
- **Inconsistency** of a hypothesis: the sum, over evidence items, of the share
  of the cell's counted ratings that say inconsistent, times the item's
  weight. Heuer's rule: prefer the hypothesis with the least evidence against
  it, so hypotheses are listed by inconsistency, lowest first.
- **Weight** of an item: 1, or with weighting on, the product of its outlet's
  reliability weight and its credibility weight (RELIABILITY_WEIGHT,
  CREDIBILITY_WEIGHT: grade A or 1 counts fully, "cannot be judged" half).
- **Disagreement**: a cell whose analysts did not all give the same rating.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Value
from django.db.models.functions import Lower, Trim

from archive.claims import create_claim
from archive.core.editing import create_object, delete_object, update_object
from archive.core.unit_of_work import unit_of_work
from archive.models import (
    Claim,
    Consistency,
    EvidenceItem,
    Hypothesis,
    Passage,
    Question,
    Rating,
    Workspace,
)
from archive.models.grading import Credibility, Reliability
from archive.permissions import Action, can, role_in

Removable = TypeVar("Removable", bound=Hypothesis | EvidenceItem)

SCORE = {Consistency.CONSISTENT: 1, Consistency.NEUTRAL: 0, Consistency.INCONSISTENT: -1}
RELIABILITY_WEIGHT = {
    Reliability.A: 1.0,
    Reliability.B: 0.85,
    Reliability.C: 0.7,
    Reliability.D: 0.55,
    Reliability.E: 0.4,
    Reliability.F: 0.5,
}
CREDIBILITY_WEIGHT = {
    Credibility.CONFIRMED: 1.0,
    Credibility.PROBABLY_TRUE: 0.85,
    Credibility.POSSIBLY_TRUE: 0.7,
    Credibility.DOUBTFUL: 0.55,
    Credibility.IMPROBABLE: 0.4,
    Credibility.CANNOT_BE_JUDGED: 0.5,
}


# --- writes ---------------------------------------------------------------------


def create_question(*, workspace: Workspace, user: Any, text: str) -> Question:
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": "A question needs its text."})
    return create_object(Question(workspace=workspace, text=text.strip(), created_by=user), user=user)


@unit_of_work()
def add_hypothesis(
    *, question: Question, user: Any, claim: Claim | None = None, statement: str = ""
) -> Hypothesis:
    """A competing hypothesis: an existing claim of the workspace, or a new one. A new
    statement that an existing claim already makes (ignoring case and surrounding
    blanks) is that claim, not a duplicate of it."""
    if (claim is None) == (not statement.strip()):
        raise ValidationError("Choose an existing claim or write a new one (not both).", code="claim")
    if claim is None:
        claim = _claim_stating(question.workspace, statement) or create_claim(
            workspace=question.workspace, user=user, statement=statement
        )
    if Hypothesis.objects.filter(question=question, claim=claim).exists():
        raise ValidationError("That claim is already a hypothesis of this question.", code="duplicate")
    return create_object(Hypothesis(workspace=question.workspace, question=question, claim=claim), user=user)


def _claim_stating(workspace: Workspace, statement: str) -> Claim | None:
    """The workspace's oldest claim whose statement is `statement`, ignoring case and
    surrounding blanks (the database's case folding)."""
    claims = Claim.objects.filter(workspace=workspace).annotate(said=Lower(Trim("statement")))
    # Lower() on both sides, so that both are folded by the same rules.
    wanted = claims.filter(said=Lower(Trim(Value(statement.strip())))).order_by("pk")
    return wanted.first()


def add_evidence_item(
    *,
    question: Question,
    user: Any,
    passage: Passage,
    credibility: int = Credibility.CANNOT_BE_JUDGED,
    note: str = "",
) -> EvidenceItem:
    if EvidenceItem.objects.filter(question=question, passage=passage).exists():
        raise ValidationError("That passage is already weighed in this question.", code="duplicate")
    item = EvidenceItem(
        workspace=question.workspace, question=question, passage=passage, credibility=credibility, note=note
    )
    return create_object(item, user=user)


def delete_question(
    *, question: Question, user: Any, reason: str, expected_version: int | None = None
) -> None:
    """Delete a question with its hypotheses, evidence items and ratings (the claims and
    passages stay); history keeps all of it, with the reason."""
    delete_object(question, user=user, reason=reason, expected_version=expected_version)


def added_by(kind: type[Hypothesis | EvidenceItem], ids: list[int]) -> dict[int, int | None]:
    """Who added each hypothesis or evidence item of `ids`: neither model names its
    author, so the user of its first history row (a revert that brings one back
    keeps who first added it)."""
    first: dict[int, int | None] = {}
    rows = (
        kind.history.filter(id__in=ids, history_type="+")
        .order_by("history_date", "history_id")
        .values_list("id", "history_user_id")
    )
    for pk, user_id in rows:
        first.setdefault(pk, user_id)
    return first


def removable(role: str | None, user: Any, objects: Sequence[Removable]) -> list[Removable]:
    """Those of `objects` (hypotheses, or evidence items) `user` may take out: the rule
    for deleting work, its adder (an analyst) or an admin, since taking one out deletes
    every analyst's ratings of its cells."""
    if can(role, Action.MANAGE):
        return list(objects)
    if not objects or not can(role, Action.CONTRIBUTE) or getattr(user, "pk", None) is None:
        return []
    kind = Hypothesis if isinstance(objects[0], Hypothesis) else EvidenceItem
    adders = added_by(kind, [each.pk for each in objects])
    return [each for each in objects if adders.get(each.pk) == user.pk]


@unit_of_work()
def take_out(what: Hypothesis | EvidenceItem, *, user: Any, reason: str) -> None:
    """Take a hypothesis or an evidence item out of its question, with the ratings of
    its cells; the claim or passage stays. History keeps all of it, with the reason.
    Only its adder or an admin may (PermissionDenied)."""
    if not removable(role_in(user, what.workspace), user, [what]):
        raise PermissionDenied("Only whoever added it or a workspace admin can take it out of the analysis.")
    delete_object(what, user=user, reason=reason)


@unit_of_work()
def rate(*, item: EvidenceItem, hypothesis: Hypothesis, user: Any, value: Consistency | str) -> Rating:
    """`user`'s rating of one cell, set or changed (each change is in the history)."""
    if item.question_id != hypothesis.question_id:
        raise ValidationError("The evidence item and the hypothesis belong to different questions.")
    current = Rating.objects.filter(item=item, hypothesis=hypothesis, analyst=user).first()
    if current is None:
        rating = Rating(workspace=item.workspace, item=item, hypothesis=hypothesis, analyst=user, value=value)
        return create_object(rating, user=user)
    if current.value == value:
        return current
    changes = {"value": value}
    return update_object(current, user=user, expected_version=None, changes=changes, editable={"value"})


@unit_of_work()
def withdraw_rating(*, item: EvidenceItem, hypothesis: Hypothesis, user: Any) -> bool:
    """Delete `user`'s rating of one cell (the history keeps it); False if there was none."""
    current = Rating.objects.filter(item=item, hypothesis=hypothesis, analyst=user).first()
    if current is None:
        return False
    delete_object(current, user=user, reason="Rating withdrawn by its analyst.")
    return True


# --- the matrix -----------------------------------------------------------------


@dataclass
class Cell:
    ratings: dict[str, str] = field(default_factory=dict)
    """Analyst's username -> rating value."""

    @property
    def counted(self) -> list[int]:
        return [
            SCORE[Consistency(value)]
            for value in self.ratings.values()
            if value != Consistency.NOT_APPLICABLE
        ]

    @property
    def mean(self) -> float | None:
        counted = self.counted
        return sum(counted) / len(counted) if counted else None

    @property
    def inconsistent_share(self) -> float:
        counted = self.counted
        return counted.count(-1) / len(counted) if counted else 0.0

    @property
    def disagreement(self) -> bool:
        return len(set(self.ratings.values())) > 1

    @property
    def consensus(self) -> str:
        """The rating every analyst gave, "mixed" when they differ, "" when unrated."""
        values = set(self.ratings.values())
        return values.pop() if len(values) == 1 else ("mixed" if values else "")


@dataclass
class Row:
    item: EvidenceItem
    weight: float
    cells: dict[int, Cell]
    """Hypothesis id -> cell."""

    @property
    def diagnosticity(self) -> float:
        means = [mean for cell in self.cells.values() if (mean := cell.mean) is not None]
        return max(means) - min(means) if len(means) > 1 else 0.0


@dataclass
class Matrix:
    question: Question
    hypotheses: list[Hypothesis]
    """Lowest inconsistency first."""
    rows: list[Row]
    inconsistency: dict[int, float]
    weighted: bool

    @property
    def disagreements(self) -> list[tuple[Row, Hypothesis]]:
        return [(row, h) for row in self.rows for h in self.hypotheses if row.cells[h.pk].disagreement]


def item_weight(item: EvidenceItem, *, weighted: bool) -> float:
    if not weighted:
        return 1.0
    outlet = item.passage.source.outlet
    reliability = Reliability(outlet.reliability) if outlet else Reliability.F
    return RELIABILITY_WEIGHT[reliability] * CREDIBILITY_WEIGHT[Credibility(item.credibility)]


def matrix(question: Question, *, weighted: bool = False) -> Matrix:
    hypotheses = list(question.hypotheses.select_related("claim"))
    items = list(question.evidence_items.select_related("passage__source__outlet"))
    cells = {(item.pk, h.pk): Cell() for item in items for h in hypotheses}
    ratings = Rating.objects.filter(item__question=question).select_related("analyst")
    for rating in ratings:
        cells[rating.item_id, rating.hypothesis_id].ratings[rating.analyst.get_username()] = rating.value
    rows = [
        Row(item, item_weight(item, weighted=weighted), {h.pk: cells[item.pk, h.pk] for h in hypotheses})
        for item in items
    ]
    inconsistency = {
        h.pk: round(sum(row.weight * row.cells[h.pk].inconsistent_share for row in rows), 6)
        for h in hypotheses
    }
    hypotheses.sort(key=lambda h: (inconsistency[h.pk], h.pk))
    return Matrix(question, hypotheses, rows, inconsistency, weighted)
