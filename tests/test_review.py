"""The review workflow: draft -> submitted -> approved or rejected."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from archive.audit.forms import ReviewDecisionForm
from archive.audit.kinds import REVIEWED
from archive.audit.review import OWN_WORK, approve, reject, review_queue, submit_for_review
from archive.claims import edit_item
from archive.core.editing import StaleVersion
from archive.models import Claim, HistoryAction, HistoryEntry, ReviewStatus
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, PassageFactory


@pytest.fixture
def claim(workspace, analyst):
    return ClaimFactory(workspace=workspace, created_by=analyst, statement="Airstrikes reached 120 a week.")


@pytest.fixture
def submitted(claim, analyst):
    return submit_for_review(claim, user=analyst, reason="ready")


def last_entry(obj) -> HistoryEntry:
    return HistoryEntry.objects.filter(model=obj._meta.model_name, object_id=obj.pk).latest("sequence")


def test_analyst_submits_their_draft(claim, analyst):
    claim = submit_for_review(claim, user=analyst, expected_version=1, reason="ready for review")
    assert claim.review_status == ReviewStatus.SUBMITTED
    entry = last_entry(claim)
    assert (entry.action, entry.user, entry.reason) == (HistoryAction.SUBMITTED, analyst, "ready for review")


def test_reviewer_approves_a_submitted_item_with_a_comment(submitted, reviewer):
    claim = approve(submitted, user=reviewer, comment="matches the article")
    assert claim.review_status == ReviewStatus.APPROVED
    entry = last_entry(claim)
    assert (entry.action, entry.user, entry.reason) == (
        HistoryAction.APPROVED,
        reviewer,
        "matches the article",
    )


def test_reviewer_rejects_with_a_comment(submitted, reviewer):
    claim = reject(submitted, user=reviewer, comment="the figure is from another month")
    assert claim.review_status == ReviewStatus.REJECTED
    assert last_entry(claim).action == HistoryAction.REJECTED


def test_rejecting_without_a_comment_is_refused(submitted, reviewer):
    with pytest.raises(ValidationError):
        reject(submitted, user=reviewer, comment="  ")
    assert Claim.objects.get(pk=submitted.pk).review_status == ReviewStatus.SUBMITTED


def test_analyst_cannot_approve(submitted, analyst):
    with pytest.raises(PermissionDenied):
        approve(submitted, user=analyst)
    assert Claim.objects.get(pk=submitted.pk).review_status == ReviewStatus.SUBMITTED


def test_reviewer_cannot_submit_an_analysts_work(claim, reviewer):
    with pytest.raises(PermissionDenied):
        submit_for_review(claim, user=reviewer)


def test_analyst_cannot_submit_someone_elses_work(workspace, analyst):
    claim = ClaimFactory(workspace=workspace)
    with pytest.raises(PermissionDenied):
        submit_for_review(claim, user=analyst)


def test_admin_submits_anyones_work(claim, ws_admin):
    assert submit_for_review(claim, user=ws_admin).review_status == ReviewStatus.SUBMITTED


@pytest.mark.parametrize("decide", [approve, reject], ids=["approve", "reject"])
def test_no_one_decides_on_their_own_work(workspace, ws_admin, decide):
    own = submit_for_review(ClaimFactory(workspace=workspace, created_by=ws_admin), user=ws_admin)
    with pytest.raises(PermissionDenied, match="another reviewer or admin"):
        decide(own, user=ws_admin, comment="looks fine to me")
    assert Claim.objects.get(pk=own.pk).review_status == ReviewStatus.SUBMITTED


def test_the_queue_offers_no_decision_on_ones_own_work(client, workspace, ws_admin, submitted):
    own = submit_for_review(
        ClaimFactory(workspace=workspace, created_by=ws_admin, statement="Mine."), user=ws_admin
    )
    client.force_login(ws_admin)
    page = client.get(reverse("archive:review_queue", args=[workspace.slug])).content.decode()
    assert reverse("archive:review_decision", args=[workspace.slug, "claim", submitted.pk]) in page
    assert reverse("archive:review_decision", args=[workspace.slug, "claim", own.pk]) not in page
    assert page.count(OWN_WORK) == 1


def test_only_submitted_items_can_be_approved(claim, reviewer):
    with pytest.raises(ValidationError, match="draft"):
        approve(claim, user=reviewer)


def test_approving_a_version_the_reviewer_has_not_seen_is_refused(submitted, reviewer, analyst):
    seen = submitted.version
    edit_item(submitted, user=analyst, expected_version=seen, changes={"statement": "Changed meanwhile."})
    with pytest.raises(StaleVersion):
        approve(submitted, user=reviewer, expected_version=seen)


def test_rejected_item_can_be_submitted_again(submitted, reviewer, analyst):
    rejected = reject(submitted, user=reviewer, comment="needs a source")
    assert submit_for_review(rejected, user=analyst).review_status == ReviewStatus.SUBMITTED


def test_editing_an_approved_item_sends_it_back_to_submitted(submitted, reviewer, analyst):
    approved = approve(submitted, user=reviewer)
    edited = edit_item(
        approved, user=analyst, expected_version=approved.version, changes={"statement": "New figure."}
    )
    assert edited.review_status == ReviewStatus.SUBMITTED


def test_an_edit_that_changes_nothing_keeps_the_approval(submitted, reviewer, analyst):
    approved = approve(submitted, user=reviewer)
    edited = edit_item(
        approved, user=analyst, expected_version=approved.version, changes={"statement": approved.statement}
    )
    assert edited.review_status == ReviewStatus.APPROVED


def test_review_status_cannot_be_changed_by_an_edit(claim, analyst):
    with pytest.raises(ValidationError):
        edit_item(claim, user=analyst, expected_version=1, changes={"review_status": "approved"})
    assert Claim.objects.get(pk=claim.pk).review_status == ReviewStatus.DRAFT


def test_queue_lists_submitted_items_oldest_first(workspace, analyst, source):
    passage = PassageFactory(source=source)
    first = submit_for_review(ClaimFactory(workspace=workspace, created_by=analyst), user=analyst)
    second = submit_for_review(
        AnnotationFactory(workspace=workspace, passages=[passage], author=analyst), user=analyst
    )
    third = submit_for_review(EvidenceFactory(passage=passage, created_by=analyst), user=analyst)
    ClaimFactory(workspace=workspace, created_by=analyst)  # a draft: not in the queue
    queue = review_queue(workspace=workspace)
    assert [(item.kind, item.obj.pk) for item in queue] == [
        ("claim", first.pk),
        ("annotation", second.pk),
        ("evidence", third.pk),
    ]
    assert [item.author for item in queue] == [analyst, analyst, analyst]


# --- Views ---------------------------------------------------------------------


def submitted_by_its_author(kind: str, *, workspace, author, source):
    """An item of the reviewable `kind`, written by `author` and submitted by them."""
    if kind == "annotation":
        passage = PassageFactory(source=source)
        draft = AnnotationFactory(workspace=workspace, passages=[passage], author=author)
    elif kind == "claim":
        draft = ClaimFactory(workspace=workspace, created_by=author)
    elif kind == "evidence":
        draft = EvidenceFactory(passage=PassageFactory(source=source), created_by=author)
    else:
        raise AssertionError(f"the tests do not know how to make a {kind}: add it here")
    return submit_for_review(draft, user=author)


def assert_listed(page: str, workspace, kind: str, obj, author) -> None:
    assert reverse("archive:object_history", args=[workspace.slug, kind, obj.pk]) in page
    assert f"by <bdi>{author.username}</bdi> · {kind} version {obj.version}" in page


@pytest.mark.parametrize("kind", sorted(REVIEWED))
def test_queue_page_lists_a_submitted_item_of_each_kind_with_its_author(
    client, kind, workspace, analyst, reviewer, source
):
    item = submitted_by_its_author(kind, workspace=workspace, author=analyst, source=source)
    client.force_login(reviewer)
    response = client.get(reverse("archive:review_queue", args=[workspace.slug]))
    assert response.status_code == 200
    assert_listed(response.content.decode(), workspace, kind, item, analyst)


def test_queue_page_lists_every_kind_waiting_at_once(client, workspace, analyst, ws_admin, reviewer, source):
    authors = {kind: (analyst, ws_admin)[i % 2] for i, kind in enumerate(sorted(REVIEWED))}
    waiting = {
        kind: submitted_by_its_author(kind, workspace=workspace, author=author, source=source)
        for kind, author in authors.items()
    }
    client.force_login(reviewer)
    response = client.get(reverse("archive:review_queue", args=[workspace.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    for kind, item in waiting.items():
        assert_listed(page, workspace, kind, item, authors[kind])


def test_reviewer_approves_from_the_queue(client, submitted, reviewer, workspace):
    client.force_login(reviewer)
    queue_url = reverse("archive:review_queue", args=[workspace.slug])
    assert "Airstrikes reached 120 a week." in client.get(queue_url).content.decode()
    response = client.post(
        reverse("archive:review_decision", args=[workspace.slug, "claim", submitted.pk]),
        {"version": submitted.version, "decision": "approve", "comment": "checked", "next": queue_url},
    )
    assert response.status_code == 302 and response["Location"] == queue_url
    assert Claim.objects.get(pk=submitted.pk).review_status == ReviewStatus.APPROVED


@pytest.mark.parametrize("next_page", ["abc", "0", "https://elsewhere.example/", "//elsewhere.example/"])
def test_a_decision_whose_next_is_no_path_here_goes_back_to_the_history(
    client, submitted, reviewer, workspace, next_page
):
    client.force_login(reviewer)
    response = client.post(
        reverse("archive:review_decision", args=[workspace.slug, "claim", submitted.pk]),
        {"version": submitted.version, "decision": "approve", "comment": "checked", "next": next_page},
    )
    history = reverse("archive:object_history", args=[workspace.slug, "claim", submitted.pk])
    assert response.status_code == 302 and response["Location"] == history
    assert Claim.objects.get(pk=submitted.pk).review_status == ReviewStatus.APPROVED


def test_rejecting_without_a_comment_in_the_browser_shows_why(client, submitted, reviewer, workspace):
    client.force_login(reviewer)
    url = reverse("archive:review_decision", args=[workspace.slug, "claim", submitted.pk])
    response = client.post(url, {"version": submitted.version, "decision": "reject"}, follow=True)
    assert "Say why it is rejected" in response.content.decode()
    assert Claim.objects.get(pk=submitted.pk).review_status == ReviewStatus.SUBMITTED


def stale_rejection(client, *, submitted, reviewer, analyst, workspace) -> str:
    """A reviewer's rejection on the claim's page, with a comment, refused because its analyst
    changed it meanwhile: the page it lands on."""
    seen = submitted.version
    edit_item(submitted, user=analyst, expected_version=seen, changes={"statement": "Changed meanwhile."})
    client.force_login(reviewer)
    url = reverse("archive:review_decision", args=[workspace.slug, "claim", submitted.pk])
    claim_page = reverse("archive:claim", args=[workspace.slug, submitted.pk])
    posted = {
        "version": seen,
        "decision": "reject",
        "comment": "no source for the figure",
        "next": claim_page,
    }
    return client.post(url, posted, follow=True).content.decode()


def test_a_rejection_refused_as_stale_on_the_claim_page_keeps_its_comment(
    client, submitted, reviewer, analyst, workspace
):
    page = stale_rejection(
        client, submitted=submitted, reviewer=reviewer, analyst=analyst, workspace=workspace
    )
    assert "changed by someone else" in page and "no source for the figure</textarea>" in page


def test_a_kept_comment_is_shown_once(client, submitted, reviewer, analyst, workspace):
    stale_rejection(client, submitted=submitted, reviewer=reviewer, analyst=analyst, workspace=workspace)
    page = client.get(reverse("archive:claim", args=[workspace.slug, submitted.pk])).content.decode()
    assert "no source for the figure" not in page


def test_a_rejection_comment_too_long_is_refused_for_that_alone():
    form = ReviewDecisionForm({"version": 1, "decision": "reject", "comment": "x" * 2500})
    assert not form.is_valid()
    assert len(form.errors["comment"]) == 1 and "Say why" not in form.errors["comment"][0]


def test_analyst_gets_403_for_the_decision_and_the_queue(client, submitted, analyst, workspace):
    client.force_login(analyst)
    url = reverse("archive:review_decision", args=[workspace.slug, "claim", submitted.pk])
    assert client.post(url, {"version": submitted.version, "decision": "approve"}).status_code == 403
    assert client.get(reverse("archive:review_queue", args=[workspace.slug])).status_code == 403


def test_analyst_submits_from_the_history_page(client, claim, analyst, workspace):
    client.force_login(analyst)
    history_url = reverse("archive:object_history", args=[workspace.slug, "claim", claim.pk])
    assert "Submit for review" in client.get(history_url).content.decode()
    client.post(
        reverse("archive:submit_for_review", args=[workspace.slug, "claim", claim.pk]), {"version": 1}
    )
    assert Claim.objects.get(pk=claim.pk).review_status == ReviewStatus.SUBMITTED


def test_reviewer_sees_no_submit_button_and_cannot_submit(client, claim, reviewer, workspace):
    client.force_login(reviewer)
    history_url = reverse("archive:object_history", args=[workspace.slug, "claim", claim.pk])
    assert "Submit for review" not in client.get(history_url).content.decode()
    url = reverse("archive:submit_for_review", args=[workspace.slug, "claim", claim.pk])
    assert client.post(url, {"version": 1}).status_code == 403


def test_review_urls_of_unreviewed_kinds_are_404(client, ws_admin, workspace, source):
    client.force_login(ws_admin)
    url = reverse("archive:review_decision", args=[workspace.slug, "source", source.pk])
    assert client.post(url, {"version": 1, "decision": "approve"}).status_code == 404


def test_outsider_gets_404_for_review_actions(client, submitted, outsider, workspace):
    client.force_login(outsider)
    url = reverse("archive:review_decision", args=[workspace.slug, "claim", submitted.pk])
    assert client.post(url, {"version": submitted.version, "decision": "approve"}).status_code == 404
