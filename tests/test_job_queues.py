"""The real queues: django-tasks' database queue with real worker processes, and RQ on Redis.

The rest of the suite runs jobs at once (the immediate backend); these tests
put a real queue in its place.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskContext, task_backends
from django_tasks_db.models import DBTaskResult

from archive.jobs import tasks
from archive.jobs.running import WORKER_STOPPED, Progress, reclaim_stale_jobs, worker_name
from archive.jobs.schedules import fire_due, set_schedule
from archive.models import (
    Alert,
    AnchorStatus,
    CheckOutcome,
    Job,
    JobKind,
    JobStatus,
    PassageAnchor,
    RecaptureCheck,
    ScheduleKind,
    Source,
    SourceVersion,
)
from tests.pages import AFTER, DELETED, EDITED, KEPT, article
from tests.support import ROOT, fresh_env
from tests.websites import serving

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def _queued_fixity_job(workspace) -> Job:
    job = tasks.start_fixity(workspace=workspace)
    assert job.status == JobStatus.QUEUED  # a queue, not run at once
    return job


def _as_if_running_on(job: Job, worker: str, *, heartbeat_seconds_ago: float = 0) -> None:
    from django.utils import timezone

    DBTaskResult.objects.filter(pk=job.task_result_id).update(status="RUNNING")
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        worker=worker,
        heartbeat_at=timezone.now() - timezone.timedelta(seconds=heartbeat_seconds_ago),
    )


def test_a_second_recapture_of_a_source_gives_the_one_still_queued(database_queue, source, ws_admin):
    first = tasks.start_recapture(source=source, user=ws_admin)
    again = tasks.start_recapture(source=source)
    assert (first.status, again.pk) == (JobStatus.QUEUED, first.pk)
    assert Job.objects.filter(kind=JobKind.RECAPTURE).count() == 1


def test_a_recapture_once_the_last_has_finished_starts_a_new_job(database_queue, source, ws_admin):
    first = tasks.start_recapture(source=source, user=ws_admin)
    Job.objects.filter(pk=first.pk).update(status=JobStatus.FAILED)
    assert tasks.start_recapture(source=source).pk != first.pk


def test_job_of_a_dead_worker_on_this_machine_is_queued_again(database_queue, workspace):
    job = _queued_fixity_job(workspace)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    _as_if_running_on(job, f"{worker_name().rpartition(':')[0]}:{dead.pid}")
    assert reclaim_stale_jobs() == [job.pk]
    assert DBTaskResult.objects.get(pk=job.task_result_id).status == "READY"
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED


def test_job_of_a_live_worker_is_left_alone(database_queue, workspace):
    job = _queued_fixity_job(workspace)
    _as_if_running_on(job, worker_name())
    assert reclaim_stale_jobs() == []
    assert DBTaskResult.objects.get(pk=job.task_result_id).status == "RUNNING"


def test_job_of_a_worker_elsewhere_that_stopped_reporting_is_queued_again(
    database_queue, settings, workspace
):
    job = _queued_fixity_job(workspace)
    _as_if_running_on(job, "elsewhere:1", heartbeat_seconds_ago=settings.JOBS_STALE_AFTER_SECONDS + 1)
    assert reclaim_stale_jobs() == [job.pk]


def test_a_stale_job_of_another_queue_fails_and_the_database_queues_job_is_still_queued_again(
    database_queue, settings, workspace
):
    on_redis, on_database = _queued_fixity_job(workspace), _queued_fixity_job(workspace)
    Job.objects.filter(pk=on_redis.pk).update(task_result_id="WuJoEM2rq-job-id")  # RQ's ids are not UUIDs
    for job in (on_redis, on_database):
        _as_if_running_on(job, "elsewhere:1", heartbeat_seconds_ago=settings.JOBS_STALE_AFTER_SECONDS + 1)
    assert reclaim_stale_jobs() == [on_database.pk]
    failed = Job.objects.get(pk=on_redis.pk)
    assert (failed.status, failed.failure) == (JobStatus.FAILED, WORKER_STOPPED)
    assert Job.objects.get(pk=on_database.pk).status == JobStatus.QUEUED


def _running_elsewhere(settings, workspace) -> Progress:
    """A job a worker on another machine runs, with stale-after set to half a second; its progress."""
    settings.JOBS_STALE_AFTER_SECONDS = 0.5
    job = _queued_fixity_job(workspace)
    _as_if_running_on(job, "elsewhere:1")
    return Progress(Job.objects.get(pk=job.pk))


@pytest.mark.django_db(transaction=True)
def test_a_job_that_keeps_beating_is_not_reclaimed_however_long_it_runs(database_queue, settings, workspace):
    progress = _running_elsewhere(settings, workspace)
    for _ in range(4):  # twice the stale period in all
        time.sleep(0.25)
        progress.beat()
    assert reclaim_stale_jobs() == []


@pytest.mark.django_db(transaction=True)
def test_a_job_that_stops_beating_is_reclaimed(database_queue, settings, workspace):
    progress = _running_elsewhere(settings, workspace)
    time.sleep(0.25)
    progress.beat()
    time.sleep(0.6)
    assert reclaim_stale_jobs() == [progress.job.pk]


def _heartbeat_seen_elsewhere(job: Job):
    """The job's heartbeat as another process reads it (another connection)."""
    seen = []

    def read() -> None:
        try:
            seen.append(Job.objects.get(pk=job.pk).heartbeat_at)
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return seen[0]


@pytest.mark.django_db(transaction=True)
def test_a_beat_in_the_works_transaction_is_seen_before_it_ends(database_queue, settings, workspace):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has one writer: no one reclaims a job while its transaction is open")
    progress = _running_elsewhere(settings, workspace)
    with transaction.atomic():  # as an export reads its rows
        time.sleep(0.25)
        progress.beat()
        assert _heartbeat_seen_elsewhere(progress.job) == progress.job.heartbeat_at


# --- Retries wait in the queue, not in the worker ----------------------------------


def test_a_job_that_failed_on_the_network_is_queued_again_to_run_after_the_delay(
    settings, workspace, analyst
):
    settings.JOBS_TASK_BACKEND = "dummy"  # keeps what is enqueued without running it
    settings.JOBS_RETRY_DELAYS = [120]
    settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]
    queue = task_backends["dummy"]
    queue.clear()
    with serving(failures=1) as site:
        job = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/flaky")
        [first] = queue.results
        first.task.call(TaskContext(task_result=first), job_id=job.pk)
    [_, again] = queue.results
    job.refresh_from_db()
    assert (job.status, job.task_result_id, again.kwargs) == (JobStatus.QUEUED, again.id, {"job_id": job.pk})
    assert again.task.run_after - timezone.now() > timedelta(seconds=110)


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_next_job_while_a_failed_one_waits_to_try_again(
    database_queue, settings, workspace, analyst
):
    settings.JOBS_RETRY_DELAYS = [120]
    settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]
    with serving(failures=1) as site:
        waiting = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/flaky")
        following = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/article")
        started = time.monotonic()
        # In this process, until no task is ready: the retry is not, for two minutes.
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=StringIO())
    assert time.monotonic() - started < 60
    assert Job.objects.get(pk=following.pk).status == JobStatus.SUCCEEDED
    assert Job.objects.get(pk=waiting.pk).summary.endswith("trying again as attempt 2 in 120 s.")


# --- Real worker processes ------------------------------------------------------


def _database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        return (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    return f"sqlite:///{database['NAME']}"


def _in_memory_database() -> bool:
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and (":memory:" in name or "mode=memory" in name)


def _start_worker(tmp_path: Path, settings) -> subprocess.Popen:
    env = fresh_env(
        DATABASE_URL=_database_url(),
        DEBUG="true",
        VAR_DIR=str(tmp_path),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        CAPTURE_ALLOWED_PRIVATE_NETWORKS="127.0.0.0/8",
        JOBS_RETRY_DELAYS="0.1",
    )
    command = ["manage.py", "db_worker", "--no-reload", "--interval", "0.1", "--no-startup-delay"]
    return subprocess.Popen(
        [sys.executable, *command], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _wait_until(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise TimeoutError(what)


@pytest.mark.django_db(transaction=True)
def test_a_job_survives_its_worker_killed_mid_job_and_finishes_once(
    database_queue, settings, tmp_path, workspace, analyst
):
    if _in_memory_database():
        pytest.skip("worker processes need a database file or server (CI runs this on PostgreSQL)")
    gate = tmp_path / "gate"
    with serving(gate=gate) as site:
        settings.CAPTURE_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]
        job = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/gate")
        first = _start_worker(tmp_path, settings)
        try:
            _wait_until(lambda: site.paths == ["/gate"], "the first worker to fetch the page")
            _wait_until(lambda: Job.objects.get(pk=job.pk).status == JobStatus.RUNNING, "the job to run")
        finally:
            first.send_signal(signal.SIGKILL)  # mid-job: the page has not answered yet
            first.wait()
        gate.touch()
        second = _start_worker(tmp_path, settings)
        try:
            _wait_until(lambda: Job.objects.get(pk=job.pk).finished, "the second worker to finish the job")
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2), job.failure
    assert site.paths == ["/gate", "/gate"]
    assert Source.objects.filter(workspace=workspace).count() == 1
    assert DBTaskResult.objects.get(pk=job.task_result_id).status == "SUCCESSFUL"


# --- RQ on Redis ------------------------------------------------------------------


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(settings_redis_url(), socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False


def settings_redis_url() -> str:
    from django.conf import settings

    return settings.RQ_QUEUES["default"]["URL"]


@pytest.fixture
def rq_queue(settings):
    """The RQ backend on the Redis at 127.0.0.1:6379 (CI starts one; elsewhere skipped without it)."""
    if os.environ.get("CI") != "true" and not _redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379")
    import django_rq
    from django_tasks_rq.backend import Job as RQJob

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    queue = django_rq.get_queue("default", job_class=RQJob)
    queue.empty()
    yield queue
    queue.empty()


def test_a_job_enqueued_on_redis_is_run_by_an_rq_worker(rq_queue, workspace, ws_admin):
    from rq import SimpleWorker

    job = tasks.start_fixity(workspace=workspace, user=ws_admin)
    assert job.status == JobStatus.QUEUED
    assert rq_queue.job_ids == [job.task_result_id]
    # In this process (a SimpleWorker does not fork), so it sees the test's database.
    SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=rq_queue.job_class).work(burst=True)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.failure
    assert job.summary == "Verified 0 sources: 0 intact, 0 with problems."
    assert tasks.check_fixity.using(backend="default").get_result(job.task_result_id).status == "SUCCESSFUL"


# --- A scheduled recapture, end to end on the real queue ----------------------------


def _run_worker_until_finished(tmp_path: Path, settings, job: Job) -> Job:
    worker = _start_worker(tmp_path, settings)
    try:
        _wait_until(lambda: Job.objects.get(pk=job.pk).finished, "the worker to finish the recapture")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    job.refresh_from_db()
    return job


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_recapture_on_the_real_queue_records_the_change_then_nothing_new(
    database_queue, settings, tmp_path, live_site, captured, ws_admin
):
    if _in_memory_database():
        pytest.skip("worker processes need a database file or server (CI runs this on PostgreSQL)")
    source, evidence = captured
    set_schedule(
        workspace=source.workspace,
        user=ws_admin,
        kind=ScheduleKind.RECAPTURE,
        every_hours=24,
        enabled=True,
        source=source,
    )
    live_site.serve("/daraa", article(AFTER))  # a cited sentence edited, another deleted

    call_command("run_schedules", stdout=StringIO())
    [job] = Job.objects.filter(kind=JobKind.RECAPTURE)
    assert job.status == JobStatus.QUEUED
    job = _run_worker_until_finished(tmp_path, settings, job)

    assert job.status == JobStatus.SUCCEEDED, job.failure
    assert job.summary.startswith("new version 2")
    first, second = SourceVersion.objects.filter(source=source).order_by("number")
    assert first.original_sha256 != second.original_sha256 and first.text_sha256 != second.text_sha256
    statuses = {
        anchor.carried_from.exact: anchor.status
        for anchor in PassageAnchor.objects.filter(source_version=second).select_related("carried_from")
    }
    assert (statuses[EDITED], statuses[KEPT], statuses[DELETED]) == (
        AnchorStatus.FUZZY,
        AnchorStatus.MOVED,
        AnchorStatus.ORPHANED,
    )
    alerted = set(Alert.objects.filter(source=source).values_list("evidence_id", flat=True))
    assert alerted == {evidence["edited"].pk, evidence["deleted"].pk}
    alerts = Alert.objects.count()

    # A day later the page has not changed: the next firing records "unchanged" and nothing new.
    [again] = fire_due(now=timezone.now() + timedelta(hours=25))
    again = _run_worker_until_finished(tmp_path, settings, again)
    assert (again.status, again.summary) == (JobStatus.SUCCEEDED, "unchanged")
    assert SourceVersion.objects.filter(source=source).count() == 2
    assert Alert.objects.count() == alerts
    assert (
        list(RecaptureCheck.objects.filter(source=source).values_list("outcome", flat=True).order_by("pk"))[
            -1
        ]
        == CheckOutcome.UNCHANGED
    )


def test_an_rq_worker_runs_django_tasks_rq_jobs_without_being_told():
    from django_rq.workers import get_worker
    from django_tasks_rq.backend import Job as RQJob

    # `manage.py rqworker default`, as scripts/serve.py starts it: RQ's own job class fails every task.
    assert get_worker("default").job_class is RQJob
