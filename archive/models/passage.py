from django.conf import settings
from django.db import models

from archive.core.graphemes import shorten
from archive.core.history import tracked_history
from archive.core.spans import CONTEXT_LENGTH, check_quote
from archive.models.base import WorkspaceOwned


class AnchorStatus(models.TextChoices):
    EXACT = "exact", "exact"
    MOVED = "moved", "moved"
    FUZZY = "fuzzy", "fuzzy match"
    ORPHANED = "orphaned", "orphaned"
    # An analyst's decision after re-anchoring: this is the passage (accepted
    # as found, or selected anew). Re-anchoring itself never gives it.
    CONFIRMED = "confirmed", "confirmed"


# What re-anchoring can find: every status but an analyst's confirmation.
FOUND_STATUSES = (AnchorStatus.EXACT, AnchorStatus.MOVED, AnchorStatus.FUZZY, AnchorStatus.ORPHANED)


class Passage(WorkspaceOwned):
    """A highlighted span of a source's text, as W3C selectors.

    start/end are a TextPositionSelector in Unicode code points; exact,
    prefix and suffix a TextQuoteSelector.
    """

    author_field = "created_by"

    # Indexed by (source, start) below: a second index on source alone would
    # cost every re-anchored passage's update and serve nothing more.
    source = models.ForeignKey(
        "archive.Source", on_delete=models.PROTECT, db_index=False, related_name="passages"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    exact = models.TextField()
    prefix = models.CharField(max_length=CONTEXT_LENGTH, blank=True)
    suffix = models.CharField(max_length=CONTEXT_LENGTH, blank=True)
    anchor_status = models.CharField(max_length=10, choices=AnchorStatus.choices, default=AnchorStatus.EXACT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = tracked_history()

    workspace_from = "source"
    untyped_text_fields = ("exact", "prefix", "suffix")  # the quote of the source's text

    class Meta:
        ordering = ["source_id", "start", "end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__gte=0) & models.Q(end__gt=models.F("start")),
                name="passage_start_before_end",
            ),
            models.CheckConstraint(
                condition=models.Q(anchor_status__in=AnchorStatus.values), name="passage_anchor_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["source", "start"])]

    def __str__(self) -> str:
        return f"“{shorten(self.exact, 60)}”"

    def check_invariants(self) -> None:
        super().check_invariants()
        # An orphaned passage keeps its old quote; every other one must match.
        if self.source_id is not None and self.anchor_status != AnchorStatus.ORPHANED:
            check_quote(self.source.text, self.start, self.end, self.exact)
