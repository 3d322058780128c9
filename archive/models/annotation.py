from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from archive.core.graphemes import shorten
from archive.core.history import tracked_history
from archive.models.base import WorkspaceOwned, note_field, tags_field

# The longest canonical or via IRI kept (W3C Web Annotation identities).
IRI_MAX_LENGTH = 2048
ANNOTATION_CANONICAL_TAKEN = "An annotation with this canonical IRI is in the workspace already."


class Motivation(models.TextChoices):
    """The W3C Web Annotation motivations (the value, as W3C names it) in plain words (the label)."""

    ASSESSING = "assessing", "Assessment"
    BOOKMARKING = "bookmarking", "Bookmark"
    CLASSIFYING = "classifying", "Classification"
    COMMENTING = "commenting", "Note"
    DESCRIBING = "describing", "Description"
    EDITING = "editing", "Error flag"  # W3C: a request to change the target, here to correct it
    HIGHLIGHTING = "highlighting", "Highlight"
    IDENTIFYING = "identifying", "Identification"
    LINKING = "linking", "Link"
    MODERATING = "moderating", "Moderation"
    QUESTIONING = "questioning", "Question"
    REPLYING = "replying", "Reply"
    TAGGING = "tagging", "Tags"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    SUBMITTED = "submitted", "submitted"
    APPROVED = "approved", "approved"
    REJECTED = "rejected", "rejected"


class Annotation(WorkspaceOwned):
    """An analyst's note on one or more passages."""

    author_field = "author"

    passages = models.ManyToManyField("archive.Passage", related_name="annotations")
    body = note_field()
    motivation = models.CharField(max_length=20, choices=Motivation.choices, default=Motivation.COMMENTING)
    tags = tags_field()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    # W3C identities (https://www.w3.org/TR/annotation-model/#other-identities): the
    # client's canonical IRI, kept unchanged; the IRI a copy came from (a client's `id`).
    canonical = models.CharField(max_length=IRI_MAX_LENGTH, blank=True, default="")
    via = models.CharField(max_length=IRI_MAX_LENGTH, blank=True, default="")

    history = tracked_history(m2m_fields=[passages])

    # Not a field: set on loaded objects by the API (archive.api.views.AnnotationsMixin).
    passage_ids: list[int]

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(motivation__in=Motivation.values), name="annotation_motivation_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(review_status__in=ReviewStatus.values),
                name="annotation_review_status_valid",
            ),
            # One annotation per canonical IRI in a workspace (archive.claims.editing
            # refuse_taken_canonical says which): here against two writes at once.
            models.UniqueConstraint(
                fields=["workspace", "canonical"],
                condition=~models.Q(canonical=""),
                name="annotation_unique_canonical",
                violation_error_message=ANNOTATION_CANONICAL_TAKEN,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_motivation_display()} by {self.author}: {shorten(self.body, 60)}"

    def clean(self) -> None:
        super().clean()
        # A note is its text; marking a passage without one is what a highlight is for.
        if self.motivation == Motivation.COMMENTING and not self.body.strip():
            raise ValidationError(
                {"body": "A note needs some text. To mark the passage without one, choose Highlight."}
            )


@receiver(m2m_changed, sender=Annotation.passages.through)
def _passages_in_same_workspace(sender, instance, action, pk_set, **kwargs) -> None:
    if action != "pre_add" or not pk_set:
        return
    from archive.models.passage import Passage

    foreign = Passage.objects.filter(pk__in=pk_set).exclude(workspace_id=instance.workspace_id)
    if foreign.exists():
        raise ValidationError({"passages": "A passage belongs to another workspace."})
