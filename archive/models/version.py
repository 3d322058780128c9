"""Sources over time: each capture of a source is an immutable version, each
recapture attempt is logged, and each passage keeps its anchor in every version
it was carried to. Alerts tell analysts when cited text changed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from archive.core.history import tracked_history
from archive.core.spans import CONTEXT_LENGTH
from archive.models.base import WorkspaceOwned
from archive.models.passage import AnchorStatus


class Immutable(WorkspaceOwned):
    """A record of what happened: written once, never changed."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError(f"A {self._meta.verbose_name} is never changed once recorded.")
        super().save(*args, **kwargs)


class VersionOrigin(models.TextChoices):
    IMPORT = "import", "first capture"
    RECAPTURE = "recapture", "recapture"
    CORRECTION = "correction", "text correction"


class SourceVersion(Immutable):
    """One state of a source: its original bytes, the web exchange's WARC
    record for a web capture, and the extracted text, each with its SHA-256."""

    source = models.ForeignKey("archive.Source", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    origin = models.CharField(max_length=12, choices=VersionOrigin.choices)
    # Content-addressed (archive.sources.storage), shared with other versions of the same bytes.
    original = models.FileField(max_length=255, blank=True, editable=False)
    original_sha256 = models.CharField(max_length=64, blank=True)
    media_type = models.CharField(max_length=100, default="text/plain")
    warc = models.FileField(max_length=255, blank=True, editable=False)
    warc_sha256 = models.CharField(max_length=64, blank=True)
    url = models.URLField(max_length=2000, blank=True, help_text="The final URL of a web capture.")
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    captured_at = models.DateTimeField()
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The schedule that fired it (a label, so versions outlive schedules); blank when a person did.
    schedule_label = models.CharField(max_length=200, blank=True)

    history = tracked_history()

    workspace_from = "source"
    page_text_fields = ("text",)

    class Meta:
        ordering = ["source_id", "number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="source_version_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="source_version_number_positive"),
            models.CheckConstraint(
                condition=models.Q(origin__in=VersionOrigin.values), name="source_version_origin_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"version {self.number} of “{self.source}”"


class CheckOutcome(models.TextChoices):
    NEW_VERSION = "new_version", "new version"
    UNCHANGED = "unchanged", "unchanged"
    FAILED = "failed", "failed"


class RecaptureCheck(Immutable):
    """One recapture of a source's URL and what came of it, kept even when
    nothing changed, so "checked, unchanged" is visible."""

    source = models.ForeignKey("archive.Source", on_delete=models.CASCADE, related_name="recapture_checks")
    outcome = models.CharField(max_length=12, choices=CheckOutcome.choices)
    reason = models.TextField(blank=True, help_text="Why it failed.")
    url = models.URLField(max_length=2000)
    original_sha256 = models.CharField(max_length=64, blank=True, help_text="Of the bytes fetched.")
    # The new version, or the version found unchanged.
    source_version = models.ForeignKey(
        SourceVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="checks"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    schedule_label = models.CharField(max_length=200, blank=True)

    history = tracked_history()

    workspace_from = "source"
    same_workspace_as = ("source_version",)
    untyped_text_fields = ("reason",)  # the app's, quoting what a server answered

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=CheckOutcome.values), name="recapture_check_outcome_valid"
            ),
        ]
        indexes = [models.Index(fields=["source", "-created_at"])]

    def __str__(self) -> str:
        return f"recapture of {self.source}: {self.get_outcome_display()}"


class PassageAnchor(Immutable):
    """Where a passage is in one version of its source, as W3C selectors.

    The passage itself (what annotations and evidence point at) follows the
    newest version; its anchors keep where it was in each earlier one, each
    linked to the anchor it was carried from, with how it was found again.
    Only an analyst's decision on a re-anchored passage changes an anchor: the
    one in the newest version, to where the analyst put the passage
    (archive.passages.confirming), with a history row.
    """

    passage = models.ForeignKey("archive.Passage", on_delete=models.CASCADE, related_name="anchors")
    source_version = models.ForeignKey(SourceVersion, on_delete=models.CASCADE, related_name="anchors")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    exact = models.TextField()
    prefix = models.CharField(max_length=CONTEXT_LENGTH, blank=True)
    suffix = models.CharField(max_length=CONTEXT_LENGTH, blank=True)
    status = models.CharField(max_length=10, choices=AnchorStatus.choices)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )

    history = tracked_history()

    workspace_from = "passage"
    same_workspace_as = ("source_version",)
    untyped_text_fields = ("exact", "prefix", "suffix")  # the quote of the version's text

    class Meta:
        ordering = ["source_version_id", "start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["passage", "source_version"], name="passage_anchor_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=AnchorStatus.values), name="anchor_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.passage} in {self.source_version}"


class AlertKind(models.TextChoices):
    EVIDENCE_CHANGED = "evidence_changed", "cited text changed"
    EVIDENCE_REMOVED = "evidence_removed", "cited text removed"
    RECAPTURE_FAILED = "recapture_failed", "recapture failed"
    FIXITY_FAILED = "fixity_failed", "stored file damaged or missing"
    REJECTED = "rejected", "your work was rejected"
    FLAGGED = "flagged", "flagged for an admin"
    REVERTED = "reverted", "your work was reverted"
    HISTORY_BROKEN = "history_broken", "history chain failed verification"


class Alert(WorkspaceOwned):
    """A notice for one member: cited text changed or vanished, a recapture
    failed (with its check), a fixity check found a stored file or text of a
    source not as archived, a reviewer rejected their claim, annotation or
    evidence (with the source of the annotation) or reverted or restored it, or,
    for an admin, a reviewer flagged such an item for them; for reviewers and admins,
    the workspace's history chain failed verification."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    source = models.ForeignKey(
        "archive.Source", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    evidence = models.ForeignKey(
        "archive.Evidence", null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    claim = models.ForeignKey(
        "archive.Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    annotation = models.ForeignKey(
        "archive.Annotation", null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    check_record = models.ForeignKey(
        RecaptureCheck, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    # The version a correction made (a recapture's is its check's).
    source_version = models.ForeignKey(
        SourceVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    message = models.TextField()
    read_at = models.DateTimeField(null=True, blank=True)

    history = tracked_history()

    same_workspace_as = ("source", "evidence", "claim", "annotation", "check_record", "source_version")
    untyped_text_fields = ("message",)  # the app's, quoting cited text

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=AlertKind.values), name="alert_kind_valid"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    @property
    def changed_in(self) -> SourceVersion | None:
        """The source's version that changed the cited text: a correction's, or the recapture's."""
        if self.source_version is not None:
            return self.source_version
        return self.check_record.source_version if self.check_record is not None else None

    def __str__(self) -> str:
        # What it is about: a rejected claim's alert has no source, a recapture's has no claim.
        about = self.claim or self.annotation or self.source or self.evidence
        kind = self.get_kind_display()
        return kind if about is None else f"{kind}: {about}"
