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
