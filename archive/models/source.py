import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from archive.core.history import tracked_history
from archive.core.text import canonical_language_tag, sha256_hex
from archive.models.base import WorkspaceOwned

# A pragmatic BCP 47 check: primary language subtag plus optional subtags.
bcp47_validator = RegexValidator(
    r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "Enter a BCP 47 language tag such as 'ar', 'en' or 'en-GB'."
)


def canonical_language_fields(instance: models.Model, *names: str) -> None:
    """Put the language tags in `names` in BCP 47's canonical case ("EN-gb" is "en-GB"), as
    each model's clean does on every path: tags equal ignoring case are one, and a list
    filtered by language finds it. A value that is not text is left to the field's check."""
    for name in names:
        if isinstance(tag := getattr(instance, name), str):
            setattr(instance, name, canonical_language_tag(tag))


MAX_AUTHOR_LENGTH = 200
MAX_NAMES = 100  # a report's authors and translators are a few; thousands are a mistake


def validate_names(value: object) -> None:
    """A source's authors and translators are lists of names (JSON lets a form or an import send anything)."""
    if (
        not isinstance(value, list)
        or len(value) > MAX_NAMES
        or not all(
            isinstance(name, str) and name.strip() and len(name) <= MAX_AUTHOR_LENGTH for name in value
        )
    ):
        raise ValidationError(
            f"Enter a list of at most {MAX_NAMES} names, each of at most {MAX_AUTHOR_LENGTH} characters.",
            code="not_names",
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


@dataclass(frozen=True)
class UnarchivedOriginal:
    """What is known of an original a source derives from that is not in the archive
    (the analyst has only the translation, or the original is offline): at least its
    title or its address. Kept on the source, in the `unarchived_*` fields."""

    title: str = ""
    url: str = ""
    outlet: str = ""
    language: str = ""
    published_on: datetime.date | None = None

    @property
    def label(self) -> str:
        """What names it: its title, or its address."""
        return self.title or self.url

    def fields(self) -> dict[str, object]:
        """The source's fields that hold it."""
        return {f"unarchived_{name}": getattr(self, name) for name in UNARCHIVED_PARTS}


UNDESCRIBED_ORIGINAL = "Give the title or the address of the original that is not archived."
UNARCHIVED_PARTS = ("title", "url", "outlet", "language", "published_on")
UNARCHIVED_FIELDS = tuple(f"unarchived_{name}" for name in UNARCHIVED_PARTS)
# The fields of a source with no original that is not archived.
NO_UNARCHIVED_ORIGINAL = UnarchivedOriginal().fields()
# No original that is not archived is named (neither its title nor its address)...
_UNDESCRIBED = models.Q(unarchived_title="", unarchived_url="")
# ... and nothing is said of one.
_NOTHING_UNARCHIVED = _UNDESCRIBED & models.Q(
    unarchived_outlet="", unarchived_language="", unarchived_published_on__isnull=True
)


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
    # Or, in place of `derived_from`, what is known of an original that is not archived.
    unarchived_title = models.CharField("title of the original (not archived)", max_length=500, blank=True)
    unarchived_url = models.URLField("address of the original (not archived)", max_length=2000, blank=True)
    unarchived_outlet = models.CharField(
        "outlet of the original (not archived)", max_length=200, blank=True, help_text="Its name."
    )
    unarchived_language = models.CharField(
        "language of the original (not archived)",
        max_length=35,
        blank=True,
        validators=[bcp47_validator],
        help_text="BCP 47 tag",
    )
    unarchived_published_on = models.DateField(
        "publication date of the original (not archived)", null=True, blank=True
    )

    history = tracked_history()

    same_workspace_as = ("outlet", "derived_from")
    page_text_fields = ("text",)

    class Meta:
        ordering = ["-captured_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (models.Q(derived_from__isnull=True, derivation="") & _UNDESCRIBED)
                    | ((models.Q(derived_from__isnull=False) | ~_UNDESCRIBED) & ~models.Q(derivation=""))
                ),
                name="source_derivation_kind_iff_derived",
            ),
            models.CheckConstraint(
                condition=models.Q(derived_from__isnull=True) | _NOTHING_UNARCHIVED,
                name="source_derived_from_archived_or_not",
            ),
            models.CheckConstraint(
                condition=~_UNDESCRIBED | _NOTHING_UNARCHIVED,
                name="source_unarchived_original_named",
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
        canonical_language_fields(self, "language", "unarchived_language")
        # Not an invariant checked at every save: a source restored from a backup keeps its date.
        for name in ("published_on", "unarchived_published_on"):
            value = getattr(self, name)
            if isinstance(value, datetime.date):
                try:
                    validate_published_on(value)
                except ValidationError as error:
                    raise ValidationError({name: error.messages}) from None
        super().clean()

    @property
    def unarchived_original(self) -> UnarchivedOriginal | None:
        """The original it derives from when that is not archived (None when it is, or there is none)."""
        if not (self.unarchived_title or self.unarchived_url):
            return None
        return UnarchivedOriginal(**{name: getattr(self, f"unarchived_{name}") for name in UNARCHIVED_PARTS})

    def check_invariants(self) -> None:
        super().check_invariants()
        described = self.unarchived_original
        if self.derived_from_id and any(getattr(self, name) for name in UNARCHIVED_FIELDS):
            raise ValidationError(
                {
                    "derived_from": "Give the archived source it derives from or describe an original "
                    "that is not archived, not both."
                }
            )
        if described is None and any(getattr(self, name) for name in UNARCHIVED_FIELDS):
            raise ValidationError({"unarchived_title": UNDESCRIBED_ORIGINAL})
        if bool(self.derived_from_id or described) != bool(self.derivation):
            raise ValidationError(
                {
                    "derivation": "Give both the source derived from (archived or not) and the kind of "
                    "derivation, or neither."
                }
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
