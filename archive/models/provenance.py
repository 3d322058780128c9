from django.db import models

from archive.core.history import tracked_history
from archive.models.base import WorkspaceOwned


class CaptureMethod(models.TextChoices):
    FILE = "file", "file"
    PASTE = "paste", "pasted text"
    URL = "url", "web capture"


class Capture(WorkspaceOwned):
    """How a source entered the archive: from a file, pasted text or a URL.

    For a web capture, the HTTP exchange as it happened: the URL asked for,
    the redirects followed, the final URL, status and headers, and the raw
    response kept as a WARC record (content-addressed, like originals).
    """

    source = models.OneToOneField("archive.Source", on_delete=models.CASCADE, related_name="capture")
    method = models.CharField(max_length=10, choices=CaptureMethod.choices)
    filename = models.CharField(max_length=255, blank=True, help_text="The name of the imported file.")
    extraction = models.CharField(max_length=200, help_text="How the text was extracted from the original.")

    requested_url = models.URLField(max_length=2000, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    redirects = models.JSONField(default=list, blank=True, help_text="[status, URL] of each redirect.")
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    http_headers = models.JSONField(default=list, blank=True, help_text="[name, value] pairs, in order.")
    fetched_at = models.DateTimeField(null=True, blank=True)
    warc = models.FileField(max_length=255, blank=True, editable=False)
    warc_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    history = tracked_history()

    workspace_from = "source"
    # As the server sent them (a header may be Latin-1, whose bytes 0x80-0x9F are C1 controls).
    untyped_text_fields = ("redirects", "http_headers")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=CaptureMethod.values), name="capture_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} of {self.source}"


class FixityStatus(models.TextChoices):
    OK = "ok", "intact"
    MISMATCH = "mismatch", "hash mismatch"
    MISSING = "missing", "file missing"


class FixityCheck(WorkspaceOwned):
    """One verification of a source's stored files and text against their SHA-256."""

    source = models.ForeignKey("archive.Source", on_delete=models.CASCADE, related_name="fixity_checks")
    status = models.CharField(max_length=10, choices=FixityStatus.choices)
    problems = models.JSONField(default=list, blank=True, help_text="One message per problem found.")

    history = tracked_history()

    workspace_from = "source"

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=FixityStatus.values), name="fixity_check_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["source", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.source}: {self.get_status_display()} ({self.created_at:%Y-%m-%d %H:%M})"
