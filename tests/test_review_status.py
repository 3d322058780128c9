"""Review status where people work: badges on the reading page, the claim list and
the claim page; submitting from them; the reviewer's comment shown to the author;
status filters on the claim list and the activity feed."""

import pytest
from django.urls import reverse

from archive.audit.review import approve, reject, submit_drafts_on_source, submit_for_review
from archive.core.attribution import REASON_MAX_LENGTH
from archive.models import Annotation, Evidence, HistoryAction, HistoryEntry, ReviewStatus
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, PassageFactory


@pytest.fixture
def passage(source, analyst):
    return PassageFactory(source=source, workspace=source.workspace, start=0, length=12, created_by=analyst)


@pytest.fixture
def note(passage, analyst):
    return AnnotationFactory(workspace=passage.workspace, author=analyst, passages=[passage], body="A note.")


@pytest.fixture
def cited(passage, analyst):
    claim = ClaimFactory(workspace=passage.workspace, created_by=analyst, statement="A claim to check.")
    return EvidenceFactory(passage=passage, claim=claim, created_by=analyst)


def _reading(client, user, source) -> str:
    client.force_login(user)
    return client.get(reverse("archive:source", args=[source.workspace.slug, source.pk])).content.decode()


def test_sidebar_cards_show_the_status_in_words(client, analyst, source, note, cited):
    html = _reading(client, analyst, source)
    assert html.count('<span class="status status-draft" title="Review status">draft</span>') == 2
    assert html.count("Submit for review</button>") == 2
    assert 'Submit all my drafts on this source for review (<span class="draft-count">2</span>)' in html
    assert 'Submit my drafts (<span class="draft-count">2</span>)</button>' in html


def test_a_contributor_without_drafts_gets_the_submit_drafts_form_hidden_for_the_page_to_show(
    client, analyst, source
):
    html = _reading(client, analyst, source)
    assert '<details class="submit-drafts" id="submit-drafts" hidden>' in html


def test_others_see_the_badge_but_no_submit_button(client, reviewer, source, note):
    html = _reading(client, reviewer, source)
    assert "status-draft" in html
    assert "Submit for review" not in html
    assert "Submit all my drafts" not in html


def test_submit_one_item_from_the_reading_page_goes_back_to_it(client, analyst, source, note):
    client.force_login(analyst)
    url = reverse("archive:submit_for_review", args=[source.workspace.slug, "annotation", note.pk])
    back = reverse("archive:source", args=[source.workspace.slug, source.pk]) + f"#annotation-{note.pk}"
    response = client.post(url, {"version": note.version, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert Annotation.objects.get(pk=note.pk).review_status == ReviewStatus.SUBMITTED


def test_submit_all_my_drafts_on_a_source(client, analyst, source, note, cited, ws_admin, passage):
    someone_elses = AnnotationFactory(workspace=source.workspace, author=ws_admin, passages=[passage])
    client.force_login(analyst)
    response = client.post(reverse("archive:submit_drafts", args=[source.workspace.slug, source.pk]))
    assert response.status_code == 302
    assert Annotation.objects.get(pk=note.pk).review_status == ReviewStatus.SUBMITTED
    assert Evidence.objects.get(pk=cited.pk).review_status == ReviewStatus.SUBMITTED
    assert Annotation.objects.get(pk=someone_elses.pk).review_status == ReviewStatus.DRAFT
    actions = HistoryEntry.objects.filter(action=HistoryAction.SUBMITTED, user=analyst)
    assert {(e.model, e.object_id) for e in actions} == {("annotation", note.pk), ("evidence", cited.pk)}


def test_submit_drafts_leaves_rejected_items_alone(analyst, reviewer, source, note, cited):
    submit_for_review(note, user=analyst)
    reject(Annotation.objects.get(pk=note.pk), user=reviewer, comment="Cite the paragraph.")
    submitted = submit_drafts_on_source(source=source, user=analyst)
    assert [obj.pk for obj in submitted] == [cited.pk]
    assert Annotation.objects.get(pk=note.pk).review_status == ReviewStatus.REJECTED


def test_the_author_reads_the_reviewers_comment(client, analyst, reviewer, source, note):
    submit_for_review(note, user=analyst)
    reject(Annotation.objects.get(pk=note.pk), user=reviewer, comment="Which day? Say so.")
    html = _reading(client, analyst, source)
    assert "status-rejected" in html
    assert "Which day? Say so." in html
    assert "Submit again for review</button>" in html
    # Only the author (and admins) see the comment on the reading page.
    assert "Which day? Say so." not in _reading(client, reviewer, source)


def test_claim_page_shows_badges_comment_and_submit(client, analyst, reviewer, cited):
    claim = cited.claim
    submit_for_review(cited, user=analyst)
    reject(Evidence.objects.get(pk=cited.pk), user=reviewer, comment="Wrong stance.")
    client.force_login(analyst)
    html = client.get(reverse("archive:claim", args=[claim.workspace.slug, claim.pk])).content.decode()
    assert '<span class="status status-draft">draft</span>' in html  # the claim
    assert 'title="Review status">rejected</span>' in html  # its evidence
    assert "Wrong stance." in html
    assert "Submit again for review</button>" in html
    assert "Submit for review</button>" in html  # the claim itself


def test_claim_list_shows_and_filters_by_review_status(client, analyst, workspace):
    draft = ClaimFactory(workspace=workspace, created_by=analyst, statement="Still a draft")
    sent = submit_for_review(
        ClaimFactory(workspace=workspace, created_by=analyst, statement="Sent off"), user=analyst
    )
    client.force_login(analyst)
    url = reverse("archive:claims", args=[workspace.slug])
    html = client.get(url).content.decode()
    assert "status-draft" in html and "status-submitted" in html
    html = client.get(url, {"review": "submitted"}).content.decode()
    assert sent.statement in html and draft.statement not in html


def test_activity_feed_filters_by_review_status_now(client, analyst, reviewer, workspace):
    approved = submit_for_review(
        ClaimFactory(workspace=workspace, created_by=analyst, statement="Approved one"), user=analyst
    )
    approve(approved, user=reviewer)
    ClaimFactory(workspace=workspace, created_by=analyst, statement="Draft one")
    client.force_login(reviewer)
    html = client.get(reverse("archive:activity", args=[workspace.slug]), {"review_status": "approved"})
    text = html.content.decode()
    assert "Approved one" in text and "Draft one" not in text


def test_submit_all_my_drafts_carries_the_note_for_the_reviewer(client, analyst, source, note, cited):
    client.force_login(analyst)
    url = reverse("archive:submit_drafts", args=[source.workspace.slug, source.pk])
    client.post(url, {"reason": "Both from the second paragraph."})
    reasons = HistoryEntry.objects.filter(action=HistoryAction.SUBMITTED).values_list("reason", flat=True)
    assert list(reasons) == ["Both from the second paragraph."] * 2


def test_submit_all_my_drafts_with_a_note_too_long_submits_nothing_and_keeps_the_note(
    client, analyst, source, note, cited
):
    client.force_login(analyst)
    url = reverse("archive:submit_drafts", args=[source.workspace.slug, source.pk])
    too_long = "Why. " * REASON_MAX_LENGTH
    response = client.post(url, {"reason": too_long}, follow=True)
    assert {
        Annotation.objects.get(pk=note.pk).review_status,
        Evidence.objects.get(pk=cited.pk).review_status,
    } == {ReviewStatus.DRAFT}
    html = response.content.decode()
    assert "at most" in html
    assert '<details class="submit-drafts" id="submit-drafts" open>' in html
    assert too_long.strip() in html
