from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.functions import Lower

from archive.core.history import tracked_history
from archive.core.text import isolated
from archive.models.base import WorkspaceOwned
from archive.models.grading import Reliability
from archive.models.source import bcp47_validator, canonical_language_fields

NAME_TAKEN = (
    "This workspace already has an outlet called “{name}” (names are compared ignoring capitals): "
    "use it, or choose another name."
)


class NameUniqueIgnoringCase(models.UniqueConstraint):
    """An outlet's name, capitals aside, once per workspace. A clash is refused naming
    the outlet it clashes with: Django's message for a constraint on an expression
    names only the constraint. Every write (forms, API, admin, the domain's edits)
    checks constraints through `validate`."""

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS) -> None:
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as error:
            same = (
                model._default_manager.using(using)
                .filter(workspace_id=instance.workspace_id)
                .exclude(pk=instance.pk)
                .alias(folded=Lower("name"))
                .filter(folded=Lower(models.Value(instance.name)))
                .first()
            )
            if same is None:
                raise
            raise ValidationError(NAME_TAKEN.format(name=isolated(same.name)), code="unique") from error


class Outlet(WorkspaceOwned):
    """Who publishes sources, graded for reliability on the Admiralty scale."""

    # Changing it needs a reason (archive.core.editing).
    grade_field = "reliability"

    name = models.CharField(max_length=200)
    url = models.URLField(blank=True)
    country = models.CharField(max_length=100, blank=True)
    language = models.CharField(
        max_length=35, blank=True, validators=[bcp47_validator], help_text="BCP 47 tag, e.g. ar or en-GB"
    )
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F)
    reliability_reason = models.TextField(blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            # "Hawran Voice" and "hawran voice" are one outlet: two would split its sources and grade.
            NameUniqueIgnoringCase("workspace", Lower("name"), name="outlet_name_unique_ignoring_case"),
            models.CheckConstraint(
                condition=models.Q(reliability__in=Reliability.values), name="outlet_reliability_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        canonical_language_fields(self, "language")  # as a source's (Source.clean)
        super().clean()
