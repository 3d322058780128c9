"""Schedules: what is re-checked, and how often; `fire_due()` starts what is due.

Admins set them (`set_schedule`, from the schedules page or the admin) and delete
them (`delete_schedule`); every
schedule is off until turned on. Nothing here runs by itself: cron runs
`manage.py run_schedules` (see README), which calls `fire_due()`. A schedule
is claimed with a compare-and-set on its last firing, so two overlapping runs
(or a run repeated at once) start each due job once.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from archive.core.editing import create_object, delete_object, update_object
from archive.core.unit_of_work import unit_of_work
from archive.jobs import tasks
from archive.models import Job, Schedule, ScheduleKind, Source, Workspace
from archive.sources.versions import address_of


@unit_of_work()
def set_schedule(
    *,
    workspace: Workspace,
    user: Any,
    kind: ScheduleKind | str,
    every_hours: int,
    enabled: bool,
    source: Source | None = None,
    reason: str = "",
) -> Schedule:
    """Create or change the workspace's schedule of `kind` (for `source`, a recapture)."""
    if (kind == ScheduleKind.RECAPTURE) != (source is not None):
        raise ValidationError("A recapture schedule is for one source; the other schedules are for none.")
    if source is not None and source.workspace_id != workspace.pk:
        raise ValidationError({"source": "This belongs to another workspace."})
    if source is not None:
        address_of(source)  # a source with no web address: every run would fail and alert
    existing = Schedule.objects.filter(workspace=workspace, kind=kind, source=source).first()
    if existing is None:
        schedule = Schedule(
            workspace=workspace, kind=kind, source=source, every_hours=every_hours, enabled=enabled
        )
        return create_object(schedule, user=user, reason=reason)
    return update_object(
        existing,
        user=user,
        expected_version=None,
        changes={"every_hours": every_hours, "enabled": enabled},
        editable=frozenset({"every_hours", "enabled"}),
        reason=reason,
    )


def delete_schedule(*, schedule: Schedule, user: Any, reason: str) -> None:
    """Stop and remove a schedule; its history keeps what it was, who removed it and why.
    The jobs it started stay, no longer naming it."""
    delete_object(schedule, user=user, reason=reason)


def due_schedules(now=None) -> list[Schedule]:
    now = now or timezone.now()
    enabled = Schedule.objects.filter(enabled=True).select_related("workspace", "source")
    return [s for s in enabled if s.last_fired_at is None or s.last_fired_at + s.interval <= now]


def fire_due(now=None) -> list[Job]:
    """Start the job of every enabled schedule that is due; the jobs started."""
    now = now or timezone.now()
    started = []
    for schedule in due_schedules(now):
        # Bookkeeping, not a decision: the firing is recorded as the Job, not in history.
        claimed = Schedule.objects.filter(pk=schedule.pk, last_fired_at=schedule.last_fired_at).update(
            last_fired_at=now
        )
        if claimed:
            started.append(_start(schedule))
    return started


def _start(schedule: Schedule) -> Job:
    if schedule.kind == ScheduleKind.RECAPTURE and schedule.source is not None:
        return tasks.start_recapture(source=schedule.source, schedule=schedule)
    if schedule.kind == ScheduleKind.FIXITY:
        return tasks.start_fixity(workspace=schedule.workspace, schedule=schedule)
    return tasks.start_history_chain(workspace=schedule.workspace, schedule=schedule)


def schedules_with_last_job(workspace: Workspace) -> list[tuple[Schedule, Job | None]]:
    """The workspace's schedules, each with the job it started last (None before its first)."""
    last = Job.objects.filter(schedule=OuterRef("pk")).order_by("-created_at", "-pk").values("pk")[:1]
    listed = list(
        Schedule.objects.filter(workspace=workspace)
        .select_related("source")
        .annotate(last_job_id=Subquery(last))
        .order_by("kind", "pk")
    )
    jobs = Job.objects.in_bulk([schedule.last_job_id for schedule in listed if schedule.last_job_id])
    return [(schedule, jobs.get(schedule.last_job_id)) for schedule in listed]
