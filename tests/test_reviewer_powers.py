"""Reviewers grade a claim's credibility with a reason, and flag items for an admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from archive.audit.ledger import verify_workspace
from archive.audit.review import flag_for_admin
from archive.claims.claims import set_credibility
from archive.models import Claim, HistoryAction, HistoryEntry, ReviewStatus
from tests.factories import ClaimFactory


@pytest.fixture
def claim(workspace, analyst):
    return ClaimFactory(workspace=workspace, created_by=analyst, statement="Shelling resumed.", credibility=6)


def last_entry(obj) -> HistoryEntry:
    return HistoryEntry.objects.filter(model=obj._meta.model_name, object_id=obj.pk).latest("sequence")


def test_reviewer_grades_credibility_with_a_reason(claim, reviewer):
    graded = set_credibility(
        claim, user=reviewer, credibility=2, reason="Two outlets agree.", expected_version=1
    )
    assert (graded.credibility, graded.credibility_reason) == (2, "Two outlets agree.")
    assert graded.review_status == ReviewStatus.DRAFT  # grading is not an edit of the analyst's work
    entry = last_entry(graded)
    assert (entry.action, entry.user, entry.reason) == (HistoryAction.GRADED, reviewer, "Two outlets agree.")


def test_grading_needs_a_reason_and_a_reviewer(claim, reviewer, analyst):
    with pytest.raises(ValidationError):
        set_credibility(claim, user=reviewer, credibility=2, reason=" ")
    with pytest.raises(PermissionDenied):
        set_credibility(claim, user=analyst, credibility=2, reason="mine")
    assert Claim.objects.get(pk=claim.pk).credibility == 6


def test_reviewer_grades_from_the_claim_page(client, claim, reviewer, workspace):
    client.force_login(reviewer)
    url = reverse("archive:claim", args=[workspace.slug, claim.pk])
    assert "Grade its credibility" in client.get(url).content.decode()
    response = client.post(
        reverse("archive:claim_credibility", args=[workspace.slug, claim.pk]),
        {"version": claim.version, "credibility": 3, "reason": "One report."},
        follow=True,
    )
    assert "Credibility graded." in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).credibility == 3


def test_analyst_sees_no_grading_form(client, claim, analyst, workspace):
    client.force_login(analyst)
    html = client.get(reverse("archive:claim", args=[workspace.slug, claim.pk])).content.decode()
    assert "Grade its credibility" not in html and "Flag for an admin" not in html


def test_reviewer_flags_an_item_for_an_admin(claim, reviewer, analyst):
    flagged = flag_for_admin(claim, user=reviewer, reason="Possible duplicate of another claim.")
    entry = last_entry(flagged)
    assert (entry.action, entry.user, entry.reason) == (
        HistoryAction.FLAGGED,
        reviewer,
        "Possible duplicate of another claim.",
    )
    assert flagged.statement == claim.statement and flagged.review_status == claim.review_status
    with pytest.raises(PermissionDenied):
        flag_for_admin(flagged, user=analyst, reason="x")
    with pytest.raises(ValidationError):
        flag_for_admin(flagged, user=reviewer, reason="")


def test_flagging_keeps_the_items_version_so_a_decision_in_progress_stands(claim, reviewer, ws_admin):
    flag_for_admin(claim, user=reviewer, reason="Possible duplicate of another claim.")
    assert Claim.objects.get(pk=claim.pk).version == claim.version
    assert verify_workspace(claim.workspace_id).ok


def test_flag_from_the_claim_page_shows_in_the_activity_feed(client, claim, reviewer, ws_admin, workspace):
    client.force_login(reviewer)
    claim_url = reverse("archive:claim", args=[workspace.slug, claim.pk])
    response = client.post(
        reverse("archive:flag", args=[workspace.slug, "claim", claim.pk]),
        {"version": claim.version, "reason": "Check the source's date.", "next": claim_url},
    )
    assert response["Location"] == claim_url
    client.force_login(ws_admin)
    feed = client.get(reverse("archive:activity", args=[workspace.slug]), {"action": "flagged"})
    html = feed.content.decode()
    assert "flagged for an admin" in html and "Check the source&#x27;s date." in html
