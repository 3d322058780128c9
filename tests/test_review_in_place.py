"""Deciding and submitting in place: the review forms posted as JSON answer in JSON, and a
decision the queue refuses without JS comes back at its item, with what was typed."""

import json

import pytest
from django.urls import reverse

from archive.audit.review import submit_for_review
from archive.models import Annotation, ReviewStatus
from tests.factories import AnnotationFactory, PassageFactory, SourceFactory


@pytest.fixture
def submitted(workspace, analyst):
    note = AnnotationFactory(
        workspace=workspace,
        author=analyst,
        passages=[PassageFactory(source=SourceFactory(workspace=workspace))],
        body="Which areas?",
    )
    submit_for_review(note, user=analyst)
    note.refresh_from_db()
    return note


@pytest.fixture
def draft(workspace, analyst):
    return AnnotationFactory(
        workspace=workspace,
        author=analyst,
        passages=[PassageFactory(source=SourceFactory(workspace=workspace))],
        body="A draft",
    )


def decide_url(note: Annotation) -> str:
    return reverse("archive:review_decision", args=[note.workspace.slug, "annotation", note.pk])


def queue_url(note: Annotation) -> str:
    return reverse("archive:review_queue", args=[note.workspace.slug])


def post_json(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_ACCEPT="application/json")


def test_a_decision_posted_as_json_answers_what_was_done(client, reviewer, submitted):
    client.force_login(reviewer)
    response = post_json(client, decide_url(submitted), {"version": submitted.version, "decision": "approve"})
    assert response.status_code == 200
    assert response.json()["message"] == f"Approved: {submitted}"
    assert response.json()["review_status"] == ReviewStatus.APPROVED
    submitted.refresh_from_db()
    assert submitted.review_status == ReviewStatus.APPROVED


def test_a_rejection_without_comment_posted_as_json_is_refused_naming_the_comment(
    client, reviewer, submitted
):
    client.force_login(reviewer)
    response = post_json(client, decide_url(submitted), {"version": submitted.version, "decision": "reject"})
    assert response.status_code == 400
    assert response.json()["comment"] == ["Say why it is rejected: the analyst needs to know."]
    submitted.refresh_from_db()
    assert submitted.review_status == ReviewStatus.SUBMITTED


def test_a_decision_posted_as_json_from_a_stale_version_is_a_conflict(client, reviewer, submitted):
    client.force_login(reviewer)
    body = {"version": submitted.version - 1, "decision": "approve"}
    response = post_json(client, decide_url(submitted), body)
    assert response.status_code == 412
    assert response.json()["current"]["version"] == submitted.version


def test_a_decision_posted_as_json_with_an_unknown_field_is_refused(client, reviewer, submitted):
    client.force_login(reviewer)
    body = {"version": submitted.version, "decision": "approve", "colour": "red"}
    assert post_json(client, decide_url(submitted), body).status_code == 400


def test_submitting_as_json_answers_the_item_as_the_reading_page_shows_it(client, analyst, draft):
    client.force_login(analyst)
    url = reverse("archive:submit_for_review", args=[draft.workspace.slug, "annotation", draft.pk])
    response = post_json(client, url, {"version": draft.version})
    assert response.status_code == 200
    item = response.json()["item"]
    assert item["id"] == f"annotation-{draft.pk}"
    assert 'data-status="submitted"' in item["html"]
    assert "Submit for review" not in item["html"]


def test_a_refused_rejection_from_the_queue_returns_to_the_queue_as_it_was(client, reviewer, submitted):
    client.force_login(reviewer)
    queue = queue_url(submitted) + "?kind=annotation"
    data = {"version": submitted.version, "decision": "reject", "comment": "", "next": queue}
    response = client.post(decide_url(submitted), data)
    assert response.status_code == 302
    assert response["Location"] == queue


def test_the_queue_shows_a_refusal_beside_its_item_with_the_comment_kept(client, reviewer, submitted):
    client.force_login(reviewer)
    queue = queue_url(submitted)
    data = {
        "version": submitted.version + 5,
        "decision": "reject",
        "comment": "Half a thought",
        "next": queue,
    }
    client.post(decide_url(submitted), data)
    page = client.get(queue).content.decode()
    error_id = f"queue-annotation-{submitted.pk}-error"
    start = page.index(f'id="{error_id}"')
    assert "changed by someone else" in page[start : page.index("</p>", start)]
    assert ">\nHalf a thought</textarea>" in page
    assert f'aria-describedby="{error_id}"' in page
    assert "autofocus" in page


def test_a_refusal_is_shown_once(client, reviewer, submitted):
    client.force_login(reviewer)
    queue = queue_url(submitted)
    client.post(decide_url(submitted), {"version": submitted.version, "decision": "reject", "next": queue})
    client.get(queue)
    page = client.get(queue).content.decode()
    assert "Say why it is rejected" not in page


def test_a_refused_rejection_from_another_page_still_goes_back_there(client, reviewer, submitted):
    client.force_login(reviewer)
    history = reverse("archive:object_history", args=[submitted.workspace.slug, "annotation", submitted.pk])
    data = {"version": submitted.version, "decision": "reject", "next": history}
    response = client.post(decide_url(submitted), data)
    assert response["Location"] == history
