"""Who decided: the review controls name the reviewer of an approved or rejected item, and
a decision refused because another reviewer decided meanwhile says who and what."""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from archive.audit.review import approve, latest_decision, reject, submit_for_review
from archive.claims import edit_item
from archive.models import HistoryAction, Role
from tests.factories import AnnotationFactory, ClaimFactory, MembershipFactory, PassageFactory, UserFactory


@pytest.fixture
def claim(workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="Airstrikes reached 120 a week.")
    return submit_for_review(claim, user=analyst)


@pytest.fixture
def second_reviewer(workspace):
    user = UserFactory(username="second-reviewer")
    MembershipFactory(workspace=workspace, role=Role.REVIEWER, user=user)
    return user


def claim_page(client, user, claim) -> str:
    client.force_login(user)
    return client.get(reverse("archive:claim", args=[claim.workspace.slug, claim.pk])).content.decode()


def review_status_line(html: str) -> str:
    return html.split("<p>Review status:")[1].split("</p>")[0]


def test_latest_decision_is_the_newest_approval_or_rejection(claim, analyst, reviewer, second_reviewer):
    rejected = reject(claim, user=reviewer, comment="Needs a source.")
    again = submit_for_review(rejected, user=analyst)
    approve(again, user=second_reviewer)
    decision = latest_decision(workspace=claim.workspace_id, kind="claim", object_id=claim.pk)
    assert decision is not None
    assert (decision.action, decision.by) == (HistoryAction.APPROVED, second_reviewer)


def test_the_claim_page_names_who_approved_it_and_when(client, claim, reviewer, analyst):
    approve(claim, user=reviewer)
    line = review_status_line(claim_page(client, analyst, claim))
    assert "approved</span> by <bdi>reviewer</bdi>, <time datetime=" in line


def test_the_claim_page_names_who_rejected_it(client, claim, reviewer, analyst):
    reject(claim, user=reviewer, comment="Needs a source.")
    line = review_status_line(claim_page(client, analyst, claim))
    assert "rejected</span> by <bdi>reviewer</bdi>, <time datetime=" in line


def test_the_claim_page_names_no_reviewer_of_an_item_waiting_again(client, claim, reviewer, analyst):
    approved = approve(claim, user=reviewer)
    edit_item(approved, user=analyst, expected_version=approved.version, changes={"statement": "New figure."})
    line = review_status_line(claim_page(client, analyst, claim))
    assert "submitted</span>" in line and "reviewer" not in line


def test_the_history_page_of_an_approved_annotation_names_its_reviewer(
    client, workspace, analyst, reviewer, source
):
    note = AnnotationFactory(workspace=workspace, author=analyst, passages=[PassageFactory(source=source)])
    approve(submit_for_review(note, user=analyst), user=reviewer)
    client.force_login(analyst)
    url = reverse("archive:object_history", args=[workspace.slug, "annotation", note.pk])
    assert " by <bdi>reviewer</bdi>, <time" in review_status_line(client.get(url).content.decode())


def decide(client, user, claim, version: int, decision: str, **extra) -> list[str]:
    client.force_login(user)
    url = reverse("archive:review_decision", args=[claim.workspace.slug, "claim", claim.pk])
    response = client.post(url, {"version": version, "decision": decision, "comment": "Checked.", **extra})
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_decision_refused_after_another_reviewers_approval_names_them(
    client, claim, reviewer, second_reviewer
):
    seen = claim.version
    approve(claim, user=second_reviewer)
    said = decide(client, reviewer, claim, seen, "reject")
    assert said == [
        f"second-reviewer approved it meanwhile (now version {seen + 1}): look at it again before deciding."
    ]


def test_a_decision_refused_after_another_reviewers_rejection_names_them(
    client, claim, reviewer, second_reviewer
):
    seen = claim.version
    reject(claim, user=second_reviewer, comment="Needs a source.")
    assert decide(client, reviewer, claim, seen, "approve")[0].startswith(
        "second-reviewer rejected it meanwhile"
    )


def test_the_queue_says_who_decided_meanwhile(client, claim, reviewer, second_reviewer):
    seen = claim.version
    approve(claim, user=second_reviewer)
    queue = reverse("archive:review_queue", args=[claim.workspace.slug])
    decide(client, reviewer, claim, seen, "approve", next=queue)
    html = client.get(queue).content.decode()
    assert "second-reviewer approved it meanwhile" in html


def test_a_decision_posted_as_json_after_another_decision_says_who_decided(
    client, claim, reviewer, second_reviewer
):
    seen = claim.version
    approve(claim, user=second_reviewer)
    client.force_login(reviewer)
    url = reverse("archive:review_decision", args=[claim.workspace.slug, "claim", claim.pk])
    body = json.dumps({"version": seen, "decision": "approve"})
    response = client.post(url, body, content_type="application/json", HTTP_ACCEPT="application/json")
    assert response.status_code == 412
    assert response.json()["error"].startswith("second-reviewer approved it meanwhile")


def test_a_decision_refused_after_an_edit_keeps_the_generic_message(client, claim, reviewer, analyst):
    seen = claim.version
    edit_item(claim, user=analyst, expected_version=seen, changes={"statement": "Changed meanwhile."})
    said = decide(client, reviewer, claim, seen, "approve")
    assert said == [f"The claim was changed by someone else (now version {seen + 1})."]
