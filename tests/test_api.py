"""The REST API: authentication, the workspace permission layer per role,
validation, filters, cursor pages, ETag / If-Match and history."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from archive.audit.review import submit_for_review
from archive.models import Annotation, Claim, Evidence, Passage, ReviewStatus
from archive.permissions import NOT_OWN, Action, refused_for
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    MembershipFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
    UserFactory,
)
from tests.support import api_client_for, etag_of, field_errors


@pytest.fixture
def passage(source, analyst):
    return PassageFactory(source=source, created_by=analyst)


@pytest.fixture
def annotation(workspace, passage, analyst):
    return AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)


def new_annotation(workspace, passage, **fields) -> dict:
    return {"workspace": workspace.slug, "passages": [passage.pk], "body": "Check the figure.", **fields}


# --- authentication -----------------------------------------------------------


def test_anonymous_request_gets_401_naming_the_token_scheme(annotation):
    response = APIClient().get(f"/api/annotations/{annotation.pk}/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_token_authenticates(analyst, annotation):
    token = Token.objects.create(user=analyst)
    response = APIClient().get(f"/api/annotations/{annotation.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_revoked_token_is_refused(analyst, annotation):
    token = Token.objects.create(user=analyst)
    api_client_for(analyst).delete("/api/token/")
    response = APIClient().get(f"/api/annotations/{annotation.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401


def test_unknown_token_is_refused(annotation):
    response = APIClient().get(f"/api/annotations/{annotation.pk}/", HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_token_of_a_deactivated_user_is_refused(analyst, annotation):
    token = Token.objects.create(user=analyst)
    analyst.is_active = False
    analyst.save()
    response = APIClient().get(f"/api/annotations/{annotation.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401
    assert response.json()["detail"] == "User inactive or deleted."


def test_a_new_password_revokes_the_token(analyst, annotation):
    token = Token.objects.create(user=analyst)
    analyst.set_password("a new passphrase for a taken-over account")
    analyst.save()
    response = APIClient().get(f"/api/annotations/{annotation.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401
    assert not Token.objects.filter(user=analyst).exists()


def test_an_admins_password_reset_revokes_the_token(client, superuser, analyst):
    token = Token.objects.create(user=analyst)
    client.force_login(superuser)
    password = "a new passphrase for a taken-over account"
    response = client.post(
        f"/admin/auth/user/{analyst.pk}/password/", {"password1": password, "password2": password}
    )
    assert response.status_code == 302
    assert not Token.objects.filter(key=token.key).exists()


def test_saving_an_account_without_a_new_password_keeps_the_token(analyst):
    token = Token.objects.create(user=analyst)
    analyst.email = "analyst@example.org"
    analyst.save()
    analyst.save(update_fields=["last_login"])
    assert Token.objects.filter(key=token.key).exists()


def test_issuing_a_token_replaces_the_old_one(analyst):
    client = api_client_for(analyst)
    first = client.post("/api/token/").json()["key"]
    second = client.post("/api/token/").json()["key"]
    assert first != second
    assert list(Token.objects.filter(user=analyst).values_list("key", flat=True)) == [second]


def test_session_write_without_csrf_token_is_refused(workspace, analyst, passage):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = client.post("/api/annotations/", new_annotation(workspace, passage), format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Annotation.objects.exists()


def test_session_write_with_csrf_token_succeeds(workspace, analyst, passage):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(analyst)
    client.get("/accounts/login/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/annotations/", new_annotation(workspace, passage), format="json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


# --- permissions per role -------------------------------------------------------


def test_outsider_gets_404_for_an_object_in_the_workspace(outsider, annotation):
    response = api_client_for(outsider).get(f"/api/annotations/{annotation.pk}/")
    assert (response.status_code, response.json()["detail"]) == (
        404,
        "No such annotation.",
    )


def test_a_member_reads_each_object_of_the_workspace_by_its_own_id(analyst, workspace, passage):
    annotations = [
        AnnotationFactory(workspace=workspace, passages=[passage], body=f"Note {n}") for n in range(3)
    ]
    client = api_client_for(analyst)
    bodies = [client.get(f"/api/annotations/{annotation.pk}/").json()["body"] for annotation in annotations]
    assert bodies == ["Note 0", "Note 1", "Note 2"]


def test_outsider_gets_404_creating_in_the_workspace(outsider, workspace, passage):
    response = api_client_for(outsider).post(
        "/api/annotations/", new_annotation(workspace, passage), format="json"
    )
    assert response.status_code == 404
    assert not Annotation.objects.exists()


def test_outsider_lists_nothing_of_the_workspace(outsider, annotation):
    assert api_client_for(outsider).get("/api/annotations/").json()["results"] == []


def test_reviewer_cannot_create_annotations(reviewer, workspace, passage):
    response = api_client_for(reviewer).post(
        "/api/annotations/", new_annotation(workspace, passage), format="json"
    )
    assert response.status_code == 403
    assert not Annotation.objects.exists()


def test_analyst_creates_an_annotation_attributed_in_history(analyst, workspace, passage):
    response = api_client_for(analyst).post(
        "/api/annotations/", new_annotation(workspace, passage, tags=["figures"]), format="json"
    )
    assert response.status_code == 201
    created = Annotation.objects.get(pk=response.json()["id"])
    assert response["Location"] == f"http://testserver/api/annotations/{created.pk}/"
    assert response["ETag"] == etag_of(api_client_for(analyst), response["Location"])
    assert created.tags == ["figures"]
    assert created.history.first().history_user == analyst


def test_analyst_cannot_edit_another_analysts_annotation(workspace, annotation):
    other = UserFactory(username="other-analyst")
    workspace.memberships.create(user=other, role="analyst")
    client, url = api_client_for(other), f"/api/annotations/{annotation.pk}/"
    response = client.patch(url, {"body": "mine now"}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 403
    assert response.json()["detail"] == NOT_OWN


def test_a_reviewer_refused_an_edit_is_told_their_role_cannot(reviewer, annotation):
    client, url = api_client_for(reviewer), f"/api/annotations/{annotation.pk}/"
    response = client.patch(url, {"body": "mine now"}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 403
    assert response.json()["detail"] == refused_for(Action.CONTRIBUTE)


def test_an_analyst_refused_an_outlet_change_is_told_their_role_cannot(analyst, workspace):
    outlet = OutletFactory(workspace=workspace)
    client, url = api_client_for(analyst), f"/api/outlets/{outlet.pk}/"
    response = client.patch(url, {"name": "Renamed"}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 403
    assert response.json()["detail"] == refused_for(Action.MANAGE)


def test_workspace_admin_edits_anyones_annotation(ws_admin, annotation):
    client, url = api_client_for(ws_admin), f"/api/annotations/{annotation.pk}/"
    response = client.patch(url, {"body": "Corrected."}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 200
    assert response.json()["body"] == "Corrected."


def test_analyst_cannot_create_outlets(analyst, workspace):
    response = api_client_for(analyst).post(
        "/api/outlets/", {"workspace": workspace.slug, "name": "X"}, format="json"
    )
    assert response.status_code == 403


def test_workspace_admin_creates_an_outlet(ws_admin, workspace):
    response = api_client_for(ws_admin).post(
        "/api/outlets/",
        {"workspace": workspace.slug, "name": "Enab Baladi", "reliability": "B", "reliability_reason": "r"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["reliability"] == "B"


def test_workspace_list_shows_the_users_role(reviewer, workspace):
    response = api_client_for(reviewer).get("/api/workspaces/")
    assert response.json()["results"] == [
        {
            "slug": workspace.slug,
            "name": workspace.name,
            "description": "",
            "created_at": response.json()["results"][0]["created_at"],
            "role": "reviewer",
        }
    ]


# --- validation -----------------------------------------------------------------


def test_malformed_json_is_a_400(analyst):
    response = api_client_for(analyst).post("/api/annotations/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_wrong_types_get_field_errors(analyst, workspace):
    response = api_client_for(analyst).post(
        "/api/annotations/",
        {"workspace": workspace.slug, "passages": "one", "motivation": "shouting", "tags": [""]},
        format="json",
    )
    assert response.status_code == 400
    assert set(field_errors(response.json())) == {"passages", "motivation", "tags"}


def test_passage_past_the_end_of_the_text_gets_a_field_error(analyst, workspace, source):
    response = api_client_for(analyst).post(
        "/api/passages/",
        {"workspace": workspace.slug, "source": source.pk, "start": 5, "end": len(source.text) + 1},
        format="json",
    )
    assert response.status_code == 400
    assert "past the end" in response.json()["end"][0]
    assert not Passage.objects.exists()


def test_passage_quote_must_match_the_text(analyst, workspace, source):
    response = api_client_for(analyst).post(
        "/api/passages/",
        {"workspace": workspace.slug, "source": source.pk, "start": 0, "end": 7, "exact": "Nothing"},
        format="json",
    )
    assert response.status_code == 400
    assert "exact" in response.json()


def test_passage_offsets_are_code_points(analyst, workspace):
    source = SourceFactory(workspace=workspace, text="قصف 🚀 درعا")
    response = api_client_for(analyst).post(
        "/api/passages/",
        {"workspace": workspace.slug, "source": source.pk, "start": 6, "end": 10, "exact": "درعا"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["exact"] == "درعا"


def test_a_passage_of_another_workspace_does_not_exist_here(analyst, workspace, outsider):
    foreign = PassageFactory()
    response = api_client_for(analyst).post(
        "/api/annotations/", new_annotation(workspace, foreign), format="json"
    )
    assert response.status_code == 400
    assert "passages" in response.json()


def test_a_passage_id_that_does_not_exist_is_refused_as_not_in_the_workspace(analyst, workspace):
    body = {"workspace": workspace.slug, "passages": [10**9], "body": "Check the figure."}
    response = api_client_for(analyst).post("/api/annotations/", body, format="json")
    assert response.status_code == 400
    assert response.json()["passages"] == ["Passage 1000000000 is not in this workspace."]


def test_a_passage_id_given_as_text_is_refused_as_a_number_given_as_text_is(analyst, workspace, passage):
    body = {"workspace": workspace.slug, "passages": [str(passage.pk)], "body": "Check the figure."}
    response = api_client_for(analyst).post("/api/annotations/", body, format="json")
    assert response.status_code == 400
    assert response.json()["passages"] == ["This must be a whole number (a JSON number, not text)."]
    assert not Annotation.objects.exists()


def test_deleting_a_source_with_passages_is_a_409(ws_admin, source, passage):
    client, url = api_client_for(ws_admin), f"/api/sources/{source.pk}/"
    response = client.delete(f"{url}?reason=obsolete", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 409
    assert source.__class__.objects.filter(pk=source.pk).exists()


# --- optimistic concurrency -------------------------------------------------------


def test_get_exposes_the_version_as_the_start_of_the_etag(analyst, annotation):
    response = api_client_for(analyst).get(f"/api/annotations/{annotation.pk}/")
    assert response["ETag"].startswith('"1-')
    assert response.json()["version"] == 1


def test_write_without_if_match_is_a_428(analyst, annotation):
    response = api_client_for(analyst).patch(
        f"/api/annotations/{annotation.pk}/", {"body": "x"}, format="json"
    )
    assert response.status_code == 428
    annotation.refresh_from_db()
    assert annotation.version == 1


def test_write_with_a_stale_if_match_is_a_412_with_the_current_state(analyst, annotation):
    client, url = api_client_for(analyst), f"/api/annotations/{annotation.pk}/"
    read = etag_of(client, url)
    client.patch(url, {"body": "first"}, format="json", HTTP_IF_MATCH=read)
    response = client.patch(url, {"body": "second"}, format="json", HTTP_IF_MATCH=read)
    assert response.status_code == 412
    assert response.json()["body"] == "first"
    assert response["ETag"] == etag_of(client, url) != read


def test_write_with_the_current_if_match_bumps_the_version(analyst, annotation):
    client, url = api_client_for(analyst), f"/api/annotations/{annotation.pk}/"
    response = client.put(
        url,
        {"body": "Rewritten.", "motivation": "questioning", "tags": ["t"], "reason": "typo"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )
    assert response.status_code == 200
    assert response["ETag"].startswith('"2-') and response["ETag"] == etag_of(client, url)
    assert annotation.history.first().history_change_reason == "typo"


def test_delete_with_a_stale_if_match_is_a_412(analyst, annotation):
    response = api_client_for(analyst).delete(
        f"/api/annotations/{annotation.pk}/?reason=x", HTTP_IF_MATCH='"7"'
    )
    assert response.status_code == 412
    assert Annotation.objects.filter(pk=annotation.pk).exists()


def test_delete_keeps_who_and_why_in_history(analyst, annotation):
    client, url = api_client_for(analyst), f"/api/annotations/{annotation.pk}/"
    response = client.delete(f"{url}?reason=duplicate", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 204
    last = Annotation.history.filter(id=annotation.pk).first()
    assert (last.history_type, last.history_user, last.history_change_reason) == ("-", analyst, "duplicate")


@pytest.mark.parametrize("query", ["", "?reason=", "?reason=%20%20"], ids=["absent", "empty", "blank"])
@pytest.mark.parametrize("resource", ["annotation", "claim", "source"])
def test_delete_without_a_reason_is_a_400_and_deletes_nothing(
    analyst, ws_admin, annotation, source, resource, query
):
    claim = ClaimFactory(workspace=annotation.workspace, created_by=analyst)
    obj, user = {
        "annotation": (annotation, analyst),
        "claim": (claim, analyst),
        "source": (source, ws_admin),
    }[resource]
    history_rows = type(obj).history.count()
    client, url = api_client_for(user), f"/api/{resource}s/{obj.pk}/"
    response = client.delete(f"{url}{query}", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 400
    assert field_errors(response.json()) == {
        "reason": ["Say why it is deleted: the reason is kept in the history."]
    }
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert type(obj).history.count() == history_rows


@pytest.mark.parametrize("method", ["patch", "put"])
def test_changing_a_claims_credibility_without_a_reason_is_a_400(analyst, workspace, method):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="S", credibility=6)
    # A PUT sends every field (archive.api.views.ResourceView.validated), as it was but the grade.
    whole = {"credibility_reason": "", "status": "open", "tags": []} if method == "put" else {}
    client, url = api_client_for(analyst), f"/api/claims/{claim.pk}/"
    response = getattr(client, method)(
        url, {"statement": "S", "credibility": 2, **whole}, format="json", HTTP_IF_MATCH=etag_of(client, url)
    )
    assert response.status_code == 400
    assert field_errors(response.json()) == {
        "reason": ["Say why you change the credibility grade: the reason is kept in the history."]
    }
    claim.refresh_from_db()
    assert (claim.credibility, claim.version, claim.history.count()) == (6, 1, 1)


def test_changing_a_claims_credibility_with_a_reason_keeps_it_in_the_history(analyst, workspace):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, credibility=6)
    client, url = api_client_for(analyst), f"/api/claims/{claim.pk}/"
    response = client.patch(
        url, {"credibility": 2, "reason": "confirmed"}, format="json", HTTP_IF_MATCH=etag_of(client, url)
    )
    assert response.status_code == 200 and response.json()["credibility"] == 2
    row = claim.history.first()
    assert (row.credibility, row.history_user, row.history_change_reason) == (2, analyst, "confirmed")


def test_editing_a_claim_at_the_same_credibility_needs_no_reason(analyst, workspace):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, credibility=3)
    client, url = api_client_for(analyst), f"/api/claims/{claim.pk}/"
    response = client.patch(
        url, {"statement": "New", "credibility": 3}, format="json", HTTP_IF_MATCH=etag_of(client, url)
    )
    assert response.status_code == 200


def test_changing_an_outlets_reliability_without_a_reason_is_a_400(ws_admin, workspace):
    outlet = OutletFactory(workspace=workspace, reliability="B")
    client, url = api_client_for(ws_admin), f"/api/outlets/{outlet.pk}/"
    response = client.patch(url, {"reliability": "E"}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 400 and "reason" in response.json()
    outlet.refresh_from_db()
    assert outlet.reliability == "B"


# --- reading: filters, ordering, pages, history, text ------------------------------


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_annotations_filter_by_tag(analyst, workspace, passage):
    tagged = AnnotationFactory(workspace=workspace, passages=[passage], tags=["airstrikes", "daraa"])
    AnnotationFactory(workspace=workspace, passages=[passage], tags=["airstrikes-2"])
    assert ids(api_client_for(analyst).get("/api/annotations/?tag=airstrikes")) == [tagged.pk]


def test_annotations_filter_by_source_author_and_review_status(analyst, workspace, passage, annotation):
    other_source_passage = PassageFactory(source=SourceFactory(workspace=workspace))
    AnnotationFactory(workspace=workspace, passages=[other_source_passage], review_status="approved")
    query = f"source={passage.source_id}&author=analyst&review_status=draft&workspace={workspace.slug}"
    assert ids(api_client_for(analyst).get(f"/api/annotations/?{query}")) == [annotation.pk]


def test_the_author_filter_finds_the_account_whatever_the_case_typed(analyst, annotation):
    assert ids(api_client_for(analyst).get("/api/annotations/?author=Analyst")) == [annotation.pk]


def test_the_author_filter_prefers_the_account_named_exactly(analyst, workspace, passage, annotation):
    other = UserFactory(username="ANALYST")
    MembershipFactory(user=other, workspace=workspace)
    theirs = AnnotationFactory(workspace=workspace, passages=[passage], author=other)
    assert ids(api_client_for(analyst).get("/api/annotations/?author=ANALYST")) == [theirs.pk]


def test_the_author_filter_refuses_a_name_two_accounts_share_but_for_case(analyst, workspace, annotation):
    UserFactory(username="ANALYST")
    response = api_client_for(analyst).get("/api/annotations/?author=Analyst")
    assert response.status_code == 400
    assert "ANALYST" in response.json()["author"][0]


def test_the_author_filter_naming_no_account_finds_nothing(analyst, annotation):
    assert ids(api_client_for(analyst).get("/api/annotations/?author=nobody")) == []


def test_modified_since_filter(analyst, annotation):
    future = "2999-01-01T00:00:00Z"
    assert ids(api_client_for(analyst).get(f"/api/annotations/?modified_since={future}")) == []


def test_invalid_filter_value_is_a_400(analyst):
    response = api_client_for(analyst).get("/api/annotations/?modified_since=yesterday")
    assert response.status_code == 400
    assert "modified_since" in response.json()


def test_ordering_by_newest_first(analyst, workspace):
    claims = [ClaimFactory(workspace=workspace) for _ in range(3)]
    response = api_client_for(analyst).get("/api/claims/?ordering=-id")
    assert ids(response) == [claim.pk for claim in reversed(claims)]


def test_cursor_pages_walk_every_object_once(analyst, workspace):
    outlets = [OutletFactory(workspace=workspace) for _ in range(5)]
    client, url, seen = api_client_for(analyst), "/api/outlets/?page_size=2&ordering=id", []
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == [outlet.pk for outlet in outlets]


def test_list_query_count_does_not_grow_with_page_size(analyst, workspace, passage):
    client = api_client_for(analyst)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/annotations/").status_code == 200
        return len(captured)

    AnnotationFactory.create_batch(2, workspace=workspace, passages=[passage])
    few = queries_for_list()
    AnnotationFactory.create_batch(30, workspace=workspace, passages=[passage])
    assert queries_for_list() == few


def test_history_lists_every_version_with_user_and_reason(analyst, annotation):
    client, url = api_client_for(analyst), f"/api/annotations/{annotation.pk}/"
    client.patch(
        url, {"body": "Edited.", "reason": "clarity"}, format="json", HTTP_IF_MATCH=etag_of(client, url)
    )
    rows = client.get(f"/api/annotations/{annotation.pk}/history/").json()["results"]
    assert [row["history_type"] for row in rows][-1] == "~"
    assert rows[-1]["history_user"] == "analyst"
    assert rows[-1]["history_change_reason"] == "clarity"
    assert rows[-1]["state"]["body"] == "Edited."


def test_source_text_is_plain_utf8(analyst, source):
    response = api_client_for(analyst).get(f"/api/sources/{source.pk}/text/")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode("utf-8") == source.text


def test_source_original_downloads_the_archived_bytes(analyst, workspace):
    from archive.sources.writes import create_source

    original = "Bytes as archived\r\n".encode("utf-16")
    source = create_source(
        workspace=workspace,
        user=analyst,
        title="T",
        text="Bytes as archived",
        language="en",
        original=original,
    )
    response = api_client_for(analyst).get(f"/api/sources/{source.pk}/original/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == original


def test_evidence_shows_its_admiralty_grade(analyst, workspace, passage):
    claim = ClaimFactory(workspace=workspace, credibility=2)
    response = api_client_for(analyst).post(
        "/api/evidence/",
        {"workspace": workspace.slug, "claim": claim.pk, "passage": passage.pk, "stance": "supports"},
        format="json",
    )
    assert response.status_code == 201
    assert (
        response.json()["grade"] == f"{passage.source.outlet.reliability if passage.source.outlet else 'F'}2"
    )


def test_citing_a_passage_already_evidence_for_the_claim_is_a_409_naming_that_evidence(
    analyst, workspace, passage
):
    claim = ClaimFactory(workspace=workspace)
    existing = EvidenceFactory(claim=claim, passage=passage, stance="supports")
    response = api_client_for(analyst).post(
        "/api/evidence/",
        {"workspace": workspace.slug, "claim": claim.pk, "passage": passage.pk, "stance": "supports"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["existing"] == {"type": "evidence", "id": existing.pk}
    assert (
        f"already evidence for that claim: it supports it. The existing one is evidence {existing.pk}."
        in (response.json()["error"])
    )
    assert Evidence.objects.count() == 1


def test_api_errors_are_json(analyst):
    response = api_client_for(analyst).get("/api/annotations/999999/")
    assert response.status_code == 404
    assert json.loads(response.content) == {
        "detail": response.json()["detail"],
        "error": response.json()["detail"],
    }


# --- schema and docs ------------------------------------------------------------


def test_openapi_schema_is_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/annotations/{id}/" in schema["paths"]


def test_docs_use_the_vendored_swagger_ui_and_no_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")


def test_an_id_filter_beyond_64_bits_is_a_400(analyst):
    response = api_client_for(analyst).get(f"/api/passages/?source={2**70}")
    assert response.status_code == 400
    assert "source" in response.json()


def test_an_id_beyond_64_bits_in_the_path_is_a_404(analyst):
    assert api_client_for(analyst).get(f"/api/annotations/{2**70}/").status_code == 404
    assert api_client_for(analyst).get(f"/w3c/annotations/{2**70}/").status_code == 404


def test_modified_since_accepts_any_iso_offset(analyst, annotation):
    response = api_client_for(analyst).get("/api/annotations/?modified_since=2000-01-01T00:00:00-23:12")
    assert ids(response) == [annotation.pk]


# --- A reviewer's grade of a claim ---------------------------------------------------


def grade(user, claim, data: dict, version: str | None = None):
    """POST the grade with If-Match `version`, by default the claim's current ETag."""
    client = api_client_for(user)
    if version is None:
        version = etag_of(client, f"/api/claims/{claim.pk}/")
    return client.post(f"/api/claims/{claim.pk}/grade/", data, format="json", HTTP_IF_MATCH=version)


def test_a_reviewer_grades_a_claim_with_a_reason_and_its_review_status_stays(workspace, analyst, reviewer):
    claim = submit_for_review(ClaimFactory(workspace=workspace, created_by=analyst), user=analyst)
    response = grade(reviewer, claim, {"credibility": 2, "reason": "two agencies confirm it"})
    assert response.status_code == 200, response.content
    claim.refresh_from_db()
    assert (claim.credibility, claim.credibility_reason, claim.review_status) == (
        2,
        "two agencies confirm it",
        ReviewStatus.SUBMITTED,
    )
    assert claim.history.latest("history_id").history_change_reason == "two agencies confirm it"


def test_an_analyst_cannot_grade_a_claim_through_the_grade_endpoint(workspace, analyst):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    assert grade(analyst, claim, {"credibility": 2, "reason": "mine"}).status_code == 403
    assert Claim.objects.get(pk=claim.pk).credibility == claim.credibility


def test_a_grade_without_a_reason_is_refused_naming_it(workspace, reviewer):
    claim = ClaimFactory(workspace=workspace)
    response = grade(reviewer, claim, {"credibility": 2})
    assert response.status_code == 400 and "reason" in response.json()
    assert Claim.objects.get(pk=claim.pk).credibility == claim.credibility


def test_a_grade_on_a_version_since_changed_is_refused_with_the_current_claim(workspace, reviewer):
    claim = ClaimFactory(workspace=workspace)
    response = grade(reviewer, claim, {"credibility": 2, "reason": "late"}, '"7"')
    assert response.status_code == 412
    assert response.json()["version"] == 1
