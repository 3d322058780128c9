"""The jobs pages and the schedules page in Chromium: accessible, and usable 360 px wide."""

import pytest
from django.urls import reverse

from archive.jobs import tasks
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
