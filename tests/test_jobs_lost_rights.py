"""A job acts with its starter's rights as they are when it runs, not as they were when it was
queued: removed, deactivated or demoted since, it fails saying so and writes nothing. Its page
offers an export's ZIP only to whom the download serves it, and the header counts only the jobs
the jobs page lists."""

from collections.abc import Callable

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks import task_backends

from archive.backups.packed import is_kept
from archive.jobs import running, tasks
from archive.jobs.running import status_for
from archive.jobs.schedules import fire_due, set_schedule
from archive.models import (
    FixityCheck,
    HistoryVerification,
    Job,
    JobKind,
    JobStatus,
    Membership,
    Role,
    ScheduleKind,
    Source,
    SourceVersion,
)
from archive.workspaces import remove_member, set_role
from tests.factories import MembershipFactory, PassageFactory, SourceFactory, UserFactory
from tests.pages import article, capture_source
from tests.websites import capturable


def _name(user) -> str:
    return f"\u2068{user.username}\u2069"  # as messages isolate a name (archive.core.text.isolated)


@pytest.fixture
def queued_only(settings):
    """Jobs are queued and not run (the worker is stopped) until `_run_queued` runs one."""
    settings.JOBS_TASK_BACKEND = "dummy"
    yield
    task_backends["dummy"].clear()


def _run_queued(job: Job) -> Job:
    """Runs `job`'s queued task now, as the worker would once started; the job as it ended."""
    [queued] = [result for result in task_backends["dummy"].results if result.id == job.task_result_id]
    queued.task.using(backend="default").enqueue(*queued.args, **queued.kwargs)
    job.refresh_from_db()
    return job


@pytest.fixture
def other_admin(workspace):
    """A second admin of the workspace, who takes the first's rights away."""
    return MembershipFactory(
        workspace=workspace, role=Role.ADMIN, user=UserFactory(username="other-admin")
    ).user


def _removed(workspace, user, by) -> str:
    remove_member(membership=Membership.objects.get(workspace=workspace, user=user), user=by, reason="left")
    return f"{_name(user)} is no longer a member of this workspace."


def _deactivated(workspace, user, by) -> str:
    user.is_active = False
    user.save(update_fields=["is_active"])
    return f"{_name(user)}'s account is deactivated."


def _demoted(workspace, user, by) -> str:
    set_role(workspace=workspace, member=user, role=Role.REVIEWER, user=by, reason="reviews now")
    return f"{_name(user)}'s role can no longer import sources."


@pytest.mark.parametrize("take_rights_away", [_removed, _deactivated, _demoted])
def test_a_queued_file_import_whose_starter_lost_their_rights_fails_saying_so_and_imports_nothing(
    queued_only, client, workspace, analyst, ws_admin, take_rights_away: Callable[..., str]
):
    client.force_login(analyst)
    files = [
        SimpleUploadedFile(f"report-{n}.txt", text.encode(), content_type="text/plain")
        for n, text in enumerate(["The road to Daraa was cut.", "The pumping station stopped."], start=1)
    ]
    client.post(reverse("archive:import", args=[workspace.slug]), {"file": files})
    job = Job.objects.get(kind=JobKind.IMPORT_FILES)
    assert job.status == JobStatus.QUEUED
    said = take_rights_away(workspace, analyst, ws_admin)

    job = _run_queued(job)

    assert (job.status, job.failure) == (JobStatus.FAILED, said)
    assert not Source.objects.exists() and not Source.history.exists()
    client.force_login(ws_admin)
    assert said.replace("'", "&#x27;") in client.get(reverse("archive:job", args=[job.pk])).content.decode()


def test_a_file_import_whose_starter_is_removed_while_it_runs_stops_there(
    queued_only, client, workspace, analyst, ws_admin, monkeypatch
):
    monkeypatch.setattr(running, "_RIGHTS_EVERY_SECONDS", 0)
    client.force_login(analyst)
    texts = ["The road to Daraa was cut.", "The pumping station stopped.", "Water ran on Friday."]
    files = [
        SimpleUploadedFile(f"report-{n}.txt", text.encode(), content_type="text/plain")
        for n, text in enumerate(texts, start=1)
    ]
    client.post(reverse("archive:import", args=[workspace.slug]), {"file": files})
    job = Job.objects.get(kind=JobKind.IMPORT_FILES)
    importing = tasks.import_examined

    def import_then_leave(**kwargs):
        result = importing(**kwargs)
        if not Source.objects.exclude(pk=result.source.pk).exists():  # after the first file
            _removed(workspace, analyst, ws_admin)
        return result

    monkeypatch.setattr(tasks, "import_examined", import_then_leave)
    job = _run_queued(job)

    assert job.status == JobStatus.FAILED
    assert (
        job.failure == f"{_name(analyst)} is no longer a member of this workspace. It stopped after 1 of 3."
    )
    assert Source.objects.count() == 1


def test_a_capture_whose_starter_is_removed_between_attempts_is_not_tried_again(
    settings, monkeypatch, workspace, analyst, ws_admin
):
    try_again_later = running._try_again_later

    def removed_meanwhile(job, context, reason):
        _removed(workspace, analyst, ws_admin)  # while the first attempt waits to be tried again
        return try_again_later(job, context, reason)

    monkeypatch.setattr(running, "_try_again_later", removed_meanwhile)
    with capturable(settings, failures=1) as site:
        job = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/flaky")
    assert site.paths == ["/flaky"]  # the second attempt fetched nothing
    assert (job.status, job.attempts) == (JobStatus.FAILED, 2)
    assert job.failure == f"{_name(analyst)} is no longer a member of this workspace."
    assert not Source.objects.exists()


def _start_capture(workspace, user, live_site):
    return tasks.start_capture(
        workspace=workspace, user=user, url=live_site.serve("/a", article(["Trucks."]))
    )


def _start_recapture(workspace, user, live_site):
    source = capture_source(live_site.serve("/b", article(["Trucks."])), workspace=workspace, user=user)
    live_site.serve("/b", article(["Trucks came twice."]))
    return tasks.start_recapture(source=source, user=user)


def _start_text_correction(workspace, user, live_site):
    source = SourceFactory(workspace=workspace, text="Daraa withstood.")
    PassageFactory(source=source, start=0, length=5)
    return tasks.start_text_correction(
        source=source, user=user, text="Daraa held.", reason="typo", version=source.version
    )


def _start_fixity(workspace, user, live_site):
    SourceFactory(workspace=workspace)
    return tasks.start_fixity(workspace=workspace, user=user)


def _start_history_chain(workspace, user, live_site):
    return tasks.start_history_chain(workspace=workspace, user=user)


def _start_export(workspace, user, live_site):
    return tasks.start_export(workspace=workspace, user=user)


def _nothing_captured(workspace) -> bool:
    return not Source.objects.filter(workspace=workspace).exists()


def _one_version(workspace) -> bool:
    return SourceVersion.objects.filter(source__workspace=workspace).count() == 1


def _text_unchanged(workspace) -> bool:
    return Source.objects.get(workspace=workspace).text == "Daraa withstood."


def _no_fixity_check(workspace) -> bool:
    return not FixityCheck.objects.exists()


def _no_verification(workspace) -> bool:
    return not HistoryVerification.objects.exists()


def _no_export(workspace) -> bool:
    return not is_kept(tasks.export_name(Job.objects.get(kind=JobKind.EXPORT)))


@pytest.mark.parametrize(
    ("start", "role", "demoted_to", "words", "wrote_nothing"),
    [
        (_start_capture, Role.ANALYST, Role.REVIEWER, "capture web pages", _nothing_captured),
        (_start_recapture, Role.ANALYST, Role.REVIEWER, "recapture sources", _one_version),
        (_start_text_correction, Role.ADMIN, Role.ANALYST, "correct source texts", _text_unchanged),
        (_start_fixity, Role.ADMIN, Role.ANALYST, "check the fixity of stored files", _no_fixity_check),
        (_start_history_chain, Role.ADMIN, Role.ANALYST, "verify the history chain", _no_verification),
        (_start_export, Role.ADMIN, Role.REVIEWER, "export the workspace", _no_export),
    ],
)
def test_every_kind_of_job_fails_once_its_starters_role_no_longer_takes_its_action(
    queued_only, live_site, workspace, start, role, demoted_to, words, wrote_nothing
):
    starter = MembershipFactory(workspace=workspace, role=role, user=UserFactory(username="starter")).user
    job = start(workspace, starter, live_site)
    Membership.objects.filter(user=starter).update(role=demoted_to)
    assert job.status == JobStatus.QUEUED
    job = _run_queued(job)
    assert (job.status, job.failure) == (JobStatus.FAILED, f"{_name(starter)}'s role can no longer {words}.")
    assert wrote_nothing(workspace)


def test_a_history_chain_verification_still_runs_for_its_starter_demoted_to_a_role_that_verifies(
    queued_only, workspace, ws_admin, other_admin
):
    job = tasks.start_history_chain(workspace=workspace, user=ws_admin)
    # Reviewers verify the chain too (set_role: a change outside the history would fail it).
    set_role(workspace=workspace, member=ws_admin, role=Role.REVIEWER, user=other_admin, reason="reviews")
    assert _run_queued(job).status == JobStatus.SUCCEEDED
    assert HistoryVerification.objects.get().run_by == ws_admin


def test_a_site_wide_search_index_rebuild_fails_once_its_starter_is_no_longer_staff(queued_only, superuser):
    job = tasks.start_search_rebuild(user=superuser)
    superuser.is_staff = False
    superuser.save(update_fields=["is_staff"])
    job = _run_queued(job)
    assert (job.status, job.failure) == (JobStatus.FAILED, f"{_name(superuser)} is no longer site staff.")


def test_a_job_started_by_a_command_acts_for_no_one_and_runs(queued_only, workspace, source):
    job = tasks.start_fixity(workspace=workspace)
    assert _run_queued(job).status == JobStatus.SUCCEEDED


@pytest.mark.parametrize("kind", [ScheduleKind.FIXITY, ScheduleKind.RECAPTURE])
def test_a_schedule_set_by_an_admin_removed_since_fails_its_runs_saying_so(
    queued_only, kind, workspace, ws_admin, other_admin
):
    source = SourceFactory(workspace=workspace, original_url="https://hawranvoice.example/daraa")
    set_schedule(
        workspace=workspace,
        user=ws_admin,
        kind=kind,
        source=source if kind == ScheduleKind.RECAPTURE else None,
        every_hours=24,
        enabled=True,
    )
    versions = SourceVersion.objects.filter(source=source).count()
    said = _removed(workspace, ws_admin, other_admin)
    [job] = fire_due()
    job = _run_queued(job)
    assert job.status == JobStatus.FAILED
    assert job.failure == (
        f"{said} They set the schedule that started this job: an admin may delete it and set it again."
    )
    assert not FixityCheck.objects.exists()
    assert SourceVersion.objects.filter(source=source).count() == versions
    assert not source.recapture_checks.exists()


def test_a_schedule_set_by_an_admin_demoted_since_fails_its_runs_saying_so(
    queued_only, workspace, ws_admin, other_admin
):
    set_schedule(workspace=workspace, user=ws_admin, kind=ScheduleKind.FIXITY, every_hours=24, enabled=True)
    set_role(workspace=workspace, member=ws_admin, role=Role.ANALYST, user=other_admin, reason="analyses now")
    [job] = fire_due()
    assert _run_queued(job).failure.startswith(f"{_name(ws_admin)}'s role can no longer set schedules.")


def test_a_schedule_whose_setter_is_still_an_admin_runs(queued_only, workspace, ws_admin, source):
    set_schedule(workspace=workspace, user=ws_admin, kind=ScheduleKind.FIXITY, every_hours=24, enabled=True)
    [job] = fire_due()
    assert _run_queued(job).status == JobStatus.SUCCEEDED
    assert FixityCheck.objects.count() == 1


# --- The job page's download link ---------------------------------------------

DOWNLOAD_LINK = ">Download the ZIP file</a>"


@pytest.fixture
def export(client, workspace, ws_admin) -> Job:
    client.force_login(ws_admin)
    client.post(reverse("archive:workspace_export", args=[workspace.slug]))
    job = Job.objects.get(kind=JobKind.EXPORT)
    assert job.status == JobStatus.SUCCEEDED
    return job


def _job_page(client, job: Job) -> str:
    return client.get(reverse("archive:job", args=[job.pk])).content.decode()


def test_the_page_of_an_export_offers_no_zip_to_its_starter_demoted_since_and_says_why(
    client, workspace, ws_admin, other_admin, export
):
    assert DOWNLOAD_LINK in _job_page(client, export)
    set_role(workspace=workspace, member=ws_admin, role=Role.ANALYST, user=other_admin, reason="analyses now")
    page = _job_page(client, export)
    assert DOWNLOAD_LINK not in page
    assert (
        "The ZIP is not offered here: only the workspace&#x27;s admins download its exports, "
        "and your role in it is now analyst."
    ) in page
    # The download refuses them too: the page offers exactly what it serves.
    assert client.get(export.result_url).status_code == 403


def test_the_page_of_an_export_no_longer_kept_says_so_instead_of_offering_it(client, export):
    default_storage.delete(tasks.export_name(export).stored)
    page = _job_page(client, export)
    assert DOWNLOAD_LINK not in page
    assert "The ZIP is no longer kept: exports are kept for 7 days." in page


# --- The header's job status --------------------------------------------------


def test_the_header_counts_no_job_of_a_workspace_its_member_has_left(
    client, settings, workspace, analyst, ws_admin
):
    with capturable(settings) as site:
        tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/gone")  # fails
    Job.objects.create(kind=JobKind.CAPTURE, workspace=workspace, started_by=analyst)  # queued
    assert status_for(analyst).running == 1 and status_for(analyst).last_failure_at is not None
    _removed(workspace, analyst, ws_admin)
    client.force_login(analyst)
    assert "Jobs</a>" in client.get(reverse("archive:jobs")).content.decode()  # no count, no failure
    assert (status_for(analyst).running, status_for(analyst).last_failure_at) == (0, None)


def test_the_header_counts_the_jobs_a_member_started_not_every_job_they_may_see(
    django_assert_num_queries, workspace, analyst, ws_admin
):
    # An admin's jobs page lists the analyst's job; the header still counts only their own.
    Job.objects.create(kind=JobKind.CAPTURE, workspace=workspace, started_by=analyst)
    with django_assert_num_queries(1):
        assert status_for(ws_admin).running == 0
    assert status_for(analyst).running == 1
