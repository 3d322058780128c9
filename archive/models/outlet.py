from django.db import models

from archive.core.history import tracked_history
from archive.models.base import WorkspaceOwned
from archive.models.grading import Reliability


class Outlet(WorkspaceOwned):
    """Who publishes sources, graded for reliability on the Admiralty scale."""

    # Changing it needs a reason (archive.core.editing).
    grade_field = "reliability"

    name = models.CharField(max_length=200)
    url = models.URLField(blank=True)
    country = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=35, blank=True, help_text="BCP 47 tag, e.g. ar or en-GB")
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F)
    reliability_reason = models.TextField(blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="outlet_unique_name_per_workspace"),
            models.CheckConstraint(
                condition=models.Q(reliability__in=Reliability.values), name="outlet_reliability_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name
