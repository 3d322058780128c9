"""The four eyes rule: nobody approves or rejects what they wrote, nor what they
changed since its last decision (or since it was created, if never decided)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from archive.audit.review import OWN_WORK, approve, flag_for_admin, reject, submit_for_review
from archive.claims import edit_item, set_credibility
from archive.models import Annotation, Claim, HistoryAction, HistoryEntry, ReviewStatus
from tests.factories import AnnotationFactory, ClaimFactory, PassageFactory
from tests.support import api_client_for, etag_of, reverted


@pytest.fixture
def submitted(workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="Airstrikes reached 120 a week.")
    return submit_for_review(claim, user=analyst, reason="ready")


def edited(obj, *, user, statement: str):
    return edit_item(obj, user=user, expected_version=obj.version, changes={"statement": statement})


def decisions(obj) -> list[str]:
    return list(
        HistoryEntry.objects.filter(
            model=obj._meta.model_name,
            object_id=obj.pk,
            action__in=[HistoryAction.APPROVED, HistoryAction.REJECTED],
        ).values_list("action", flat=True)
    )


def test_an_admin_who_rewrote_a_submitted_claim_cannot_approve_it(client, workspace, ws_admin, submitted):
    admin_client, url = api_client_for(ws_admin), f"/api/claims/{submitted.pk}/"
    patched = admin_client.patch(
        url,
        {"statement": "ADMIN REWROTE THIS", "reason": "edit"},
        format="json",
        HTTP_IF_MATCH=etag_of(admin_client, url),
    )
    assert patched.status_code == 200
    claim = Claim.objects.get(pk=submitted.pk)
    client.force_login(ws_admin)
    response = client.post(
        reverse("archive:review_decision", args=[workspace.slug, "claim", claim.pk]),
        {"version": claim.version, "decision": "approve", "comment": "fine"},
    )
    assert response.status_code == 403
    assert Claim.objects.get(pk=claim.pk).review_status == ReviewStatus.SUBMITTED
    assert decisions(claim) == []


def test_an_admin_who_edited_an_approved_claim_cannot_approve_the_edit(submitted, reviewer, ws_admin):
    approved = approve(submitted, user=reviewer)
    reopened = edited(approved, user=ws_admin, statement="ADMIN REWROTE THIS")
    assert reopened.review_status == ReviewStatus.SUBMITTED
    with pytest.raises(PermissionDenied, match="another reviewer or admin"):
        approve(reopened, user=ws_admin, expected_version=reopened.version)
    assert Claim.objects.get(pk=submitted.pk).review_status == ReviewStatus.SUBMITTED


def test_a_reviewer_who_changed_an_annotation_cannot_reject_it(workspace, analyst, reviewer, source):
    note = AnnotationFactory(
        workspace=workspace, author=analyst, passages=[PassageFactory(source=source)], body="First take."
    )
    first = Annotation.history.filter(id=note.pk).latest("history_id").history_id
    note = edit_item(note, user=analyst, expected_version=note.version, changes={"body": "Second take."})
    note = submit_for_review(note, user=analyst)
    # A reviewer changes content by reverting it (reviewers do not edit analysts' work).
    reverted(note, history_id=first, user=reviewer, reason="the first take was right")
    note = Annotation.objects.get(pk=note.pk)
    assert (note.body, note.review_status) == ("First take.", ReviewStatus.SUBMITTED)
    with pytest.raises(PermissionDenied, match="another reviewer or admin"):
        reject(note, user=reviewer, comment="not what the source says", expected_version=note.version)
    assert Annotation.objects.get(pk=note.pk).review_status == ReviewStatus.SUBMITTED


def test_another_reviewer_approves_what_an_admin_changed(submitted, reviewer, ws_admin):
    claim = edited(submitted, user=ws_admin, statement="ADMIN REWROTE THIS")
    approved = approve(claim, user=reviewer, expected_version=claim.version, comment="checked")
    assert approved.review_status == ReviewStatus.APPROVED


def test_a_change_decided_on_before_no_longer_keeps_its_editor_from_deciding(
    submitted, analyst, reviewer, ws_admin
):
    claim = edited(submitted, user=ws_admin, statement="ADMIN REWROTE THIS")
    claim = approve(claim, user=reviewer, expected_version=claim.version)
    claim = edited(claim, user=analyst, statement="The analyst's new figure.")  # back to submitted
    approved = approve(claim, user=ws_admin, expected_version=claim.version)
    assert approved.review_status == ReviewStatus.APPROVED


def test_submitting_or_flagging_anothers_work_changes_nothing_of_it(workspace, analyst, ws_admin):
    draft = ClaimFactory(workspace=workspace, created_by=analyst)
    claim = submit_for_review(draft, user=ws_admin)  # admins submit anyone's work
    claim = flag_for_admin(claim, user=ws_admin, reason="check the date")
    approved = approve(claim, user=ws_admin, expected_version=claim.version)
    assert approved.review_status == ReviewStatus.APPROVED


def test_the_queue_offers_no_decision_on_what_one_changed(client, workspace, ws_admin, analyst, submitted):
    untouched = submit_for_review(ClaimFactory(workspace=workspace, created_by=analyst), user=analyst)
    edited(submitted, user=ws_admin, statement="ADMIN REWROTE THIS")
    client.force_login(ws_admin)
    page = client.get(reverse("archive:review_queue", args=[workspace.slug])).content.decode()
    assert reverse("archive:review_decision", args=[workspace.slug, "claim", submitted.pk]) not in page
    assert reverse("archive:review_decision", args=[workspace.slug, "claim", untouched.pk]) in page
    assert page.count(OWN_WORK) == 1


def test_a_reviewer_who_graded_a_submitted_claims_credibility_may_still_approve_it(submitted, reviewer):
    graded = set_credibility(submitted, user=reviewer, credibility=2, reason="two outlets agree")
    approved = approve(graded, user=reviewer, expected_version=graded.version)
    assert approved.review_status == ReviewStatus.APPROVED
    assert decisions(approved) == [HistoryAction.APPROVED]
