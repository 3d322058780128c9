"""A job's page: "Try again" on a failed capture, recapture or upload, for whoever may start it."""

import re
import time
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.jobs import running, tasks
from archive.models import Job, JobKind, JobStatus, Membership, Role
from archive.sources.importing.staging import discard
from archive.workspaces import remove_member
from tests.pages import article, capture_source
from tests.websites import capturable

TRY_AGAIN = ">Try again</button>"


@pytest.fixture
def site(settings):
    with capturable(settings) as site:
        yield site


@pytest.fixture
def failed_capture(site, workspace, analyst) -> Job:
    job = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/gone")
    assert job.status == JobStatus.FAILED
    return job


def _page(client, job: Job) -> str:
    return client.get(reverse("archive:job", args=[job.pk])).content.decode()


def _try_again(client, job: Job):
    return client.post(reverse("archive:job", args=[job.pk]))


def test_try_again_is_offered_on_a_failed_capture_but_not_on_a_success_or_a_fixity_check(
    client, site, analyst, workspace, failed_capture
):
    succeeded = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/article")
    fixity = Job.objects.create(kind=JobKind.FIXITY, workspace=workspace, started_by=analyst, status="failed")
    client.force_login(analyst)
    offered = {
        job.kind + " " + job.status: TRY_AGAIN in _page(client, job)
        for job in (failed_capture, succeeded, fixity)
    }
    assert offered == {"capture failed": True, "capture succeeded": False, "fixity failed": False}


def test_trying_a_capture_again_captures_the_same_address_in_a_new_job_and_opens_its_page(
    client, analyst, failed_capture
):
    client.force_login(analyst)
    response = _try_again(client, failed_capture)
    again = Job.objects.exclude(pk=failed_capture.pk).get()
    assert response.url == f"{reverse('archive:job', args=[again.pk])}?go=1"
    assert (again.kind, again.workspace, again.arguments, again.started_by) == (
        JobKind.CAPTURE,
        failed_capture.workspace,
        failed_capture.arguments,
        failed_capture.started_by,
    )


def test_an_admin_tries_an_analysts_capture_again_as_themselves(client, ws_admin, failed_capture):
    client.force_login(ws_admin)
    _try_again(client, failed_capture)
    assert Job.objects.exclude(pk=failed_capture.pk).get().started_by == ws_admin


def test_try_again_is_offered_only_to_a_role_that_starts_the_job(client, analyst, failed_capture):
    client.force_login(analyst)
    assert TRY_AGAIN in _page(client, failed_capture)
    Membership.objects.filter(user=analyst).update(role=Role.REVIEWER)
    assert TRY_AGAIN not in _page(client, failed_capture)


def test_a_member_whose_role_no_longer_captures_is_refused_trying_again(client, analyst, failed_capture):
    Membership.objects.filter(user=analyst).update(role=Role.REVIEWER)
    client.force_login(analyst)
    assert _try_again(client, failed_capture).status_code == 403
    assert Job.objects.count() == 1


def test_a_removed_member_no_longer_opens_or_lists_the_jobs_they_started_there(
    client, analyst, ws_admin, failed_capture
):
    remove_member(membership=Membership.objects.get(user=analyst), user=ws_admin, reason="left the team")
    client.force_login(analyst)
    assert client.get(reverse("archive:job", args=[failed_capture.pk])).status_code == 404
    assert failed_capture.target not in client.get(reverse("archive:jobs")).content.decode()


@pytest.fixture
def succeeded(site, workspace, analyst) -> Job:
    return tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/article")


def test_trying_a_job_that_succeeded_again_starts_nothing_and_says_why(client, analyst, succeeded):
    client.force_login(analyst)
    response = _try_again(client, succeeded)
    assert Job.objects.count() == 1
    assert "This job cannot be tried again." in client.get(response.url).content.decode()


def test_trying_a_recapture_again_recaptures_the_same_source(client, live_site, workspace, analyst):
    source = capture_source(
        live_site.serve("/daraa", article(["Water trucks came."])), workspace=workspace, user=analyst
    )
    live_site.serve("/daraa", b"gone", status=404)
    failed = tasks.start_recapture(source=source, user=analyst)
    live_site.serve("/daraa", article(["Water trucks came twice."]))
    client.force_login(analyst)
    _try_again(client, failed)
    again = Job.objects.exclude(pk=failed.pk).get()
    assert (again.kind, again.source, again.status) == (JobKind.RECAPTURE, source, JobStatus.SUCCEEDED)


def _failed_file_import(client, workspace) -> Job:
    png = b"\x89PNG\r\n\x1a\n" + bytes(40)
    files = [SimpleUploadedFile(f"photo-{n}.pdf", png + bytes([n])) for n in (1, 2)]
    client.post(reverse("archive:import", args=[workspace.slug]), {"file": files})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    return job


def test_try_again_is_offered_for_a_failed_file_import_only_while_its_uploads_are_kept(
    client, analyst, workspace
):
    client.force_login(analyst)
    job = _failed_file_import(client, workspace)
    assert TRY_AGAIN in _page(client, job)
    discard(job.arguments["files"][0][1])
    assert TRY_AGAIN not in _page(client, job)


def test_trying_a_file_import_again_imports_the_same_uploads(client, analyst, workspace):
    client.force_login(analyst)
    job = _failed_file_import(client, workspace)
    _try_again(client, job)
    again = Job.objects.exclude(pk=job.pk).get()
    assert (again.kind, again.arguments) == (JobKind.IMPORT_FILES, job.arguments)


def test_a_job_waiting_to_try_again_names_the_same_next_attempt_in_its_status_and_note(
    client, settings, analyst, workspace, monkeypatch
):
    client.force_login(analyst)
    pages = []
    # The page as it is while the job waits between attempts (the immediate backend waits in the worker).
    waiting = SimpleNamespace(sleep=lambda seconds: pages.append(_page(client, Job.objects.get())))
    monkeypatch.setattr(running, "time", SimpleNamespace(monotonic=time.monotonic, sleep=waiting.sleep))
    with capturable(settings, failures=2) as site:
        tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/flaky")
    after_second = pages[1]
    status = re.search(r'<dd class="job-queued"[^>]*>(.*?)</dd>', after_second)
    note = re.search(r"<dt>Now</dt><dd><bdi>(.*?)</bdi>", after_second)
    assert status and status.group(1) == "queued (attempt 3)"
    assert note and note.group(1).startswith("Attempt 2 failed") and "attempt 3" in note.group(1)
