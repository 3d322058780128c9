"""A long review queue a page at a time: ids are listed and ordered first, and only the
page's items are loaded with their context."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.audit.review import (
    QueueFilters,
    approve,
    flag_for_admin,
    queue_items,
    review_queue,
    submit_for_review,
    waiting_items,
)
from archive.claims import create_claim, set_credibility
from archive.models import Annotation, ReviewStatus
from archive.views.review import QUEUE_PAGE
from tests.factories import AnnotationFactory, PassageFactory, SourceFactory
from tests.support import repeated_ids


@pytest.fixture
def waiting_notes(workspace, analyst):
    """QUEUE_PAGE + 1 submitted annotations, the first one waiting longest."""
    source = SourceFactory(workspace=workspace)
    notes = [
        AnnotationFactory(
            workspace=workspace, author=analyst, passages=[PassageFactory(source=source)], body=f"Note {n}"
        )
        for n in range(QUEUE_PAGE + 1)
    ]
    long_ago = timezone.now() - timedelta(days=30)
    for n, note in enumerate(notes):
        Annotation.objects.filter(pk=note.pk).update(
            review_status=ReviewStatus.SUBMITTED, updated_at=long_ago + timedelta(hours=n)
        )
    return notes


def queue_page(client, reviewer, workspace, query: str = "") -> str:
    client.force_login(reviewer)
    return client.get(reverse("archive:review_queue", args=[workspace.slug]) + query).content.decode()


def test_the_queue_shows_a_page_of_the_longest_waiting(client, reviewer, workspace, waiting_notes):
    page = queue_page(client, reviewer, workspace)
    assert page.count('class="queue-item"') == QUEUE_PAGE
    first, last = waiting_notes[0], waiting_notes[-1]
    assert f'id="queue-annotation-{first.pk}"' in page
    assert f'id="queue-annotation-{last.pk}"' not in page
    assert f'aria-label="annotation 1 of {QUEUE_PAGE + 1}"' in page
    assert 'href="?page=2" rel="next"' in page


def test_the_next_page_numbers_its_items_after_the_first(client, reviewer, workspace, waiting_notes):
    page = queue_page(client, reviewer, workspace, "?page=2")
    assert page.count('class="queue-item"') == 1
    assert f'id="queue-annotation-{waiting_notes[-1].pk}"' in page
    assert f'aria-label="annotation {QUEUE_PAGE + 1} of {QUEUE_PAGE + 1}"' in page


def test_each_items_decision_form_has_ids_of_its_own(client, reviewer, workspace, waiting_notes):
    page = queue_page(client, reviewer, workspace)
    assert repeated_ids(page) == []
    first = waiting_notes[0]
    assert f'id="id_annotation_{first.pk}_comment"' in page


def test_an_item_decided_after_it_was_listed_is_left_out(workspace, reviewer, waiting_notes):
    waiting = waiting_items(workspace=workspace)
    approve(Annotation.objects.get(pk=waiting_notes[0].pk), user=reviewer)
    shown = [item.obj.pk for item in queue_items(workspace=workspace, waiting=waiting)]
    assert shown == [note.pk for note in waiting_notes[1:]]


def test_the_source_filter_finds_an_annotation_by_any_of_its_passages(workspace, analyst):
    first, second = SourceFactory(workspace=workspace), SourceFactory(workspace=workspace)
    note = AnnotationFactory(
        workspace=workspace,
        author=analyst,
        passages=[PassageFactory(source=first), PassageFactory(source=second)],
    )
    Annotation.objects.filter(pk=note.pk).update(review_status=ReviewStatus.SUBMITTED)
    for source in (first, second):
        [item] = review_queue(workspace=workspace, filters=QueueFilters(source_id=source.pk))
        assert item.obj.pk == note.pk


@pytest.fixture
def two_claims_waiting(workspace, analyst):
    """Two submitted claims, the first submitted first."""
    claims = [
        create_claim(workspace=workspace, user=analyst, statement=statement)
        for statement in ("Shelling resumed in Daraa.", "The road to Busra was cut.")
    ]
    return [submit_for_review(claim, user=analyst) for claim in claims]


def waiting_order(workspace) -> list[tuple[int, object]]:
    return [(item.obj.pk, item.waiting_since) for item in review_queue(workspace=workspace)]


def test_flagging_keeps_an_items_place_and_waiting_time(workspace, reviewer, two_claims_waiting):
    before = waiting_order(workspace)
    first = two_claims_waiting[0]
    flag_for_admin(first, user=reviewer, reason="Is this a duplicate?", expected_version=first.version)
    assert waiting_order(workspace) == before
    assert before[0][0] == first.pk


def test_grading_keeps_a_claims_place_and_waiting_time(workspace, reviewer, two_claims_waiting):
    before = waiting_order(workspace)
    first = two_claims_waiting[0]
    set_credibility(first, user=reviewer, credibility=2, reason="Two outlets agree.")
    assert waiting_order(workspace) == before
    assert before[0][0] == first.pk
