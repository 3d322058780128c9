"""Background jobs: what they do, that they are safe to run twice, retries, and who sees them."""

import logging
import re
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from archive.jobs import tasks
from archive.models import FixityCheck, HistoryVerification, Job, JobStatus, SearchDocument, Source
from tests.factories import OutletFactory, PassageFactory, SourceFactory
from tests.pages import article, capture_source
from tests.websites import capturable

PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)


@pytest.fixture
def site(settings):
    with capturable(settings, failures=2) as site:
        yield site


def test_url_capture_from_the_import_page_runs_as_a_job_and_lands_on_the_reading_page(
    site, client, analyst, workspace
):
    client.force_login(analyst)
    response = client.post(reverse("archive:import", args=[workspace.slug]), {"url": f"{site.url}/article"})
    job = Job.objects.get()
    assert response.url == f"{reverse('archive:job', args=[job.pk])}?go=1"
    landed = client.get(response.url)
    source = Source.objects.get(workspace=workspace)
    assert landed.url == reverse("archive:source", args=[workspace.slug, source.pk])
    assert (job.kind, job.started_by, job.target) == ("capture", analyst, f"{site.url}/article")
    job.refresh_from_db()
    assert (job.status, job.source, job.attempts) == (JobStatus.SUCCEEDED, source, 1)
    assert source.capture.final_url == f"{site.url}/article"
    assert source.title == "Water station out of service after shelling"  # the proposed title


def test_a_captured_page_named_by_an_existing_outlet_lands_saying_it_was_attached_to_it(
    site, client, analyst, workspace
):
    existing = OutletFactory(workspace=workspace, name="HAWRAN VOICE", reliability="B")
    client.force_login(analyst)
    started = client.post(reverse("archive:import", args=[workspace.slug]), {"url": f"{site.url}/article"})
    landed = client.get(started.url, follow=True).content.decode()
    assert Source.objects.get().outlet == existing
    assert (
        "Attached to the existing outlet “\u2068HAWRAN VOICE\u2069” (B: usually reliable), "
        "which the name “\u2068Hawran Voice\u2069” matched."
    ) in landed


def test_capturing_a_page_already_archived_lands_on_it_saying_so(site, client, analyst, workspace):
    client.force_login(analyst)
    url = reverse("archive:import", args=[workspace.slug])
    client.post(url, {"url": f"{site.url}/article"})
    again = client.post(url, {"url": f"{site.url}/article"})
    landed = client.get(again.url, follow=True)
    assert landed.redirect_chain[-1][0] == reverse(
        "archive:source", args=[workspace.slug, Source.objects.get().pk]
    )
    assert "Already archived" in landed.content.decode()


def test_a_page_whose_text_is_archived_is_captured_as_a_separate_source_when_asked(
    site, client, analyst, workspace
):
    client.force_login(analyst)
    url = reverse("archive:import", args=[workspace.slug])
    client.post(url, {"url": f"{site.url}/article"})
    client.get(client.post(url, {"url": f"{site.url}/article", "separate": "on"}).url)
    first, second = Source.objects.filter(workspace=workspace).order_by("pk")
    assert first.text_sha256 == second.text_sha256
    assert second.capture.requested_url == f"{site.url}/article" and second.capture.warc_sha256


def test_a_separate_capture_run_again_after_its_work_was_done_archives_the_page_once(
    site, analyst, workspace
):
    tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/article")
    job = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/article", separate=True)
    made = job.source
    # As if the worker died after saving the source but before recording the outcome.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    tasks.capture_page.enqueue(job_id=job.pk)
    job.refresh_from_db()
    assert Source.objects.filter(workspace=workspace).count() == 2
    assert (job.status, job.source) == (JobStatus.SUCCEEDED, made)


def test_capture_job_run_again_after_its_work_was_done_archives_the_page_once(site, analyst, workspace):
    job = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/article")
    first = job.source
    # As if the worker died after saving the source but before recording the outcome.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    tasks.capture_page.enqueue(job_id=job.pk)
    job.refresh_from_db()
    assert Source.objects.filter(workspace=workspace).count() == 1
    assert (job.status, job.source, job.result_url) == (
        JobStatus.SUCCEEDED,
        first,
        reverse("archive:source", args=[workspace.slug, first.pk]),
    )
    assert job.summary.startswith("Already archived")


def test_a_finished_job_delivered_again_does_nothing(site, analyst, workspace):
    job = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/article")
    requests = len(site.paths)
    result = tasks.capture_page.enqueue(job_id=job.pk)
    assert result.return_value["status"] == JobStatus.SUCCEEDED
    assert len(site.paths) == requests
    assert Job.objects.get(pk=job.pk).attempts == 1


def test_capture_is_retried_with_back_off_on_network_errors_until_the_site_answers(site, analyst, workspace):
    job = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/flaky")
    assert site.paths == ["/flaky"] * 3
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 3)
    assert Source.objects.filter(workspace=workspace).count() == 1


def test_network_errors_past_the_last_retry_fail_the_job_with_the_reason(site, settings, analyst, workspace):
    settings.JOBS_RETRY_DELAYS = [0.01]
    job = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/flaky")
    assert (job.status, job.attempts) == (JobStatus.FAILED, 2)
    assert "answered HTTP 503" in job.failure


def test_a_job_that_failed_past_its_last_retry_no_longer_says_it_will_try_again(
    site, settings, client, analyst, workspace
):
    settings.JOBS_RETRY_DELAYS = [0.01]
    job = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/flaky")
    client.force_login(analyst)
    page = client.get(reverse("archive:job", args=[job.pk])).content.decode()
    assert job.summary == ""
    assert "trying again" not in page


def test_a_failed_recapture_gives_its_reason_without_repeating_that_it_failed(live_site, workspace, analyst):
    source = capture_source(
        live_site.serve("/daraa", article(["Water trucks came."])), workspace=workspace, user=analyst
    )
    live_site.serve("/daraa", b"gone", status=404)
    job = tasks.start_recapture(source=source, user=analyst)
    assert job.status == JobStatus.FAILED
    assert job.failure.startswith(f"{live_site.url}/daraa answered HTTP 404")


def _resolving_fails(monkeypatch, errno: int) -> None:
    def getaddrinfo(*args, **kwargs):
        raise socket.gaierror(errno, "as the resolver says")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_only_a_host_name_that_does_not_exist_fails_without_being_tried_again(
    monkeypatch, analyst, workspace
):
    attempts = {}
    for errno in (socket.EAI_NONAME, socket.EAI_AGAIN):  # no such name; the resolver did not answer
        _resolving_fails(monkeypatch, errno)
        job = tasks.start_capture(workspace=workspace, user=analyst, url="http://no-such-host.invalid/")
        attempts[errno] = (job.status, job.attempts)
    assert attempts == {socket.EAI_NONAME: (JobStatus.FAILED, 1), socket.EAI_AGAIN: (JobStatus.FAILED, 4)}


def test_a_capture_of_a_host_name_that_does_not_exist_says_so(monkeypatch, analyst, workspace):
    _resolving_fails(monkeypatch, socket.EAI_NONAME)
    job = tasks.start_capture(workspace=workspace, user=analyst, url="http://no-such-host.invalid/")
    assert job.failure == (
        "The host name 'no-such-host.invalid' was not found: check the address, and that this "
        "machine is online."
    )


def test_a_refused_capture_fails_at_once_and_its_reason_is_shown(site, client, analyst, workspace):
    job = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/gone")
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    client.force_login(analyst)
    page = client.get(reverse("archive:job", args=[job.pk])).content.decode()
    assert "answered HTTP 404" in page
    header = client.get(reverse("archive:jobs")).content.decode()
    assert re.search(r"last failed <time datetime=\"[^\"]+\" title=\"[^\"]+\">just now</time>", header)


def test_a_failed_job_is_logged_with_why_beside_the_queues_own_done(site, analyst, workspace, caplog):
    with caplog.at_level(logging.WARNING, logger="archive.jobs.running"):
        job = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/gone")
    [record] = [r for r in caplog.records if r.name == "archive.jobs.running"]
    assert record.getMessage() == f"Job {job.pk} (capture) failed: {job.failure}"
    assert "answered HTTP 404" in job.failure


def test_fixity_job_records_a_check_per_source_and_reports_the_count(workspace, ws_admin):
    SourceFactory.create_batch(2, workspace=workspace)
    job = tasks.start_fixity(workspace=workspace, user=ws_admin)
    assert job.status == JobStatus.SUCCEEDED, job.failure
    assert job.summary == "Verified 2 sources: 2 intact, 0 with problems."
    assert FixityCheck.objects.filter(workspace=workspace).count() == 2


def test_a_fixity_job_over_one_source_counts_it_in_the_singular(workspace, ws_admin, source):
    job = tasks.start_fixity(workspace=workspace, user=ws_admin)
    assert job.summary == "Verified 1 source: 1 intact, 0 with problems."


def test_fixity_job_fails_naming_the_source_whose_text_changed(workspace, ws_admin):
    damaged = SourceFactory(workspace=workspace)
    Source.objects.filter(pk=damaged.pk).update(text="tampered")
    job = tasks.start_fixity(workspace=workspace, user=ws_admin)
    assert job.status == JobStatus.FAILED
    assert f"source {damaged.pk}: hash mismatch" in job.failure


def test_history_chain_job_records_a_verification(workspace, ws_admin):
    SourceFactory(workspace=workspace)
    job = tasks.start_history_chain(workspace=workspace, user=ws_admin)
    verification = HistoryVerification.objects.get(workspace=workspace)
    assert job.status == JobStatus.SUCCEEDED, job.failure
    assert verification.ok and verification.run_by == ws_admin
    assert f"head #{verification.length}" in job.summary


def test_search_index_job_rebuilds_the_index_with_progress(workspace, superuser):
    SourceFactory(workspace=workspace, title="Daraa withstood")
    SearchDocument.objects.all().delete()
    job = tasks.start_search_rebuild(user=superuser)
    assert job.status == JobStatus.SUCCEEDED
    assert SearchDocument.objects.filter(kind="source").count() == 1
    assert (job.done, job.total) == (1, 1)


def test_jobs_page_lists_your_jobs_but_not_another_analysts(client, workspace, analyst, ws_admin, site):
    mine = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/article")
    theirs = tasks.start_fixity(workspace=workspace, user=ws_admin)
    client.force_login(analyst)
    page = client.get(reverse("archive:jobs")).content.decode()
    assert reverse("archive:job", args=[mine.pk]) in page
    assert reverse("archive:job", args=[theirs.pk]) not in page
    assert client.get(reverse("archive:job", args=[theirs.pk])).status_code == 404


def test_workspace_admins_see_every_job_of_their_workspace(client, workspace, analyst, ws_admin, site):
    job = tasks.start_capture(workspace=workspace, user=analyst, url=f"{site.url}/article")
    client.force_login(ws_admin)
    page = client.get(reverse("archive:jobs")).content.decode()
    assert reverse("archive:job", args=[job.pk]) in page
    assert client.get(reverse("archive:job", args=[job.pk])).status_code == 200


def test_header_counts_running_jobs(client, workspace, analyst):
    Job.objects.create(kind="capture", workspace=workspace, started_by=analyst, status=JobStatus.RUNNING)
    client.force_login(analyst)
    page = client.get(reverse("archive:home")).content.decode()
    assert "Jobs (1 running)" in page


def test_page_of_an_unfinished_job_looks_again_by_itself(client, workspace, analyst):
    job = Job.objects.create(kind="capture", workspace=workspace, started_by=analyst, done=3, total=4)
    client.force_login(analyst)
    page = client.get(reverse("archive:job", args=[job.pk]) + "?go=1").content.decode()
    assert "data-job-running" in page and "archive/js/job.js" in page
    assert '<progress max="4" value="3">' in page


def test_capture_command_prints_the_new_source_and_its_reading_page(site, workspace, capsys):
    call_command("capture", f"{site.url}/article", "--workspace", workspace.slug)
    source = Source.objects.get(workspace=workspace)
    out = capsys.readouterr().out
    assert (
        f"Captured source {source.pk}: {reverse('archive:source', args=[workspace.slug, source.pk])}" in out
    )


def test_capture_command_says_which_existing_outlet_the_pages_outlet_name_matched(site, workspace, capsys):
    OutletFactory(workspace=workspace, name="Hawran Voice", reliability="B")
    call_command("capture", f"{site.url}/article", "--workspace", workspace.slug)
    said = "Attached to the existing outlet “\u2068Hawran Voice\u2069” (B: usually reliable)."
    assert said in capsys.readouterr().out


def test_capture_command_fails_with_the_reason(site, workspace):
    with pytest.raises(CommandError, match="answered HTTP 404"):
        call_command("capture", f"{site.url}/gone", "--workspace", workspace.slug)


@pytest.fixture
def large_source(settings, workspace):
    """A source with more passages than a correction re-anchors inside the request."""
    settings.JOBS_INLINE_PASSAGES = 1
    source = SourceFactory(
        workspace=workspace, text="Russian airstrikes reached 120 a week. Daraa withstood."
    )
    PassageFactory(source=source, start=0, length=18)
    PassageFactory(source=source, start=39, length=5)
    return source


def _correct(client, source, text: str, version: int):
    url = reverse("archive:source_text", args=[source.workspace.slug, source.pk])
    return client.post(url, {"version": version, "text": text, "reason": "typo"})


def test_correcting_a_large_source_re_anchors_in_a_job_and_lands_on_the_reading_page(
    client, ws_admin, large_source
):
    client.force_login(ws_admin)
    response = _correct(
        client, large_source, "Heavy Russian airstrikes reached 120 a week. Daraa withstood.", 1
    )
    job = Job.objects.get()
    assert response.url == f"{reverse('archive:job', args=[job.pk])}?go=1"
    assert client.get(response.url).url == reverse(
        "archive:source", args=[large_source.workspace.slug, large_source.pk]
    )
    large_source.refresh_from_db()
    assert large_source.text.startswith("Heavy Russian")
    assert list(large_source.passages.order_by("start").values_list("start", "exact")) == [
        (6, "Russian airstrikes"),
        (45, "Daraa"),
    ]
    job.refresh_from_db()
    assert (job.kind, job.status) == ("correct_text", JobStatus.SUCCEEDED)
    assert "2 passages re-anchored: 2 exact, 0 moved, 0 fuzzy, 0 orphaned." in job.summary


def test_a_text_correction_job_run_again_changes_nothing(client, ws_admin, large_source):
    client.force_login(ws_admin)
    _correct(client, large_source, "Russian airstrikes reached 120 a week. Daraa held.", 1)
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    tasks.correct_text.enqueue(job_id=job.pk)
    large_source.refresh_from_db()
    job.refresh_from_db()
    assert (large_source.version, large_source.history.count()) == (2, 2)
    assert (job.status, job.summary) == (JobStatus.SUCCEEDED, "The text is already corrected.")


def test_a_text_correction_job_from_a_stale_version_fails_with_the_reason(client, ws_admin, large_source):
    client.force_login(ws_admin)
    Source.objects.filter(pk=large_source.pk).update(version=2)
    _correct(client, large_source, "Russian airstrikes reached 120 a week. Daraa held.", 1)
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.failure == "Not corrected. The source was changed by someone else (now version 2)."
    large_source.refresh_from_db()
    assert large_source.text.endswith("Daraa withstood.")


def _uploads(*texts: str) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(f"report-{n}.txt", text.encode(), content_type="text/plain")
        for n, text in enumerate(texts, start=1)
    ]


def test_several_files_from_the_import_page_are_imported_by_a_job(client, analyst, workspace):
    client.force_login(analyst)
    files = _uploads("The road to Daraa was cut on Tuesday.", "The pumping station stopped.")
    response = client.post(reverse("archive:import", args=[workspace.slug]), {"file": files})
    job = Job.objects.get()
    assert client.get(response.url).url == reverse("archive:workspace", args=[workspace.slug])
    assert sorted(Source.objects.filter(workspace=workspace).values_list("text", flat=True)) == [
        "The pumping station stopped.",
        "The road to Daraa was cut on Tuesday.",
    ]
    job.refresh_from_db()
    assert (job.kind, job.status, job.done, job.total) == ("import_files", JobStatus.SUCCEEDED, 2, 2)
    assert job.summary.splitlines()[0] == "2 imported, 0 already archived, 0 refused."


def test_a_file_import_job_names_each_file_imported_and_the_source_it_became(client, analyst, workspace):
    client.force_login(analyst)
    files = _uploads("The road to Daraa was cut on Tuesday.", "The pumping station stopped.")
    client.post(reverse("archive:import", args=[workspace.slug]), {"file": files})
    job = Job.objects.get()
    titles = {source.text: source.title for source in Source.objects.filter(workspace=workspace)}
    assert job.summary.splitlines()[1:] == [
        f"report-1.txt (imported): “\u2068{titles['The road to Daraa was cut on Tuesday.']}\u2069”",
        f"report-2.txt (imported): “\u2068{titles['The pumping station stopped.']}\u2069”",
    ]


def _import_with_a_png_named_pdf(client, workspace):
    files = [
        *_uploads("The road to Daraa was cut on Tuesday."),
        SimpleUploadedFile("photo.pdf", PNG, content_type="application/pdf"),
    ]
    return client.post(reverse("archive:import", args=[workspace.slug]), {"file": files})


def test_a_file_import_with_a_refused_file_stays_on_the_job_page(client, analyst, workspace):
    client.force_login(analyst)
    response = _import_with_a_png_named_pdf(client, workspace)
    landed = client.get(response.url)
    assert landed.status_code == 200
    assert landed.templates[0].name == "archive/job_detail.html"


def test_a_file_import_job_names_each_refused_file_and_why(client, analyst, workspace):
    client.force_login(analyst)
    _import_with_a_png_named_pdf(client, workspace)
    job = Job.objects.get()
    assert (job.status, job.result_url) == (JobStatus.SUCCEEDED, "")
    assert job.summary.splitlines()[0] == "1 imported, 0 already archived, 1 refused."
    assert job.summary.splitlines()[-1].startswith("photo.pdf (refused): This file is a PNG image")


def test_a_file_import_job_names_each_file_already_archived(client, analyst, workspace):
    client.force_login(analyst)
    first, second = _uploads("The road to Daraa was cut on Tuesday.", "The pumping station stopped.")
    SourceFactory(workspace=workspace, title="The road", text="The road to Daraa was cut on Tuesday.")
    response = client.post(reverse("archive:import", args=[workspace.slug]), {"file": [first, second]})
    job = Job.objects.get()
    named = "report-1.txt (already archived): The same file is already in this workspace as"
    assert job.summary.splitlines()[-1] == f"{named} “\u2068The road\u2069”."
    assert "report-1.txt (already archived)" in client.get(response.url).content.decode()


def test_a_file_import_job_run_again_imports_nothing_twice(client, analyst, workspace):
    client.force_login(analyst)
    files = _uploads("The road to Daraa was cut on Tuesday.", "The pumping station stopped.")
    client.post(reverse("archive:import", args=[workspace.slug]), {"file": files})
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    tasks.import_files.enqueue(job_id=job.pk)
    job.refresh_from_db()
    assert Source.objects.filter(workspace=workspace).count() == 2
    assert job.summary.splitlines()[0] == "0 imported, 2 already archived, 0 refused."


def test_a_jobs_page_title_names_the_job_and_its_status(client, analyst, workspace):
    client.force_login(analyst)
    client.post(reverse("archive:import", args=[workspace.slug]), {"file": _uploads("One.", "Two.")})
    job = Job.objects.get()
    page = client.get(reverse("archive:job", args=[job.pk])).content.decode()
    assert f"<title>File import (job {job.pk}): done · Warrant</title>" in page


@pytest.fixture
def queue_down(monkeypatch):
    """A queue whose server cannot be reached, as RQ's client fails when Redis is down."""

    class Unreachable:
        def enqueue(self, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(type(tasks.capture_page), "using", lambda task, **kwargs: Unreachable())


def test_a_capture_the_queue_cannot_take_says_so_and_leaves_no_job_waiting(
    site, client, analyst, workspace, queue_down
):
    client.force_login(analyst)
    response = client.post(reverse("archive:import", args=[workspace.slug]), {"url": f"{site.url}/article"})
    assert response.status_code == 503
    assert "The job queue could not be reached, so the job was not started" in response.content.decode()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "ConnectionError: Error 111 connecting to 127.0.0.1:6379" in job.failure
