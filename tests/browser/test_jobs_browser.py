"""The jobs pages and the schedules pages in Chromium: accessible, and usable 360 px wide."""

import pytest
from django.urls import reverse

from archive.jobs import tasks
from archive.jobs.schedules import set_schedule
from archive.models import Job, JobStatus
from tests.browser.accessibility import assert_accessible
from tests.factories import SourceFactory

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 780}
OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def test_jobs_and_schedules_pages_are_accessible_and_fit_360_px(page_for, ws_admin, workspace):
    source = SourceFactory(workspace=workspace, title="Water station in Tell al-Zaytoun out of service")
    done = tasks.start_fixity(workspace=workspace, user=ws_admin)
    failed = Job.objects.create(
        kind="capture",
        workspace=workspace,
        started_by=ws_admin,
        target="https://example.org/a-very-long-address/that-goes-on-and-on/and-on/without/any-break",
        status=JobStatus.FAILED,
        failure="https://example.org/... answered HTTP 404 Not Found.",
    )
    running = Job.objects.create(
        kind="correct_text",
        workspace=workspace,
        started_by=ws_admin,
        source=source,
        done=3,
        total=7,
        status=JobStatus.RUNNING,
        target=source.title,
    )
    page = page_for(ws_admin)
    page.set_viewport_size(NARROW)
    urls = [
        reverse("archive:jobs"),
        reverse("archive:job", args=[done.pk]),
        reverse("archive:job", args=[failed.pk]),
        reverse("archive:job", args=[running.pk]),
        reverse("archive:schedules", args=[workspace.slug]),
    ]
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert_accessible(page, url)
        scroll_width, width = page.evaluate(OVERFLOW)
        assert scroll_width <= width, (url, scroll_width)
    page.goto(reverse("archive:jobs"))
    assert "1 running" in page.locator(".job-status").inner_text()


def test_changing_and_replacing_a_schedule_is_accessible_and_fits_360_px(page_for, ws_admin, workspace):
    source = SourceFactory(
        workspace=workspace,
        title="Water station in Tell al-Zaytoun out of service after the shelling of its generators",
        original_url="https://hawranvoice.example.org/news/2017/zaytoun-water-station",
    )
    schedule = set_schedule(
        workspace=workspace, user=ws_admin, kind="recapture", source=source, every_hours=24, enabled=True
    )
    page = page_for(ws_admin)
    page.set_viewport_size(NARROW)
    page.goto(reverse("archive:schedule_edit", args=[workspace.slug, schedule.pk]))
    assert_accessible(page, "change schedule")
    assert page.evaluate(OVERFLOW)[0] <= NARROW["width"]

    page.goto(reverse("archive:schedules", args=[workspace.slug]))
    page.get_by_label("Kind").select_option("recapture")
    page.get_by_label("Source").select_option(str(source.pk))
    page.get_by_label("Every (hours)").fill("48")
    page.get_by_role("button", name="Save schedule").click()

    assert "replaces the existing schedule (every 24 h, on)" in page.locator("[role=alert]").inner_text()
    assert_accessible(page, "replace schedule")
    assert page.evaluate(OVERFLOW)[0] <= NARROW["width"]
    page.get_by_label("Why (kept in the history)").fill("The outlet updates weekly")
    page.get_by_role("button", name="Replace the existing schedule").click()
    assert "Schedule changed" in page.locator(".messages").inner_text()
    schedule.refresh_from_db()
    assert schedule.every_hours == 48


def _running_job(workspace, user) -> Job:
    return Job.objects.create(
        kind="capture", workspace=workspace, started_by=user, status=JobStatus.RUNNING, done=1, total=4
    )


def test_a_running_jobs_page_updates_in_place_keeping_focus_and_says_the_new_status(
    page_for, ws_admin, workspace
):
    job = _running_job(workspace, ws_admin)
    page = page_for(ws_admin)
    page.goto(reverse("archive:job", args=[job.pk]))
    page.evaluate("() => { window.notReloaded = true; }")
    page.get_by_role("link", name="All jobs").focus()
    Job.objects.filter(pk=job.pk).update(done=3)
    page.wait_for_function("() => document.querySelector('progress')?.value === 3", timeout=6000)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, summary="Captured.")
    said = f"Status: {JobStatus.SUCCEEDED.label}"
    page.wait_for_function(f"() => document.querySelector('[data-job-said]').textContent === {said!r}")
    assert page.evaluate("() => window.notReloaded === true")
    assert page.evaluate("() => document.activeElement.textContent") == "All jobs"
    assert page.locator("[data-job-running]").is_hidden()
    assert_accessible(page, "job updated in place")


def test_pausing_a_running_jobs_page_stops_its_updates(page_for, ws_admin, workspace):
    job = _running_job(workspace, ws_admin)
    page = page_for(ws_admin)
    page.goto(reverse("archive:job", args=[job.pk]))
    pause = page.locator("[data-job-pause]")
    assert pause.inner_text() == "Pause updates"
    pause.click()
    assert pause.get_attribute("aria-pressed") == "true"
    Job.objects.filter(pk=job.pk).update(done=3)
    page.wait_for_timeout(3000)
    assert page.evaluate("() => document.querySelector('progress').value") == 1
    assert pause.inner_text() == "Resume updates"
    pause.click()
    page.wait_for_function("() => document.querySelector('progress')?.value === 3", timeout=6000)


def test_a_job_page_asked_to_go_on_opens_the_result_when_the_job_is_done(page_for, ws_admin, workspace):
    job = _running_job(workspace, ws_admin)
    result = reverse("archive:workspace", args=[workspace.slug])
    page = page_for(ws_admin)
    page.goto(reverse("archive:job", args=[job.pk]) + "?go=1")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, result_url=result, summary="Imported 3.")
    page.wait_for_url(f"**{result}", timeout=8000)
    assert "Imported 3." in page.locator("main").inner_text()
