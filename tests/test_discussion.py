"""Discussions: any member replies to an annotation or a claim (W3C "replying");
a reply's author corrects or deletes it, an admin deletes any; the item's author
or an admin resolves the thread; all of it in the history."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from archive.audit.kinds import KINDS
from archive.claims import delete_reply, edit_reply, reply, resolve_thread
from archive.core.editing import DELETE_REASON_REQUIRED, StaleVersion
from archive.models import Discussion, HistoryAction, HistoryEntry, Reply
from archive.models.discussion import MAX_REPLY_LENGTH
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


# --- correcting and deleting a reply ----------------------------------------------------


@pytest.fixture
def posted(claim, reviewer):
    """The reviewer's reply on the analyst's claim."""
    return reply(item=claim, user=reviewer, body="Which day was it?")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_author_edits_a_reply_and_its_history_keeps_the_new_words_and_the_editor(posted, reviewer):
    edited = edit_reply(reply=posted, user=reviewer, body="  Which day, exactly?  ", expected_version=1)
    assert (edited.body, edited.version) == ("Which day, exactly?", 2)
    latest = posted.history.latest()
    assert (latest.history_type, latest.body, latest.history_user) == ("~", "Which day, exactly?", reviewer)
    assert (entries(posted)[-1].action, entries(posted)[-1].user) == (HistoryAction.CHANGED, reviewer)


def test_a_stale_edit_of_a_reply_is_refused(posted, reviewer):
    edit_reply(reply=posted, user=reviewer, body="Which day?", expected_version=1)
    with pytest.raises(StaleVersion):
        edit_reply(reply=posted, user=reviewer, body="Which week?", expected_version=1)
    assert Reply.objects.get().body == "Which day?"


@pytest.mark.parametrize("who", ["analyst", "ws_admin"])
def test_no_one_but_its_author_edits_a_reply(request, posted, who):
    with pytest.raises(PermissionDenied):
        edit_reply(reply=posted, user=request.getfixturevalue(who), body="Put in your mouth.")
    assert Reply.objects.get().body == "Which day was it?"


@pytest.mark.parametrize("body", ["   ", "x" * (MAX_REPLY_LENGTH + 1)], ids=["empty", "too long"])
def test_an_edit_is_held_to_the_rules_of_a_reply(posted, reviewer, body):
    with pytest.raises(ValidationError):
        edit_reply(reply=posted, user=reviewer, body=body)
    assert Reply.objects.get().body == "Which day was it?"


def test_the_author_deletes_a_reply_and_its_history_keeps_why(posted, reviewer):
    delete_reply(reply=posted, user=reviewer, reason="  Asked twice.  ")
    assert not Reply.objects.exists()
    latest = posted.history.latest()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "-",
        reviewer,
        "Asked twice.",
    )
    last = entries(posted)[-1]
    assert (last.action, last.user, last.reason) == (HistoryAction.DELETED, reviewer, "Asked twice.")


@pytest.mark.parametrize("reason", ["", "   "], ids=["none", "blank"])
def test_a_reply_is_not_deleted_without_a_reason(posted, reviewer, reason):
    with pytest.raises(ValidationError) as refused:
        delete_reply(reply=posted, user=reviewer, reason=reason)
    assert "reason" in refused.value.message_dict
    assert Reply.objects.filter(pk=posted.pk).exists()
    assert posted.history.count() == 1


def test_an_admin_deletes_another_members_reply(posted, ws_admin):
    delete_reply(reply=posted, user=ws_admin, reason="Off topic.")
    assert not Reply.objects.exists()
    assert entries(posted)[-1].user == ws_admin


def test_an_analyst_cannot_delete_another_members_reply(posted, analyst):
    with pytest.raises(PermissionDenied):
        delete_reply(reply=posted, user=analyst, reason="I disagree.")
    assert Reply.objects.filter(pk=posted.pk).exists()


def test_the_author_edits_a_reply_from_the_claim_page(client, workspace, claim, posted, reviewer):
    client.force_login(reviewer)
    url = reverse("archive:discussion_reply_edit", args=[workspace.slug, posted.pk])
    response = client.post(url, {"version": posted.version, "body": "Which day, exactly?"})
    claim_page = reverse("archive:claim", args=[workspace.slug, claim.pk]) + "#discussion"
    assert response.status_code == 302 and response["Location"] == claim_page
    assert messages_of(response) == ["Reply changed."]
    assert Reply.objects.get().body == "Which day, exactly?"


@pytest.mark.parametrize(
    ("body", "version", "message"),
    [
        ("", "1", "A reply needs some text."),
        ("x" * (MAX_REPLY_LENGTH + 1), "1", f"A reply has at most {MAX_REPLY_LENGTH} characters."),
        ("Which day?", "one", "The form is out of date: reload the page."),
        ("Which day?", "7", "The reply was changed by someone else (now version 1)."),
    ],
    ids=["empty", "too long", "no number", "stale"],
)
def test_a_refused_edit_goes_back_with_a_message(client, workspace, posted, reviewer, body, version, message):
    client.force_login(reviewer)
    url = reverse("archive:discussion_reply_edit", args=[workspace.slug, posted.pk])
    response = client.post(url, {"version": version, "body": body})
    assert response.status_code == 302 and messages_of(response) == [message]
    assert Reply.objects.get().body == "Which day was it?"


def test_editing_another_members_reply_through_the_url_is_forbidden(client, workspace, posted, ws_admin):
    client.force_login(ws_admin)
    url = reverse("archive:discussion_reply_edit", args=[workspace.slug, posted.pk])
    assert client.post(url, {"version": posted.version, "body": "Edited."}).status_code == 403
    assert Reply.objects.get().body == "Which day was it?"


def test_the_author_deletes_a_reply_from_the_reading_page(client, workspace, source, annotation, reviewer):
    posted = reply(item=annotation, user=reviewer, body="Which source?")
    client.force_login(reviewer)
    back = reverse("archive:source", args=[workspace.slug, source.pk]) + f"#annotation-{annotation.pk}"
    url = reverse("archive:discussion_reply_delete", args=[workspace.slug, posted.pk])
    response = client.post(url, {"reason": "Found it.", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert messages_of(response) == ["Reply deleted. Its history keeps it."]
    assert not Reply.objects.exists()


def test_a_delete_without_a_reason_goes_back_with_a_message(client, workspace, posted, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("archive:discussion_reply_delete", args=[workspace.slug, posted.pk]))
    assert response.status_code == 302 and messages_of(response) == [DELETE_REASON_REQUIRED]
    assert Reply.objects.filter(pk=posted.pk).exists()


def test_deleting_another_members_reply_through_the_url_is_forbidden(client, workspace, posted, analyst):
    client.force_login(analyst)
    url = reverse("archive:discussion_reply_delete", args=[workspace.slug, posted.pk])
    assert client.post(url, {"reason": "I disagree."}).status_code == 403
    assert Reply.objects.filter(pk=posted.pk).exists()


def test_a_reply_in_another_workspace_is_not_found(client, workspace, posted, outsider):
    client.force_login(outsider)
    other = outsider.memberships.get().workspace.slug
    url = reverse("archive:discussion_reply_delete", args=[other, posted.pk])
    assert client.post(url, {"reason": "Spam."}).status_code == 404
    assert Reply.objects.filter(pk=posted.pk).exists()


def reply_controls(page: str, posted: Reply) -> set[str]:
    """Which of the reply's forms the page holds: "edit", "delete"."""
    return {action for action in ("edit", "delete") if f"/discussion/replies/{posted.pk}/{action}/" in page}


@pytest.mark.parametrize(
    ("who", "controls"),
    [("reviewer", {"edit", "delete"}), ("ws_admin", {"delete"}), ("analyst", set())],
)
def test_the_claim_page_shows_a_replys_controls_to_those_who_may_use_them(
    request, client, workspace, claim, posted, who, controls
):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("archive:claim", args=[workspace.slug, claim.pk])).content.decode()
    assert reply_controls(page, posted) == controls


@pytest.mark.parametrize(
    ("who", "controls"),
    [("reviewer", {"edit", "delete"}), ("ws_admin", {"delete"}), ("analyst", set())],
)
def test_the_reading_page_shows_a_replys_controls_to_those_who_may_use_them(
    request, client, workspace, source, annotation, reviewer, who, controls
):
    posted = reply(item=annotation, user=reviewer, body="Which source?")
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("archive:source", args=[workspace.slug, source.pk])).content.decode()
    assert reply_controls(page, posted) == controls


def test_the_edit_form_holds_the_reply_its_version_and_a_labelled_field(
    client, workspace, claim, posted, reviewer
):
    client.force_login(reviewer)
    page = client.get(reverse("archive:claim", args=[workspace.slug, claim.pk])).content.decode()
    form = page[page.index(f"/discussion/replies/{posted.pk}/edit/") :]
    form = form[: form.index("</form>")]
    assert f'name="version" value="{posted.version}"' in form
    assert f'<label for="reply-{posted.pk}-body">' in form and ">Which day was it?</textarea>" in form
    delete = page[page.index(f"/discussion/replies/{posted.pk}/delete/") :]
    assert f'<label for="reply-{posted.pk}-reason">' in delete[: delete.index("</form>")]
