"""Sentence alignments between a source and the one it derives from (archive.alignment).

Derived data, not a record: an alignment is computed from the two texts and the
derivation link, all three of which are history-tracked on the sources. It carries
the fingerprint of what it was computed from and is recomputed whenever that changes,
so it keeps no history of its own (as the search index) and is left out of backups
(a restored archive recomputes it on first use). An analyst's judgement about it, a
divergence marked as explained, is a record: DivergenceNote (tracked).
"""

from django.conf import settings
from django.db import models

from archive.core.history import tracked_history
from archive.models.base import WorkspaceOwned


class Alignment(models.Model):
    in_backups = False

    workspace = models.ForeignKey("archive.Workspace", on_delete=models.CASCADE, related_name="+")
    source = models.OneToOneField("archive.Source", on_delete=models.CASCADE, related_name="alignment")
    """The derivative (translation, republication...)."""
    counterpart = models.ForeignKey("archive.Source", on_delete=models.CASCADE, related_name="+")
    """What `source` derives from, when computed."""
    fingerprint = models.CharField(
        max_length=64, help_text="Of both texts, the derivation and the algorithm: stale when it differs."
    )
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"alignment of source {self.source_id} with {self.counterpart_id}"


class SentenceLink(models.Model):
    """Sentences [source_start, source_end) of the derivative correspond to
    [counterpart_start, counterpart_end) of what it derives from (code points).
    One side is empty (start == end) for a sentence with no counterpart."""

    in_backups = False

    alignment = models.ForeignKey(Alignment, on_delete=models.CASCADE, related_name="links")
    source_start = models.PositiveIntegerField()
    source_end = models.PositiveIntegerField()
    counterpart_start = models.PositiveIntegerField()
    counterpart_end = models.PositiveIntegerField()
    source_sentences = models.PositiveSmallIntegerField()
    counterpart_sentences = models.PositiveSmallIntegerField()
    confidence = models.FloatField()

    class Meta:
        ordering = ["alignment_id", "source_start", "counterpart_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source_end__gte=models.F("source_start"))
                & models.Q(counterpart_end__gte=models.F("counterpart_start")),
                name="sentencelink_spans_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__gte=0) & models.Q(confidence__lte=1),
                name="sentencelink_confidence_range",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"[{self.source_start}, {self.source_end}) ~ [{self.counterpart_start}, {self.counterpart_end})"
        )


class DivergenceKind(models.TextChoices):
    NUMBER = "number", "number"
    DATE = "date", "date"
    NAME = "name", "name"


class DivergenceNote(WorkspaceOwned):
    """An analyst's word that a divergence flag is explained, and why.

    Flags are recomputed with the alignment, so the note is keyed by what survives a
    recomputation: the pair of sources, the kind, and the differing values as each
    text writes them ("" where a side has none). A flag with the same key is explained.
    """

    author_field = "explained_by"

    source = models.ForeignKey("archive.Source", on_delete=models.PROTECT, related_name="divergence_notes")
    """The derivative."""
    counterpart = models.ForeignKey("archive.Source", on_delete=models.PROTECT, related_name="+")
    """What it derives from."""
    kind = models.CharField(max_length=10, choices=DivergenceKind.choices)
    here = models.CharField(max_length=500, blank=True, help_text="The value in the derivative.")
    there = models.CharField(max_length=500, blank=True, help_text="The value in what it derives from.")
    reason = models.TextField(help_text="Why the texts may differ here.")
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    history = tracked_history()

    workspace_from = "source"
    same_workspace_as = ("counterpart",)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "counterpart", "kind", "here", "there"], name="divergencenote_unique_flag"
            ),
            models.CheckConstraint(
                condition=~models.Q(here="") | ~models.Q(there=""), name="divergencenote_has_a_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: “{self.here}” / “{self.there}” explained"
