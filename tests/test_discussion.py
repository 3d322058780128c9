"""Discussions: any member replies to an annotation or a claim (W3C "replying");
the item's author or an admin resolves the thread; all of it in the history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from archive.audit.kinds import KINDS
from archive.claims import reply, resolve_thread
from archive.models import Discussion, HistoryAction, HistoryEntry, Reply
from tests.factories import AnnotationFactory, ClaimFactory, PassageFactory


@pytest.fixture
def passage(source, analyst):
    return PassageFactory(source=source, created_by=analyst, length=12)


@pytest.fixture
def annotation(workspace, analyst, passage):
    return AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, body="Check the date.")


@pytest.fixture
def claim(workspace, analyst):
    return ClaimFactory(workspace=workspace, created_by=analyst, statement="Shelling resumed.")


def entries(obj) -> list[HistoryEntry]:
    return list(
        HistoryEntry.objects.filter(model=obj._meta.model_name, object_id=obj.pk).order_by("sequence")
    )


def test_discussions_and_replies_are_tracked_kinds():
    assert KINDS["discussion"].model is Discussion
    assert KINDS["reply"].model is Reply
    assert Reply.motivation == "replying"


@pytest.mark.parametrize("who", ["analyst", "reviewer", "ws_admin"])
def test_every_member_replies_to_an_annotation_and_a_claim(request, who, annotation, claim):
    user = request.getfixturevalue(who)
    for item in (annotation, claim):
        posted = reply(item=item, user=user, body="  Which source gives the date?  ")
        assert posted.body == "Which source gives the date?"
        assert posted.discussion.target == item
        assert posted.workspace_id == item.workspace_id
        [entry] = entries(posted)
        assert (entry.action, entry.user) == (HistoryAction.CREATED, user)
        assert [e.action for e in entries(posted.discussion)] == [HistoryAction.CREATED]


def test_replies_form_one_thread_per_item(annotation, analyst, reviewer):
    reply(item=annotation, user=reviewer, body="Which source?")
    reply(item=annotation, user=analyst, body="The ministry's statement.")
    [discussion] = Discussion.objects.all()
    assert [r.body for r in discussion.replies.order_by("id")] == [
        "Which source?",
        "The ministry's statement.",
    ]


def test_outsiders_and_empty_replies_are_refused(annotation, outsider, analyst):
    with pytest.raises(PermissionDenied):
        reply(item=annotation, user=outsider, body="Hello")
    with pytest.raises(ValidationError):
        reply(item=annotation, user=analyst, body="   ")
    assert not Reply.objects.exists() and not Discussion.objects.exists()


def test_a_discussion_has_exactly_one_target(workspace, annotation, claim):
    for targets in ({}, {"annotation": annotation, "claim": claim}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Discussion.objects.create(workspace=workspace, **targets)


def test_the_author_resolves_with_who_and_when_in_history(annotation, analyst, reviewer):
    reply(item=annotation, user=reviewer, body="Is this the right day?")
    discussion = resolve_thread(item=annotation, user=analyst)
    assert discussion.resolved and discussion.resolved_by == analyst and discussion.resolved_at
    latest = discussion.history.latest()
    assert (latest.resolved, latest.resolved_by_id, latest.history_user) == (True, analyst.pk, analyst)
    assert entries(discussion)[-1].action == HistoryAction.CHANGED
    reopened = resolve_thread(item=annotation, user=analyst, resolved=False)
    assert not reopened.resolved and reopened.resolved_by is None


def test_only_the_author_or_an_admin_resolves(claim, analyst, reviewer, ws_admin, workspace):
    reply(item=claim, user=reviewer, body="Two outlets disagree.")
    with pytest.raises(PermissionDenied):
        resolve_thread(item=claim, user=reviewer)
    other = ClaimFactory(workspace=workspace, created_by=ws_admin)
    reply(item=other, user=analyst, body="Why?")
    with pytest.raises(PermissionDenied):
        resolve_thread(item=other, user=analyst)  # not the analyst's claim
    assert resolve_thread(item=other, user=ws_admin).resolved


def test_resolving_without_a_discussion_is_refused(claim, analyst):
    with pytest.raises(ValidationError):
        resolve_thread(item=claim, user=analyst)


def test_a_reply_opens_a_resolved_discussion_again(claim, analyst, reviewer):
    reply(item=claim, user=reviewer, body="First.")
    resolve_thread(item=claim, user=analyst)
    reply(item=claim, user=reviewer, body="One more thing.")
    assert not Discussion.objects.get().resolved


def test_resolving_keeps_the_item_as_it_is(annotation, analyst, reviewer):
    version, status = annotation.version, annotation.review_status
    reply(item=annotation, user=reviewer, body="Fine.")
    resolve_thread(item=annotation, user=analyst)
    annotation.refresh_from_db()
    assert (annotation.version, annotation.review_status) == (version, status)


def test_deleting_the_item_deletes_its_discussion_with_history(claim, analyst, reviewer):
    from archive.claims import delete_claim

    posted = reply(item=claim, user=reviewer, body="Doubtful.")
    delete_claim(claim=claim, user=analyst, reason="duplicate")
    assert not Discussion.objects.exists() and not Reply.objects.exists()
    assert entries(posted)[-1].action == HistoryAction.DELETED


def test_the_reading_page_threads_replies_under_the_annotation(
    client, workspace, source, annotation, analyst, reviewer
):
    reply(item=annotation, user=reviewer, body="Which <b>source</b>?")
    client.force_login(analyst)
    page = client.get(reverse("archive:source", args=[workspace.slug, source.pk])).content.decode()
    item = page[page.index(f'id="annotation-{annotation.pk}"') :]
    item = item[: item.index("</li>\n") if "</li>\n" in item else len(item)]
    assert "Which &lt;b&gt;source&lt;/b&gt;?" in item
    assert reverse("archive:discussion_reply", args=[workspace.slug, "annotation", annotation.pk]) in item
    assert "Resolve discussion" in item  # the author may


def test_the_reviewer_replies_from_the_reading_page(client, workspace, source, annotation, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("archive:source", args=[workspace.slug, source.pk])).content.decode()
    assert "Resolve discussion" not in page  # not the reviewer's note (and no thread yet)
    url = reverse("archive:discussion_reply", args=[workspace.slug, "annotation", annotation.pk])
    back = reverse("archive:source", args=[workspace.slug, source.pk]) + f"#annotation-{annotation.pk}"
    response = client.post(url, {"body": "Source?", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert Reply.objects.get().author == reviewer


@pytest.mark.parametrize("next_page", ["abc", "-1", "https://elsewhere.example/"])
def test_a_reply_whose_next_is_no_path_here_goes_back_to_the_claim(
    client, workspace, claim, reviewer, next_page
):
    client.force_login(reviewer)
    url = reverse("archive:discussion_reply", args=[workspace.slug, "claim", claim.pk])
    response = client.post(url, {"body": "Dates?", "next": next_page})
    claim_page = reverse("archive:claim", args=[workspace.slug, claim.pk]) + "#discussion"
    assert response.status_code == 302 and response["Location"] == claim_page
    assert Reply.objects.get().body == "Dates?"


def test_the_claim_page_shows_and_resolves_its_discussion(client, workspace, claim, analyst, reviewer):
    page_url = reverse("archive:claim", args=[workspace.slug, claim.pk])
    client.force_login(reviewer)
    client.post(
        reverse("archive:discussion_reply", args=[workspace.slug, "claim", claim.pk]), {"body": "Dates?"}
    )
    page = client.get(page_url).content.decode()
    assert "Dates?" in page and 'id="discussion"' in page and "Resolve discussion" not in page
    client.force_login(analyst)
    assert "Resolve discussion" in client.get(page_url).content.decode()
    discussion = Discussion.objects.get()
    response = client.post(
        reverse("archive:discussion_resolve", args=[workspace.slug, "claim", claim.pk]),
        {"version": discussion.version, "resolved": "1"},
    )
    assert response.status_code == 302 and response["Location"] == page_url + "#discussion"
    assert Discussion.objects.get().resolved
    assert "Reopen discussion" in client.get(page_url).content.decode()


def test_a_reviewer_cannot_resolve_through_the_url(client, workspace, claim, reviewer):
    reply(item=claim, user=reviewer, body="Dates?")
    client.force_login(reviewer)
    response = client.post(reverse("archive:discussion_resolve", args=[workspace.slug, "claim", claim.pk]))
    assert response.status_code == 403
    assert not Discussion.objects.get().resolved


def test_only_annotations_and_claims_have_discussions(client, workspace, analyst, source):
    client.force_login(analyst)
    url = reverse("archive:discussion_reply", args=[workspace.slug, "source", source.pk])
    assert client.post(url, {"body": "x"}).status_code == 404
