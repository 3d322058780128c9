"""The life of a job around its task: queued, running (with progress), done or failed.

`start()` records the Job and enqueues its task with the job's id as the only
argument; the task calls `run()` with the domain work to do. `run()` is what
makes every job safe to run twice: a job that already finished is not run
again, and the work itself is idempotent (a capture finds the source a first
run saved). Network failures (`TRANSIENT`) are tried again after each of
settings.JOBS_RETRY_DELAYS, the task queued again to run that much later (the
worker does not wait); anything else fails the job with its reason. Each attempt
first checks that whoever the job acts for (its starter, or whoever set the schedule
that started it) may still do it (`refusal`, the rule "Try again" checks too): one
removed, deactivated or demoted since fails the job, which writes nothing.

django-tasks' database backend does not notice a worker that died mid-job:
its task stays "running" for ever. `reclaim_stale_jobs()` (run when a worker
starts and by `run_schedules`) puts such a job back in the queue. A job proves
it is alive by its heartbeat, which its `Progress` records as it reports how far
it is, and which `Progress.beat()` records for long work with nothing to count.
"""

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django_tasks import TaskContext
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from archive.core.text import isolated
from archive.models import Job, JobKind, JobStatus, Role, Schedule, Source, Workspace
from archive.permissions import Action, can, role_in
from archive.sources.importing import ImportRefused, Unreachable

logger = logging.getLogger(__name__)

# Failures a later try may not have: the network, a timeout, a server's "not now".
TRANSIENT: tuple[type[Exception], ...] = (Unreachable, ConnectionError, TimeoutError)
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
_PROGRESS_EVERY_SECONDS = 0.5
# How often a running job checks that whoever it acts for still may (a few queries each time).
_RIGHTS_EVERY_SECONDS = 2.0
# What a worker waits before a retry when its queue cannot hold the task back.
_LONGEST_WAIT_IN_WORKER = 5.0
# What a heartbeat written on its own connection is waited for (_on_own_connection).
_LONGEST_WAIT_FOR_A_BEAT = 5.0


@dataclass(frozen=True)
class Outcome:
    """What a job's work came to, for the person who started it."""

    summary: str
    result_url: str = ""
    source: Source | None = None


class JobFailed(Exception):
    """The work cannot be done; the message says why, for the person who started it."""


class Progress:
    """Reports how far a job is (and that its worker is alive), at most twice a second; and
    stops it, JobFailed saying why, once whoever it acts for may no longer run it (removed,
    deactivated or demoted while it runs), checked every _RIGHTS_EVERY_SECONDS."""

    def __init__(self, job: Job):
        self.job = job
        self._last = 0.0
        self._rights_checked = 0.0

    def __call__(self, done: int, total: int, note: str = "") -> None:
        self.job.done, self.job.total = done, total  # the outcome is saved from this object
        now = time.monotonic()
        if done < total and now - self._rights_checked >= _RIGHTS_EVERY_SECONDS:
            self._rights_checked = now
            if refused := _acting_refused(self.job):
                raise JobFailed(f"{refused} It stopped after {done} of {total}.")
        if done < total and now - self._last < _PROGRESS_EVERY_SECONDS:
            return
        self._last = now
        self.job.heartbeat_at = timezone.now()
        changes: dict[str, Any] = {"done": done, "total": total, "heartbeat_at": self.job.heartbeat_at}
        if note:
            changes["summary"] = note
        Job.objects.filter(pk=self.job.pk).update(**changes)

    def beat(self) -> None:
        """Records that the job's worker is alive, for work that has nothing to count (a long
        step, rows read in one transaction): call it as often as convenient. It writes at most
        every tenth of JOBS_STALE_AFTER_SECONDS, so reclaim_stale_jobs() leaves alone a job
        that keeps calling it, however long it runs."""
        now = timezone.now()
        every = timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS / 10)
        if self.job.heartbeat_at is not None and now - self.job.heartbeat_at < every:
            return
        self.job.heartbeat_at = now
        beating = Job.objects.filter(pk=self.job.pk)
        if connection.in_atomic_block and connection.vendor != "sqlite":
            # Written in the work's transaction it would show only when that ends: on a
            # connection of its own, whoever judges staleness sees it now.
            _on_own_connection(lambda: beating.update(heartbeat_at=now))
        else:
            # SQLite: the work's transaction holds the one write lock, so no one can reclaim
            # the job before it ends; written in it, the beat shows as soon as they can.
            beating.update(heartbeat_at=now)


def _on_own_connection(write: Callable[[], object]) -> None:
    """Runs `write` in a thread, which has a database connection of its own (committing at
    once, whatever this thread's connection holds open); a failure is logged: a missed beat
    risks only the job being run again, which every job is safe to be.

    It is waited for a few seconds at most: had the work's transaction written the job's row
    (progress reported in it), the write would wait for that transaction, which waits here."""

    def writing() -> None:
        try:
            write()
        except DatabaseError:
            logger.warning("A job's heartbeat could not be recorded.", exc_info=True)
        finally:
            connection.close()  # the thread's own

    thread = threading.Thread(target=writing, name="job-heartbeat", daemon=True)
    thread.start()
    thread.join(timeout=_LONGEST_WAIT_FOR_A_BEAT)


Work = Callable[[Job, Progress], Outcome]


# What each kind of job does in its workspace, as the permission layer names it (the
# action of the page that starts it), and in the words its failure says it in. A job
# acts as whoever started it: each time it runs, they must still be allowed to.
JOB_RIGHTS: dict[str, tuple[Action, str]] = {
    JobKind.CAPTURE: (Action.CONTRIBUTE, "capture web pages"),
    JobKind.IMPORT_FILES: (Action.CONTRIBUTE, "import sources"),
    JobKind.RECAPTURE: (Action.CONTRIBUTE, "recapture sources"),
    JobKind.CORRECT_TEXT: (Action.MANAGE, "correct source texts"),
    JobKind.FIXITY: (Action.MANAGE, "check the fixity of stored files"),
    JobKind.HISTORY_CHAIN: (Action.AUDIT, "verify the history chain"),
    JobKind.EXPORT: (Action.MANAGE, "export the workspace"),
}
# A job a schedule started acts on the decision of whoever set the schedule.
SCHEDULE_RIGHTS: tuple[Action, str] = (Action.MANAGE, "set schedules")


def refusal(*, job: Job, user, rights: tuple[Action, str] | None = None) -> str:
    """Why `user` may not do `job`'s work now, for the job's page ("" if they may): their
    account is deactivated, they are no longer a member of its workspace, or their role
    may not take its action (`rights`; by default its kind's). A job in no workspace (a
    site-wide search index rebuild) is for site staff."""
    name = isolated(user.get_username())
    if not user.is_active:
        return f"{name}'s account is deactivated."
    if job.workspace is None:
        return "" if user.is_staff else f"{name} is no longer site staff."
    # A kind missing from JOB_RIGHTS is refused: no action, no role may (`can`).
    action: Action | None
    action, words = rights or JOB_RIGHTS.get(job.kind) or (None, "do this")
    role = role_in(user, job.workspace)
    if role is None:
        return f"{name} is no longer a member of this workspace."
    if not can(role, action):
        return f"{name}'s role can no longer {words}."
    return ""


def schedule_setter(schedule: Schedule):
    """Who set `schedule` (its first history row's user); None if no one did (a command)."""
    created = (
        Schedule.history.filter(id=schedule.pk, history_type="+")
        .order_by("history_date", "history_id")
        .select_related("history_user")
        .first()
    )
    return created.history_user if created is not None else None


def _acting_refused(job: Job) -> str:
    """Why the job may not run as whoever it acts for ("" if it may): whoever started it,
    else whoever set the schedule that started it. A job started by neither (a command,
    run by the site's operator) acts for no one."""
    if job.started_by is not None:
        return refusal(job=job, user=job.started_by)
    setter = schedule_setter(job.schedule) if job.schedule is not None else None
    if setter is None:
        return ""
    refused = refusal(job=job, user=setter, rights=SCHEDULE_RIGHTS)
    if not refused:
        return ""
    return f"{refused} They set the schedule that started this job: an admin may delete it and set it again."


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


QUEUE_UNAVAILABLE = (
    "The job queue could not be reached, so the job was not started: try again in a while, "
    "or tell whoever runs Warrant."
)


class QueueUnavailable(Exception):
    """The queue did not take the job (its Redis down, say); the job is recorded as failed, saying so."""


def start(
    task: Task,
    *,
    kind: JobKind,
    workspace: Workspace | None = None,
    user=None,
    schedule: Schedule | None = None,
    source: Source | None = None,
    target: str = "",
    arguments: dict | None = None,
) -> Job:
    """Record a job and put its task in the queue (an immediate backend runs it now).
    QueueUnavailable if the queue does not take it: the job is then failed, not left waiting."""
    job = Job.objects.create(
        kind=kind,
        workspace=workspace,
        started_by=user if getattr(user, "is_authenticated", False) else None,
        schedule=schedule,
        source=source,
        target=target[:2000],
        arguments=arguments or {},
    )
    try:
        result = task.using(backend=settings.JOBS_TASK_BACKEND).enqueue(job_id=job.pk)
    except DatabaseError:
        raise  # the queue is a table of this database: the job's own row is not written either
    except Exception as error:  # whatever the queue's client raises when it cannot reach its server
        _fail(job, f"{QUEUE_UNAVAILABLE} ({type(error).__name__}: {error})")
        raise QueueUnavailable(QUEUE_UNAVAILABLE) from error
    Job.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=result.id)
    job.refresh_from_db()
    return job


def run(context: TaskContext, job_id: int, work: Work) -> dict:
    """Do a job's `work`, recording progress and the outcome; the task's return value."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return {"status": "gone"}
    if job.finished:  # a second delivery of the same job: it is done, do nothing
        return {"status": job.status, "summary": job.summary}
    _mark_running(job, context)
    # Every attempt (a retry too) acts as its starter now, not as they were when it was
    # queued: one removed, deactivated or demoted since writes nothing.
    refused = _acting_refused(job)
    if refused:
        return _fail(job, refused)
    try:
        outcome = work(job, Progress(job))
    except TRANSIENT as error:
        return _try_again_later(job, context, _reason(error))
    except (JobFailed, ImportRefused, ValidationError) as error:
        return _fail(job, _reason(error))
    except Exception as error:
        _fail(job, f"Unexpected error ({type(error).__name__}: {error}).")
        raise  # the queue records the traceback too
    return _succeed(job, outcome)


def last_attempt(job: Job) -> bool:
    """Whether the job's current attempt is its last: a network failure now fails it
    instead of queueing it again (its work may then say so, e.g. alert)."""
    return job.attempts > len(settings.JOBS_RETRY_DELAYS)


def _try_again_later(job: Job, context: TaskContext, reason: str) -> dict:
    """Queue the job's task again after the next of JOBS_RETRY_DELAYS, or fail it past the last.

    The worker does not wait: the queue holds the task back (`run_after`), so other
    jobs run meanwhile. A backend that cannot defer (the immediate one) waits here,
    briefly.
    """
    if last_attempt(job):
        return _fail(job, reason)
    delay = settings.JOBS_RETRY_DELAYS[job.attempts - 1]
    # Names the next attempt, as the job's page does in the status of a queued job.
    again = f"trying again as attempt {job.attempts + 1} in {delay:g} s"
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.QUEUED,
        summary=f"Attempt {job.attempts} failed ({reason}); {again}.",
        heartbeat_at=timezone.now(),
    )
    task = context.task_result.task
    if task.get_backend().supports_defer:
        later = task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(job_id=job.pk)
        Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(task_result_id=later.id)
    else:
        time.sleep(min(delay, _LONGEST_WAIT_IN_WORKER))
        task.enqueue(job_id=job.pk)
    return {"status": JobStatus.QUEUED, "retry_in": delay}


def _mark_running(job: Job, context: TaskContext) -> None:
    now = timezone.now()
    job.status = JobStatus.RUNNING
    job.attempts += 1
    job.started_at = job.started_at or now
    job.heartbeat_at = now
    job.worker = worker_name()[:200]
    job.task_result_id = str(context.task_result.id)
    job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "worker", "task_result_id"])


def _succeed(job: Job, outcome: Outcome) -> dict:
    job.status = JobStatus.SUCCEEDED
    job.summary = outcome.summary
    job.result_url = outcome.result_url[:500]
    job.source = outcome.source or job.source
    job.failure = ""
    job.finished_at = timezone.now()
    job.done = job.total = max(job.total, 1)
    job.save(
        update_fields=["status", "summary", "result_url", "source", "failure", "finished_at", "done", "total"]
    )
    return {"status": job.status, "summary": job.summary, "result_url": job.result_url}


def _fail(job: Job, reason: str) -> dict:
    # The queue records the task as done (its work ended as it should): the worker's log says
    # the job failed, and why, beside that.
    logger.warning("Job %s (%s) failed: %s", job.pk, job.kind, reason)
    job.status = JobStatus.FAILED
    job.failure = reason
    job.summary = ""  # what it was doing (or "trying again") no longer holds
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "failure", "summary", "finished_at"])
    return {"status": job.status, "failure": reason}


def _reason(error: Exception) -> str:
    if isinstance(error, ImportRefused):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or type(error).__name__


def reclaim_stale_jobs() -> list[int]:
    """Queue again the running jobs whose worker is gone; their ids.

    A worker on this machine is gone when its process is; one elsewhere when
    it has not reported for settings.JOBS_STALE_AFTER_SECONDS. The task's
    database row goes back to "ready", so the next free worker runs it (the
    job starts over: every job is safe to run twice). A task on another queue
    (Redis) has no such row to put back: its job fails, saying why, for
    someone to try it again.
    """
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS)
    host = socket.gethostname()
    reclaimed = []
    for job in Job.objects.filter(status=JobStatus.RUNNING).only(
        "pk", "worker", "heartbeat_at", "task_result_id"
    ):
        worker_host, _, pid = job.worker.rpartition(":")
        gone = worker_host == host and pid.isdigit() and not _process_alive(int(pid))
        if not (gone or (job.heartbeat_at and job.heartbeat_at < stale_before)):
            continue
        if not _on_database_queue(job):
            Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED, failure=WORKER_STOPPED, summary="", finished_at=now
            )
            logger.warning("Job %s: its worker %s stopped; failed.", job.pk, job.worker)
            continue
        requeued = DBTaskResult.objects.filter(pk=job.task_result_id, status="RUNNING").update(
            status="READY", started_at=None
        )
        if requeued and Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.QUEUED, summary="Its worker stopped; queued again."
        ):
            logger.warning("Job %s: its worker %s stopped; queued again.", job.pk, job.worker)
            reclaimed.append(job.pk)
    return reclaimed


WORKER_STOPPED = "Its worker stopped before it finished."


def _on_database_queue(job: Job) -> bool:
    """Whether the job's task is a row of django-tasks' database queue (whose ids are UUIDs;
    another queue's, such as RQ's, are not)."""
    try:
        uuid.UUID(job.task_result_id)
    except ValueError:
        return False
    return True


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def visible_jobs(user) -> QuerySet[Job]:
    """The jobs `user` started in workspaces they are still a member of (or in none, such
    as a site-wide index rebuild), and every job of the workspaces they administer. A
    removed member's old jobs name the workspace's sources: not theirs to read any more."""
    if not user.is_authenticated:
        return Job.objects.none()
    member_of = Workspace.objects.filter(memberships__user=user).values("pk")
    administered = Workspace.objects.filter(memberships__user=user, memberships__role=Role.ADMIN).values("pk")
    own = Q(started_by=user) & (Q(workspace__isnull=True) | Q(workspace__in=member_of))
    return Job.objects.filter(own | Q(workspace__in=administered)).select_related(
        "workspace", "started_by", "source"
    )


@dataclass(frozen=True)
class JobStatusLine:
    running: int
    last_failure_at: Any


def status_for(user) -> JobStatusLine:
    """How many of `user`'s jobs are queued or running, and when one last failed today (one query):
    of their jobs the jobs page lists (`visible_jobs`), none of a workspace they have left."""
    since = timezone.now() - timedelta(days=1)
    counts = (
        visible_jobs(user)
        .filter(started_by=user)
        .aggregate(
            running=Count("pk", filter=Q(status__in=ACTIVE)),
            last_failure_at=Max("finished_at", filter=Q(status=JobStatus.FAILED, finished_at__gte=since)),
        )
    )
    return JobStatusLine(counts["running"], counts["last_failure_at"])
