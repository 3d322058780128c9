"""Sentence alignments between a source and the one it derives from (archive.alignment).

Derived data, not a record: an alignment is computed from the two texts and the
derivation link, all three of which are history-tracked on the sources. It carries
the fingerprint of what it was computed from and is recomputed whenever that changes,
so it keeps no history of its own (as the search index) and is left out of backups
(a restored archive recomputes it on first use). An analyst's judgement about it, a
divergence marked as explained, is a record: DivergenceNote (tracked).
"""

from django.db import models


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
