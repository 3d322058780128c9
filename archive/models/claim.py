from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from archive.core.graphemes import shorten
from archive.core.history import tracked_history
from archive.models.annotation import IRI_MAX_LENGTH, ReviewStatus
from archive.models.base import WorkspaceOwned, note_field, tags_field
from archive.models.grading import Credibility, admiralty_code
from archive.models.passage import AnchorStatus

# A claim is one checkable statement; its context goes in notes and evidence.
MAX_STATEMENT_LENGTH = 1_000


class ClaimStatus(models.TextChoices):
    OPEN = "open", "open"
    CORROBORATED = "corroborated", "corroborated"
    DISPUTED = "disputed", "disputed"
    DEBUNKED = "debunked", "debunked"
    UNVERIFIABLE = "unverifiable", "unverifiable"


class Claim(WorkspaceOwned):
    """A statement under examination, graded for credibility (1-6)."""

    author_field = "created_by"

    # Changing it needs a reason (archive.core.editing).
    grade_field = "credibility"

    statement = models.TextField(
        validators=[
            MaxLengthValidator(
                MAX_STATEMENT_LENGTH,
                f"A claim is one statement of at most {MAX_STATEMENT_LENGTH:,} characters (this has "
                "%(show_value)d): put its context in a note or its evidence.",
            )
        ]
    )
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices, default=Credibility.CANNOT_BE_JUDGED
    )
    credibility_reason = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    tags = tags_field()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)

    history = tracked_history()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credibility__gte=1, credibility__lte=6), name="claim_credibility_1_to_6"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ClaimStatus.values), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(review_status__in=ReviewStatus.values), name="claim_review_status_valid"
            ),
        ]
        # The list of claims, newest (or oldest) first, a page at a time.
        indexes = [models.Index(fields=["workspace", "created_at", "id"], name="claim_workspace_created")]

    def __str__(self) -> str:
        return shorten(self.statement, 80)


class Stance(models.TextChoices):
    SUPPORTS = "supports", "supports"
    REFUTES = "refutes", "refutes"
    CONTEXTUALIZES = "contextualizes", "gives context to"


EVIDENCE_CANONICAL_TAKEN = "Evidence with this canonical IRI is in the workspace already."


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def standing(self) -> "EvidenceQuerySet":
        """The evidence a claim rests on (Evidence.stands): not what a reviewer rejected,
        nor what cites words a correction or a recapture took out of the source's text."""
        return self.exclude(review_status=ReviewStatus.REJECTED).exclude(
            passage__anchor_status=AnchorStatus.ORPHANED
        )


class Evidence(WorkspaceOwned):
    """A passage that supports, refutes or gives context to a claim."""

    author_field = "created_by"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    passage = models.ForeignKey("archive.Passage", on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(max_length=20, choices=Stance.choices)
    note = note_field()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    # W3C identities, as on Annotation.
    canonical = models.CharField(max_length=IRI_MAX_LENGTH, blank=True, default="")
    via = models.CharField(max_length=IRI_MAX_LENGTH, blank=True, default="")

    history = tracked_history()
    objects = EvidenceQuerySet.as_manager()

    workspace_from = "claim"
    same_workspace_as = ("passage",)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "passage"], name="evidence_unique_claim_passage"),
            models.CheckConstraint(
                condition=models.Q(stance__in=Stance.values), name="evidence_stance_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(review_status__in=ReviewStatus.values), name="evidence_review_status_valid"
            ),
            # As Annotation's (annotation_unique_canonical).
            models.UniqueConstraint(
                fields=["workspace", "canonical"],
                condition=~models.Q(canonical=""),
                name="evidence_unique_canonical",
                violation_error_message=EVIDENCE_CANONICAL_TAKEN,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.passage} {self.get_stance_display()} {self.claim}"

    @property
    def stands(self) -> bool:
        """Whether its claim rests on it, as EvidenceQuerySet.standing() selects."""
        return (
            self.review_status != ReviewStatus.REJECTED
            and self.passage.anchor_status != AnchorStatus.ORPHANED
        )

    @property
    def grade(self) -> str:
        """The outlet's reliability and the claim's credibility, e.g. "B2"."""
        outlet = self.passage.source.outlet
        return admiralty_code(outlet.reliability if outlet else None, self.claim.credibility)
