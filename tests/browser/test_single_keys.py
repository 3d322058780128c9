"""Single-character shortcuts can be turned off (WCAG 2.1.4), on the review queue and the
reading page alike, and stay off in this browser until turned on again."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from archive.models import Annotation, ReviewStatus
from tests.browser.test_review_in_place import item, open_queue, waiting  # noqa: F401 (fixture)
from tests.factories import AnnotationFactory, PassageFactory, SourceFactory

pytestmark = pytest.mark.browser

TOGGLE = "Single-key shortcuts on"


def test_with_single_keys_off_a_does_not_approve_in_the_queue_even_after_a_reload(
    page_for,
    reviewer,
    workspace,
    waiting,  # noqa: F811
):
    first, _ = waiting
    page = page_for(reviewer)
    open_queue(page, workspace)
    page.get_by_label(TOGGLE).uncheck()
    open_queue(page, workspace)
    expect(page.get_by_label(TOGGLE)).not_to_be_checked()
    item(page, first).get_by_role("link").first.focus()
    page.keyboard.press("a")
    page.wait_for_timeout(500)
    assert Annotation.objects.get(pk=first.pk).review_status == ReviewStatus.SUBMITTED

    page.get_by_label(TOGGLE).check()
    item(page, first).get_by_role("link").first.focus()
    page.keyboard.press("a")
    expect(item(page, first)).to_have_count(0)
    assert Annotation.objects.get(pk=first.pk).review_status == ReviewStatus.APPROVED


def test_single_keys_turned_off_on_the_reading_page_leave_j_and_slash_alone(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace, text="The pump station stopped working on Tuesday.")
    passage = PassageFactory(source=source, created_by=analyst, start=4, length=12)
    AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)
    page = page_for(analyst)
    page.goto(reverse("archive:source", args=[workspace.slug, source.pk]))
    page.keyboard.press("?")
    page.get_by_label("Single-key shortcuts").uncheck()
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts-help")).not_to_have_attribute("open", "")
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("j")
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.tagName") == "BODY"
