"""Schedules: what is re-checked, and how often; `fire_due()` starts what is due.

Admins add them (`set_schedule`, from the schedules page), change their interval
(`change_schedule`), pause and resume them (`pause_schedule`, `resume_schedule`)
and delete them (`delete_schedule`), each in the history with who and why. There
is one schedule per kind (per source, for a recapture): adding another is
refused with the one there is (`AlreadyExists`), to be changed instead, so
nothing is replaced unseen. A schedule is paused until turned on. Nothing here
runs by itself: cron runs `manage.py run_schedules` (see README), which calls
`fire_due()`. A schedule is claimed with a compare-and-set on its last firing
and its version, so two overlapping runs (or a run repeated at once) start
each due job once, and one paused meanwhile starts none.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from archive.core.editing import (
    AlreadyExists,
    create_object,
    delete_object,
    lock_at_version,
    required_reason,
    update_object,
)
from archive.core.unit_of_work import unit_of_work
from archive.jobs import tasks
from archive.models import Job, Schedule, ScheduleKind, Source, Workspace
from archive.sources.versions import address_of

CHANGE_REASON_REQUIRED = "Say why it changes: the reason is kept in the history."
EDITABLE = frozenset({"every_hours", "enabled"})


def describe(schedule: Schedule) -> str:
    """How often it runs and whether it is on, as the pages say it ("every 24 h, paused")."""
    return f"every {schedule.every_hours} h, {'on' if schedule.enabled else 'paused'}"


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
    """Add the workspace's schedule of `kind` (for `source`, a recapture).

    AlreadyExists (with `existing`) if it has one: that one is changed with
    `change_schedule`, with a reason, never overwritten here."""
    if (kind == ScheduleKind.RECAPTURE) != (source is not None):
        raise ValidationError("A recapture schedule is for one source; the other schedules are for none.")
    if source is not None and source.workspace_id != workspace.pk:
        raise ValidationError({"source": "This belongs to another workspace."})
    if source is not None:
        address_of(source)  # a source with no web address: every run would fail and alert
    existing = Schedule.objects.filter(workspace=workspace, kind=kind, source=source).first()
    if existing is not None:
        raise AlreadyExists(
            f"There is already a schedule for this ({describe(existing)}): change it instead.",
            existing=existing,
        )
    schedule = Schedule(
        workspace=workspace, kind=kind, source=source, every_hours=every_hours, enabled=enabled
    )
    return create_object(schedule, user=user, reason=reason)


@unit_of_work()
def change_schedule(
    *,
    schedule: Schedule,
    user: Any,
    reason: str,
    expected_version: int | None = None,
    every_hours: int | None = None,
    enabled: bool | None = None,
) -> Schedule:
    """Change how often `schedule` runs, or whether it is on (None: as it is), if it is
    still at `expected_version`. A reason is required; a change that changes nothing
    saves nothing. Its kind, and its source, stay."""
    reason = required_reason(reason, CHANGE_REASON_REQUIRED)
    changes: dict[str, Any] = {"every_hours": every_hours, "enabled": enabled}
    return update_object(
        schedule,
        user=user,
        expected_version=expected_version,
        changes={field: value for field, value in changes.items() if value is not None},
        editable=EDITABLE,
        reason=reason,
    )


def pause_schedule(
    *, schedule: Schedule, user: Any, reason: str, expected_version: int | None = None
) -> Schedule:
    """Switch `schedule` off without deleting it: it starts nothing until resumed."""
    return _switch(schedule, on=False, user=user, reason=reason, expected_version=expected_version)


def resume_schedule(
    *, schedule: Schedule, user: Any, reason: str, expected_version: int | None = None
) -> Schedule:
    """Switch `schedule` on again: it runs when due (at once if a run is overdue)."""
    return _switch(schedule, on=True, user=user, reason=reason, expected_version=expected_version)


@unit_of_work()
def _switch(
    schedule: Schedule, *, on: bool, user: Any, reason: str, expected_version: int | None
) -> Schedule:
    current = lock_at_version(schedule, expected_version)
    if current.enabled == on:  # from an old page, or a second click: say so rather than do nothing
        raise ValidationError(f"This schedule is {'on' if on else 'paused'} already.")
    return change_schedule(schedule=current, user=user, reason=reason, enabled=on)


def delete_schedule(*, schedule: Schedule, user: Any, reason: str) -> None:
    """Stop and remove a schedule; its history keeps what it was, who removed it and why.
    The jobs it started stay, no longer naming it."""
    delete_object(schedule, user=user, reason=reason)


def due_schedules(now: datetime | None = None) -> list[Schedule]:
    now = now or timezone.now()
    enabled = Schedule.objects.filter(enabled=True).select_related("workspace", "source")
    return [s for s in enabled if s.last_fired_at is None or s.last_fired_at + s.interval <= now]


def fire_due(now: datetime | None = None) -> list[Job]:
    """Start the job of every enabled schedule that is due; the jobs started."""
    now = now or timezone.now()
    started = []
    for schedule in due_schedules(now):
        # Bookkeeping, not a decision: the firing is recorded as the Job, not in history.
        # Unchanged since listed (its version): one paused or given a longer interval
        # meanwhile starts nothing now; the next run judges it as it is.
        claimed = Schedule.objects.filter(
            pk=schedule.pk, last_fired_at=schedule.last_fired_at, version=schedule.version
        ).update(last_fired_at=now)
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
