"""Background jobs as the people who start them see them, and the schedules that start them.

A Job is operational data, not evidence: it is a plain model, outside the
history and the ledger. Its progress changes many times a minute, and every
write a job makes to the archive goes through the domain's functions, tracked
and attributed to the person (or schedule) that started the job, as any other
write is. What a job row adds is the queue's side of it: who started what,
how far it got, and why it failed; that is for the jobs page, not the record.

A Schedule is configuration an admin decides (what is re-checked, how
often), so it is tracked like any other object of the workspace.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models

from archive.core.history import tracked_history
from archive.models.base import WorkspaceOwned


class JobKind(models.TextChoices):
    CAPTURE = "capture", "web capture"
    RECAPTURE = "recapture", "recapture"
    IMPORT_FILES = "import_files", "file import"
    CORRECT_TEXT = "correct_text", "text correction"
    FIXITY = "fixity", "fixity check"
    HISTORY_CHAIN = "history_chain", "history chain verification"
    SEARCH_INDEX = "search_index", "search index rebuild"
    EXPORT = "export", "workspace export"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    SUCCEEDED = "succeeded", "done"
    FAILED = "failed", "failed"


class Job(models.Model):
    """One background job: what, for whom, how far, and how it ended."""

    # The queue's bookkeeping, not the archive's record: backups leave it out.
    in_backups = False

    kind = models.CharField(max_length=20, choices=JobKind.choices)
    workspace = models.ForeignKey(
        "archive.Workspace", null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    schedule = models.ForeignKey(
        "archive.Schedule", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    source = models.ForeignKey(
        "archive.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    target = models.CharField(max_length=2000, blank=True, help_text="What the job works on, for people.")
    arguments = models.JSONField(default=dict, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    summary = models.TextField(blank=True, help_text="The result, or what the job is doing now.")
    failure = models.TextField(blank=True, help_text="Why the job failed.")
    result_url = models.CharField(max_length=500, blank=True, help_text="Where the result is.")
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of the process running it.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["started_by", "-created_at"]),
            models.Index(fields=["workspace", "-created_at"]),
            models.Index(fields=["status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=JobKind.values), name="job_kind_valid"),
            models.CheckConstraint(condition=models.Q(status__in=JobStatus.values), name="job_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target}".strip()

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def percent(self) -> int | None:
        return 100 * self.done // self.total if self.total else None


class ScheduleKind(models.TextChoices):
    RECAPTURE = "recapture", "recapture a source"
    FIXITY = "fixity", "fixity check of the workspace"
    HISTORY_CHAIN = "history_chain", "history chain verification"


class Schedule(WorkspaceOwned):
    """A job run every `every_hours` hours, paused until an admin turns it on."""

    kind = models.CharField(max_length=20, choices=ScheduleKind.choices)
    source = models.ForeignKey(
        "archive.Source", null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    every_hours = models.PositiveIntegerField(default=24, help_text="Hours between runs (24: daily).")
    enabled = models.BooleanField(default=False)
    last_fired_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = tracked_history()
    # Set when the scheduler claims a due run (one atomic UPDATE, no history row):
    # verification does not compare it with the history (archive.audit.live).
    unrecorded_fields = ("last_fired_at",)

    same_workspace_as = ("source",)

    class Meta:
        ordering = ["kind", "source_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ScheduleKind.values), name="schedule_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(every_hours__gte=1), name="schedule_every_hour_or_more"
            ),
            # A recapture is of one source; the workspace-wide checks are of none.
            models.CheckConstraint(
                condition=models.Q(kind="recapture", source__isnull=False)
                | (~models.Q(kind="recapture") & models.Q(source__isnull=True)),
                name="schedule_source_for_recapture_only",
            ),
            models.UniqueConstraint(
                fields=["workspace", "kind"],
                condition=models.Q(source__isnull=True),
                name="schedule_one_per_workspace_kind",
            ),
            models.UniqueConstraint(
                fields=["source", "kind"],
                condition=models.Q(source__isnull=False),
                name="schedule_one_per_source_kind",
            ),
        ]

    def __str__(self) -> str:
        what = f"recapture of {self.source}" if self.source_id else self.get_kind_display()
        return f"{what}, every {self.every_hours} h" + ("" if self.enabled else " (paused)")

    @property
    def interval(self) -> timedelta:
        return timedelta(hours=self.every_hours)
