import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from archive.core.history import tracked_history
from archive.core.text import sha256_hex
from archive.models.base import WorkspaceOwned

# A pragmatic BCP 47 check: primary language subtag plus optional subtags.
bcp47_validator = RegexValidator(
    r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "Enter a BCP 47 language tag such as 'ar', 'en' or 'en-GB'."
)

MAX_AUTHOR_LENGTH = 200


def validate_names(value: object) -> None:
    """A source's authors and translators are lists of names (JSON lets a form or an import send anything)."""
    if not isinstance(value, list) or not all(
        isinstance(name, str) and name.strip() and len(name) <= MAX_AUTHOR_LENGTH for name in value
    ):
        raise ValidationError(
            f"Enter a list of names, each of at most {MAX_AUTHOR_LENGTH} characters.", code="not_names"
        )


validate_authors = validate_names  # the name migration 0021 gives it


# A publication date before printing spread, or after tomorrow (somewhere on Earth it may
# be tomorrow already), is a typo or a placeholder (0001-01-01, 9999-12-31), not a date.
EARLIEST_PUBLICATION = datetime.date(1400, 1, 1)


def validate_published_on(value: datetime.date) -> None:
    """Refuse an implausible publication date (on every path: Source.clean, forms, proposals)."""
    latest = timezone.localdate() + datetime.timedelta(days=1)
    if not EARLIEST_PUBLICATION <= value <= latest:
        raise ValidationError(
            f"{value.isoformat()} is not a plausible publication date: give one from "
            f"{EARLIEST_PUBLICATION.isoformat()} to tomorrow ({latest.isoformat()}).",
            code="implausible_date",
        )


class TextDirection(models.TextChoices):
    LTR = "ltr", "Left to right"
    RTL = "rtl", "Right to left"


class Derivation(models.TextChoices):
    TRANSLATION = "translation", "translation of"
    REPUBLICATION = "republication", "republication of"
    EXCERPT = "excerpt", "excerpt of"
    SUMMARY = "summary", "summary of"


class Source(WorkspaceOwned):
    """One archived document: its original bytes, unchanged, and the plain
    text that passages point into, each with its SHA-256."""

    title = models.CharField(max_length=500)
    authors = models.JSONField(
        default=list, blank=True, validators=[validate_names], help_text="A list of names."
    )
    translators = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_names],
        help_text="Who translated it, for a translation: a list of names.",
    )
    outlet = models.ForeignKey(
        "archive.Outlet", null=True, blank=True, on_delete=models.PROTECT, related_name="sources"
    )
    original_url = models.URLField(max_length=2000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=35, validators=[bcp47_validator], help_text="BCP 47 tag")
    direction = models.CharField(max_length=3, choices=TextDirection.choices, default=TextDirection.LTR)

    captured_at = models.DateTimeField(default=timezone.now)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Stored content-addressed by SHA-256 (see archive.sources.storage); never modified.
    original = models.FileField(max_length=255, blank=True, editable=False)
    media_type = models.CharField(max_length=100, default="text/plain")
    original_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    text = models.TextField(help_text="Extracted plain text; passage offsets are code points into it.")
    text_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derivatives"
    )
    derivation = models.CharField(max_length=20, choices=Derivation.choices, blank=True)

    history = tracked_history()

    same_workspace_as = ("outlet", "derived_from")

    class Meta:
        ordering = ["-captured_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(derived_from__isnull=True, derivation="")
                    | (models.Q(derived_from__isnull=False) & ~models.Q(derivation=""))
                ),
                name="source_derivation_kind_iff_derived",
            ),
            models.CheckConstraint(
                condition=models.Q(derivation__in=["", *Derivation.values]), name="source_derivation_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(derived_from=models.F("id")), name="source_not_derived_from_itself"
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=TextDirection.values), name="source_direction_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "text_sha256"]),
            models.Index(fields=["workspace", "original_sha256"]),
            # The workspace's list of its sources, by title, a page at a time.
            models.Index(fields=["workspace", "title", "id"], name="source_workspace_title"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # Not an invariant checked at every save: a source restored from a backup keeps its date.
        if isinstance(self.published_on, datetime.date):
            try:
                validate_published_on(self.published_on)
            except ValidationError as error:
                raise ValidationError({"published_on": error.messages}) from None
        super().clean()

    def check_invariants(self) -> None:
        super().check_invariants()
        if bool(self.derived_from_id) != bool(self.derivation):
            raise ValidationError(
                {"derivation": "Give both the source derived from and the kind of derivation, or neither."}
            )
        if self.derived_from_id:
            self._check_no_derivation_cycle()
        self.text_sha256 = sha256_hex(self.text)

    def _check_no_derivation_cycle(self) -> None:
        seen = {self.pk}
        ancestor = self.derived_from
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError(
                    {"derived_from": "A source cannot derive, even indirectly, from itself."}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.derived_from

    def derivation_chain(self) -> list["Source"]:
        """This source and its ancestors, from itself up to the original."""
        chain = [self]
        while chain[-1].derived_from is not None:
            chain.append(chain[-1].derived_from)
        return chain
