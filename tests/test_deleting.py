"""Deleting a claim, a source or an outlet from its page: what goes with it, what
keeps it, a reason for the history, and a page loaded before someone's change."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from archive.claims import edit_claim
from archive.core.text import isolated
from archive.models import Claim, Evidence, Hypothesis, Outlet, Question, Source
from tests.factories import ClaimFactory, EvidenceFactory, OutletFactory, PassageFactory, SourceFactory


@pytest.fixture
def claim(workspace, analyst):
    return ClaimFactory(workspace=workspace, created_by=analyst)


def delete_url(name: str, obj) -> str:
    return reverse(f"archive:{name}_delete", args=[obj.workspace.slug, obj.pk])


def deletion_of(obj) -> tuple:
    """Who deleted `obj` and why, from its last history row (which must be its deletion)."""
    last = type(obj).history.filter(id=obj.pk).first()
    assert last.history_type == "-"
    return last.history_user, last.history_change_reason


def confirm(client, user, name: str, obj, *, version: int | None = None, reason: str = "Made by mistake."):
    """Post the deletion page of `obj` as loaded at `version` (default: its version now)."""
    client.force_login(user)
    data = {"version": obj.version if version is None else version, "reason": reason}
    return client.post(delete_url(name, obj), data)


def test_the_page_lists_what_goes_with_the_claim(client, analyst, claim):
    EvidenceFactory(claim=claim, passage=PassageFactory(source=SourceFactory(workspace=claim.workspace)))
    client.force_login(analyst)
    page = client.get(delete_url("claim", claim)).content.decode()
    assert "Deleted with it" in page
    assert "<li>1 evidence</li>" in page


def test_an_analyst_deletes_their_claim_with_a_reason_kept_in_its_history(client, analyst, claim):
    evidence = EvidenceFactory(
        claim=claim, passage=PassageFactory(source=SourceFactory(workspace=claim.workspace))
    )
    response = confirm(client, analyst, "claim", claim, reason="A duplicate of another claim.")
    assert response.status_code == 302
    assert response["Location"] == reverse("archive:claims", args=[claim.workspace.slug])
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert deletion_of(claim) == (analyst, "A duplicate of another claim.")
    assert Evidence.history.filter(id=evidence.pk).first().history_type == "-"
    [message] = get_messages(response.wsgi_request)
    assert "Its history keeps it" in str(message)


def test_a_delete_without_a_reason_is_refused_and_keeps_the_claim(client, analyst, claim):
    response = confirm(client, analyst, "claim", claim, reason="  ")
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_a_delete_from_a_page_loaded_before_a_change_shows_the_change_first(client, analyst, claim):
    loaded = claim.version
    edit_claim(claim, user=analyst, expected_version=loaded, changes={"statement": "Changed meanwhile."})
    response = confirm(client, analyst, "claim", claim, version=loaded)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Changed meanwhile." in page
    assert f'name="version" value="{loaded + 1}"' in page
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_confirming_again_after_a_change_deletes_the_claim(client, analyst, claim):
    edit_claim(
        claim, user=analyst, expected_version=claim.version, changes={"statement": "Changed meanwhile."}
    )
    claim.refresh_from_db()
    assert confirm(client, analyst, "claim", claim).status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_an_analyst_cannot_delete_another_analysts_claim(client, analyst, workspace):
    theirs = ClaimFactory(workspace=workspace)
    assert confirm(client, analyst, "claim", theirs).status_code == 403
    assert Claim.objects.filter(pk=theirs.pk).exists()


def test_a_claim_weighed_in_a_question_is_kept_and_the_page_says_why(client, analyst, claim):
    question = Question.objects.create(workspace=claim.workspace, text="Who cut the road?")
    Hypothesis.objects.create(workspace=claim.workspace, question=question, claim=claim)
    client.force_login(analyst)
    page = client.get(delete_url("claim", claim)).content.decode()
    assert "It cannot be deleted while these refer to it: 1 hypothesis." in page
    assert 'type="submit"' not in page.split("<main", 1)[1]
    response = confirm(client, analyst, "claim", claim)
    assert response.status_code == 409
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_a_source_with_passages_is_kept_and_the_page_says_why(client, ws_admin, workspace):
    source = SourceFactory(workspace=workspace)
    PassageFactory.create_batch(2, source=source)
    client.force_login(ws_admin)
    assert "these refer to it: 2 passages." in client.get(delete_url("source", source)).content.decode()
    assert confirm(client, ws_admin, "source", source).status_code == 409
    assert Source.objects.filter(pk=source.pk).exists()


def test_an_outlet_a_source_names_is_kept(client, ws_admin, workspace):
    outlet = OutletFactory(workspace=workspace)
    SourceFactory(workspace=workspace, outlet=outlet)
    response = confirm(client, ws_admin, "outlet", outlet)
    assert response.status_code == 409
    assert "these refer to it: 1 source." in response.content.decode()
    assert Outlet.objects.filter(pk=outlet.pk).exists()


def test_the_sources_that_keep_an_outlet_are_named_with_links(client, ws_admin, workspace):
    outlet = OutletFactory(workspace=workspace)
    source = SourceFactory(workspace=workspace, outlet=outlet, title="Why Aleppo Fell")
    client.force_login(ws_admin)
    page = client.get(delete_url("outlet", outlet)).content.decode()
    link = reverse("archive:source", args=[workspace.slug, source.pk])
    assert f'<li><a href="{link}">{isolated("Why Aleppo Fell")}</a></li>' in page


@pytest.mark.parametrize(
    ("kind", "factory", "listed"),
    [("source", SourceFactory, "archive:workspace"), ("outlet", OutletFactory, "archive:outlets")],
)
def test_an_admin_deletes_what_nothing_refers_to(client, ws_admin, workspace, kind, factory, listed):
    obj = factory(workspace=workspace)
    response = confirm(client, ws_admin, kind, obj, reason="Added by mistake.")
    assert response["Location"] == reverse(listed, args=[workspace.slug])
    assert not type(obj).objects.filter(pk=obj.pk).exists()
    assert deletion_of(obj) == (ws_admin, "Added by mistake.")


@pytest.mark.parametrize(
    "body",
    [
        "version=abc&reason=why",
        f"version={'9' * 30}&reason=why",
        "version=1&reason=a%00b",
        "version=1&reason=%FF%FEx",
        f"version=1&reason={'x' * 70_000}",
        "reason=why",
    ],
    ids=["word for a number", "beyond any integer", "NUL", "invalid UTF-8", "far too long", "no version"],
)
def test_a_bad_deletion_form_is_refused_and_deletes_nothing(client, analyst, claim, body):
    client.force_login(analyst)
    response = client.generic("POST", delete_url("claim", claim), body, "application/x-www-form-urlencoded")
    assert response.status_code in (400, 409)
    assert Claim.objects.filter(pk=claim.pk).exists()
