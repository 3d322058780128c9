"""What a member typed is not lost when the server refuses it: a reply over the limit comes
back in its textarea with the refusal beside the field; a reply, a submission or a flag for
an item deleted meanwhile is answered 410 with who deleted it, when and why (the reply kept
to be copied); and a claim edit refused for want of a reason names and marks that field."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from archive.audit import review as review_domain
from archive.claims import delete_annotation, delete_claim, delete_reply, reply
from archive.models import Annotation, Reply
from archive.models.discussion import MAX_REPLY_LENGTH
from tests.factories import AnnotationFactory, ClaimFactory

TOO_LONG = "word " * ((MAX_REPLY_LENGTH // 5) + 400)  # 12,000 characters
REFUSED = f"A reply has at most {MAX_REPLY_LENGTH} characters."


@pytest.fixture
def claim(workspace, analyst):
    return ClaimFactory(workspace=workspace, created_by=analyst, statement="Shelling resumed.", credibility=6)


@pytest.fixture
def note(workspace, analyst, passage):
    return AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, body="Check the date.")


def claim_page(claim) -> str:
    return reverse("archive:claim", args=[claim.workspace.slug, claim.pk])


def tag(page: str, element_id: str) -> str:
    """The start tag of the element whose id is `element_id`."""
    found = re.search(rf'<(?:textarea|input|select)\b[^>]*\bid="{re.escape(element_id)}"[^>]*>', page)
    assert found, f"no field #{element_id}"
    return found.group(0)


def textarea_text(page: str, element_id: str) -> str:
    found = re.search(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no textarea #{element_id}"
    return unescape(found.group(1))


# --- 1. a refused reply comes back in its textarea ---------------------------------------------


def test_a_reply_over_the_limit_comes_back_in_its_textarea_with_the_error_beside_it(client, reviewer, claim):
    client.force_login(reviewer)
    url = reverse("archive:discussion_reply", args=[claim.workspace.slug, "claim", claim.pk])
    response = client.post(url, {"body": TOO_LONG, "next": claim_page(claim) + "#discussion"})
    # Back to the page without #discussion: a page opened at an anchor focuses no field.
    assert response.status_code == 302 and response["Location"] == claim_page(claim)
    assert not Reply.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert textarea_text(page, "reply-body") == TOO_LONG
    field = tag(page, "reply-body")
    assert 'aria-invalid="true"' in field and 'aria-describedby="reply-body-error"' in field
    assert " autofocus" in field
    error = re.search(r'<p class="form-error" id="reply-body-error"[^>]*>(.*?)</p>', page)
    assert error and error.group(1) == REFUSED
    # Shown once: the page opened again has an empty form.
    again = client.get(claim_page(claim)).content.decode()
    assert textarea_text(again, "reply-body") == "" and "aria-invalid" not in tag(again, "reply-body")


def test_the_reply_textareas_have_the_domains_limit_as_maxlength(client, reviewer, claim):
    reply(item=claim, user=reviewer, body="Which day?")
    client.force_login(reviewer)
    page = client.get(claim_page(claim)).content.decode()
    posted = Reply.objects.get()
    for field_id in ("reply-body", f"reply-{posted.pk}-body"):
        assert f'maxlength="{MAX_REPLY_LENGTH}"' in tag(page, field_id)


def test_a_refused_correction_of_a_reply_comes_back_in_its_open_form(client, reviewer, claim):
    posted = reply(item=claim, user=reviewer, body="Which day?")
    client.force_login(reviewer)
    url = reverse("archive:discussion_reply_edit", args=[claim.workspace.slug, posted.pk])
    response = client.post(url, {"body": TOO_LONG, "version": posted.version})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    field_id = f"reply-{posted.pk}-body"
    assert textarea_text(page, field_id) == TOO_LONG
    assert 'aria-invalid="true"' in tag(page, field_id)
    assert re.search(r'<details class="reply-change" open><summary>Edit reply', page)
    assert textarea_text(page, "reply-body") == ""  # the new reply's form is not the refused one
    assert Reply.objects.get().body == "Which day?"


def test_a_refused_reply_to_a_note_comes_back_on_a_page_with_its_form(client, reviewer, note, source):
    # The reading page draws its items' forms itself: the reply comes back on a page of its own.
    client.force_login(reviewer)
    url = reverse("archive:discussion_reply", args=[note.workspace.slug, "annotation", note.pk])
    back = reverse("archive:source", args=[note.workspace.slug, source.pk]) + f"#annotation-{note.pk}"
    response = client.post(url, {"body": TOO_LONG, "next": back})
    assert response.status_code == 400
    page = response.content.decode()
    assert textarea_text(page, "reply-body") == TOO_LONG
    field = tag(page, "reply-body")
    assert 'aria-invalid="true"' in field and 'aria-describedby="reply-body-error"' in field
    assert f'maxlength="{MAX_REPLY_LENGTH}"' in field
    assert REFUSED in page and f'action="{url}"' in page and f'name="next" value="{back}"' in page


def test_a_reply_to_a_claim_deleted_meanwhile_says_who_deleted_it_and_keeps_the_reply(
    client, analyst, reviewer, claim
):
    client.force_login(reviewer)
    url = reverse("archive:discussion_reply", args=[claim.workspace.slug, "claim", claim.pk])
    delete_claim(claim=claim, user=analyst, reason="Duplicate of another claim.")
    response = client.post(url, {"body": "Which day was it?", "next": claim_page(claim)})
    assert response.status_code == 410
    page = unescape(response.content.decode())
    assert "analyst deleted this claim on " in page and "“Duplicate of another claim.”" in page
    assert textarea_text(response.content.decode(), "kept-text") == "Which day was it?"
    assert not Reply.objects.exists()


def test_an_edit_of_a_claim_deleted_meanwhile_says_who_deleted_it_and_keeps_the_statement(
    client, analyst, ws_admin, claim
):
    client.force_login(analyst)
    url = reverse("archive:claim_edit", args=[claim.workspace.slug, claim.pk])
    version = claim.version
    delete_claim(claim=claim, user=ws_admin, reason="Duplicate of another claim.")
    response = client.post(url, {"version": version, "statement": "Shelling resumed on 3 May."})
    assert response.status_code == 410
    assert "ws-admin deleted this claim on " in unescape(response.content.decode())
    assert textarea_text(response.content.decode(), "kept-text") == "Shelling resumed on 3 May."


def test_a_correction_of_a_reply_deleted_meanwhile_is_kept_on_the_410_page(client, reviewer, ws_admin, claim):
    posted = reply(item=claim, user=reviewer, body="Which day?")
    delete_reply(reply=posted, user=ws_admin, reason="Off topic.")
    client.force_login(reviewer)
    url = reverse("archive:discussion_reply_edit", args=[claim.workspace.slug, posted.pk])
    response = client.post(url, {"body": "Which day, exactly?", "version": posted.version})
    assert response.status_code == 410
    assert "ws-admin deleted this reply on " in unescape(response.content.decode())
    assert textarea_text(response.content.decode(), "kept-text") == "Which day, exactly?"


def test_a_reply_to_what_never_was_is_still_a_404(client, reviewer, workspace):
    client.force_login(reviewer)
    url = reverse("archive:discussion_reply", args=[workspace.slug, "claim", 999_999])
    assert client.post(url, {"body": "Hello?"}).status_code == 404


# --- 2. submitting or flagging an item deleted meanwhile ---------------------------------------


def post_json(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_ACCEPT="application/json")


@pytest.mark.parametrize(("who", "view"), [("analyst", "submit_for_review"), ("reviewer", "flag")])
def test_submitting_or_flagging_a_note_deleted_meanwhile_by_fetch_is_a_410_saying_who(
    request, client, analyst, note, who, view
):
    client.force_login(request.getfixturevalue(who))
    url = reverse(f"archive:{view}", args=[note.workspace.slug, "annotation", note.pk])
    version = note.version
    delete_annotation(annotation=note, user=analyst, reason="Wrong passage.")
    body = {"version": version} if view == "submit_for_review" else {"version": version, "reason": "Odd."}
    response = post_json(client, url, body)
    assert response.status_code == 410
    error = response.json()["error"]
    assert error.startswith("analyst deleted this annotation on ") and "“Wrong passage.”" in error


@pytest.mark.parametrize(("who", "view"), [("analyst", "submit_for_review"), ("reviewer", "flag")])
def test_submitting_or_flagging_a_claim_deleted_meanwhile_by_its_form_is_a_410_page(
    request, client, analyst, claim, who, view
):
    client.force_login(request.getfixturevalue(who))
    url = reverse(f"archive:{view}", args=[claim.workspace.slug, "claim", claim.pk])
    version = claim.version
    delete_claim(claim=claim, user=analyst, reason="Duplicate.")
    response = client.post(url, {"version": version, "reason": "Please look.", "next": claim_page(claim)})
    assert response.status_code == 410
    page = unescape(response.content.decode())
    assert "analyst deleted this claim on " in page and "“Duplicate.”" in page


def test_a_note_deleted_while_its_submission_waited_is_a_410(client, analyst, note, monkeypatch):
    # Deleted after the view found it, before the domain locked its row.
    def deleted_meanwhile(obj, **kwargs):
        delete_annotation(annotation=obj, user=analyst, reason="Gone while waiting.")
        raise Annotation.DoesNotExist

    monkeypatch.setattr(review_domain, "submit_for_review", deleted_meanwhile)
    client.force_login(analyst)
    url = reverse("archive:submit_for_review", args=[note.workspace.slug, "annotation", note.pk])
    response = post_json(client, url, {"version": note.version})
    assert response.status_code == 410 and "“Gone while waiting.”" in response.json()["error"]


def test_submitting_what_never_was_is_still_a_404(client, analyst, workspace):
    client.force_login(analyst)
    url = reverse("archive:submit_for_review", args=[workspace.slug, "annotation", 999_999])
    assert post_json(client, url, {"version": 1}).status_code == 404
    assert client.post(url, {"version": 1}).status_code == 404


# --- 3. a regrade without the reason for the change names and marks that field ----------------


def test_a_regrade_without_a_reason_marks_the_reason_field_and_says_its_name(client, analyst, claim):
    client.force_login(analyst)
    url = reverse("archive:claim_edit", args=[claim.workspace.slug, claim.pk])
    form = {
        "version": claim.version,
        "statement": claim.statement,
        "credibility": "2",
        "credibility_reason": "Two outlets agree.",  # "Why this grade": the grade's own words
        "status": claim.status,
        "tags": "",
        "reason": "",
    }
    response = client.post(url, form)
    assert response.status_code == 400
    page = response.content.decode()
    message = "Say why you change the credibility grade: the reason is kept in the history."
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    link = f'<a href="#claim-edit-reason">Reason for the change: {message}</a>'
    assert summary and link in summary.group(0)
    field = tag(page, "claim-edit-reason")
    assert 'aria-invalid="true"' in field and 'aria-describedby="claim-edit-reason-error"' in field
    assert f'<p class="form-error" id="claim-edit-reason-error">{message}</p>' in page
    assert "aria-invalid" not in tag(page, "claim-edit-credibility_reason")
    assert textarea_text(page, "claim-edit-credibility_reason") == "Two outlets agree."  # kept as typed
    claim.refresh_from_db()
    assert claim.credibility == 6

    # Given the reason it names, the same form saves, "Why this grade" kept as the grade's reason.
    response = client.post(url, {**form, "reason": "A second outlet confirmed it."})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.credibility, claim.credibility_reason) == (2, "Two outlets agree.")
    assert claim.history.first().history_change_reason == "A second outlet confirmed it."
