"""The Review link tells a member who may review how many items wait in the queue."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import ReviewStatus
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    PassageFactory,
    SourceFactory,
)

WAITING_BADGE = '<span class="badge" id="review-waiting">'


@pytest.fixture
def one_of_each_waiting(workspace, source):
    """A note, a claim and a piece of evidence submitted, and others that do not wait."""
    passage = PassageFactory(source=source)
    AnnotationFactory(workspace=workspace, passages=[passage], review_status=ReviewStatus.SUBMITTED)
    AnnotationFactory(workspace=workspace, passages=[passage], review_status=ReviewStatus.DRAFT)
    ClaimFactory(workspace=workspace, review_status=ReviewStatus.SUBMITTED)
    ClaimFactory(workspace=workspace, review_status=ReviewStatus.APPROVED)
    EvidenceFactory(passage=passage, review_status=ReviewStatus.SUBMITTED)


def review_link(client, user, workspace) -> str:
    client.force_login(user)
    page = client.get(reverse("archive:workspace", args=[workspace.slug])).content.decode()
    link = re.search(r'<a href="[^"]*/review/"[^>]*>(.*?)</a>', page)
    return link.group(1) if link else ""


def test_the_review_link_counts_what_waits_of_every_kind(client, reviewer, workspace, one_of_each_waiting):
    link = review_link(client, reviewer, workspace)
    assert link.startswith("Review ")
    assert f'{WAITING_BADGE}3<span class="visually-hidden"> waiting</span></span>' in link


def test_the_count_leaves_out_another_workspaces_items(client, reviewer, workspace, outsider):
    other = SourceFactory(workspace=outsider.memberships.get().workspace)
    AnnotationFactory(
        workspace=other.workspace,
        passages=[PassageFactory(source=other)],
        review_status=ReviewStatus.SUBMITTED,
    )
    assert review_link(client, reviewer, workspace) == "Review"


def test_the_count_is_the_queues_length(client, reviewer, workspace, one_of_each_waiting):
    client.force_login(reviewer)
    queue = client.get(reverse("archive:review_queue", args=[workspace.slug])).content.decode()
    assert queue.count('class="queue-item"') == 3
    assert f'{WAITING_BADGE}3<span class="visually-hidden"> waiting' in queue


def test_nothing_is_counted_for_a_member_who_may_not_review(client, analyst, workspace, one_of_each_waiting):
    client.force_login(analyst)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("archive:workspace", args=[workspace.slug])).content.decode()
    assert "/review/" not in page
    assert not any("UNION ALL" in query["sql"] for query in queries.captured_queries)
