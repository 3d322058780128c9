"""An outside client's reports on the REST API: ids keep their JSON type, a regrade keeps
its reason, the domain's rules answer in the domain's words, a source's record is checked
as an import's is, a PUT clears nothing it left out, replies are not annotations, an empty
JSON body is not an object, and no filter text is longer than any search may be."""

import pytest

from archive.claims import edit_claim
from archive.core.text import canonical_language_tag
from archive.models import Annotation, Claim, ClaimStatus, Evidence, Passage, Source
from archive.sources.outlets import grade_outlet
from tests.factories import AnnotationFactory, ClaimFactory, OutletFactory, SourceFactory
from tests.support import api_client_for, etag_of, field_errors

AS_TEXT = "This must be a whole number (a JSON number, not text)."


def new_source(workspace, **fields) -> dict:
    return {"workspace": workspace.slug, "title": "Statement", "language": "en", "text": "Words."} | fields


# --- 1. ids are numbers, as every number is ---------------------------------------------------


def test_a_passages_source_id_given_as_text_is_refused(analyst, workspace, source):
    body = {"workspace": workspace.slug, "source": str(source.pk), "start": 0, "end": 6}
    response = api_client_for(analyst).post("/api/passages/", body, format="json")
    assert (response.status_code, field_errors(response.json())) == (400, {"source": [AS_TEXT]})
    assert not Passage.objects.exists()


@pytest.mark.parametrize("field", ["outlet", "derived_from"])
def test_a_sources_outlet_or_original_id_given_as_text_is_refused(analyst, workspace, field):
    named = OutletFactory(workspace=workspace) if field == "outlet" else SourceFactory(workspace=workspace)
    body = new_source(workspace, **{field: str(named.pk)}, derivation="translation")
    if field == "outlet":
        del body["derivation"]
    response = api_client_for(analyst).post("/api/sources/", body, format="json")
    assert response.status_code == 400
    assert field_errors(response.json())[field] == [AS_TEXT]
    assert Source.objects.count() == (0 if field == "outlet" else 1)


def test_evidences_claim_id_given_as_text_is_refused(analyst, workspace, passage):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    body = {"workspace": workspace.slug, "claim": str(claim.pk), "passage": passage.pk, "stance": "supports"}
    response = api_client_for(analyst).post("/api/evidence/", body, format="json")
    assert (response.status_code, field_errors(response.json())) == (400, {"claim": [AS_TEXT]})
    assert not Evidence.objects.exists()


# --- 2. a regrade records its reason as the grade's --------------------------------------------

OLD_REASON = "Original and translation say 15,000."


@pytest.fixture
def graded(workspace, analyst):
    return ClaimFactory(
        workspace=workspace, created_by=analyst, statement="S", credibility=5, credibility_reason=OLD_REASON
    )


def patch_claim(user, claim, changes: dict):
    client, url = api_client_for(user), f"/api/claims/{claim.pk}/"
    return client.patch(url, changes, format="json", HTTP_IF_MATCH=etag_of(client, url))


def test_an_authors_regrade_by_patch_records_its_reason_as_the_credibility_reason(analyst, graded):
    response = patch_claim(analyst, graded, {"credibility": 4, "reason": "Analyst regrade: new witness"})
    assert response.status_code == 200, response.content
    assert (response.json()["credibility"], response.json()["credibility_reason"]) == (
        4,
        "Analyst regrade: new witness",
    )


def test_a_regrade_given_only_why_this_grade_is_asked_for_the_reason_of_the_change(analyst, graded):
    # One rule on every path (archive.core.editing.check_grade_reason): the claim page's
    # "Why this grade" is the grade's own words, not the reason for the change.
    response = patch_claim(analyst, graded, {"credibility": 2, "credibility_reason": "Two outlets agree."})
    assert response.status_code == 400
    assert list(field_errors(response.json())) == ["reason"]
    assert Claim.objects.get(pk=graded.pk).credibility == 5


def test_a_regrade_sending_the_old_grade_reason_back_records_the_new_reason(analyst, graded):
    # As the claim page's form and a PUT of what was read send it: the old reason, unchanged.
    edit_claim(
        graded,
        user=analyst,
        expected_version=1,
        changes={"credibility": 4, "credibility_reason": OLD_REASON},
        reason="A new witness.",
    )
    graded.refresh_from_db()
    assert (graded.credibility, graded.credibility_reason) == (4, "A new witness.")


def test_a_regrade_given_a_grade_reason_of_its_own_keeps_that_one(analyst, graded):
    edit_claim(
        graded,
        user=analyst,
        expected_version=1,
        changes={"credibility": 4, "credibility_reason": "Only one witness now."},
        reason="A witness withdrew.",
    )
    graded.refresh_from_db()
    assert graded.credibility_reason == "Only one witness now."


def test_a_claim_created_with_a_grade_and_a_reason_keeps_the_reason_as_the_grades(analyst, workspace):
    body = {"workspace": workspace.slug, "statement": "S", "credibility": 2, "reason": "Two agencies agree."}
    response = api_client_for(analyst).post("/api/claims/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["credibility_reason"] == "Two agencies agree."


def test_credibility_reason_is_writable_on_create_as_on_edit(analyst, workspace):
    body = {"workspace": workspace.slug, "statement": "S", "credibility": 2, "credibility_reason": "Agreed."}
    response = api_client_for(analyst).post("/api/claims/", body, format="json")
    assert response.status_code == 201, response.content
    assert Claim.objects.get().credibility_reason == "Agreed."


def test_an_outlet_regraded_with_its_old_reason_keeps_that_reason(ws_admin, workspace):
    outlet = OutletFactory(workspace=workspace, reliability="B", reliability_reason="Accurate.")
    grade_outlet(outlet=outlet, user=ws_admin, reliability="C", reason="Accurate.", expected_version=1)
    outlet.refresh_from_db()
    assert (outlet.reliability, outlet.reliability_reason) == ("C", "Accurate.")


# --- 3. the domain's words -----------------------------------------------------------------------


def test_an_empty_span_is_refused_in_the_domains_words(analyst, workspace, source):
    body = {"workspace": workspace.slug, "source": source.pk, "start": 0, "end": 0}
    response = api_client_for(analyst).post("/api/passages/", body, format="json")
    assert (response.status_code, field_errors(response.json())) == (
        400,
        {"end": ["The selection is empty: end must be greater than start."]},
    )


def test_a_start_before_the_text_is_refused_in_the_domains_words(analyst, workspace, source):
    body = {"workspace": workspace.slug, "source": source.pk, "start": -1, "end": 4}
    response = api_client_for(analyst).post("/api/passages/", body, format="json")
    assert response.status_code == 400
    [message] = field_errors(response.json())["start"]
    assert message.startswith("Start -1 is before the beginning of the text.")


# --- 4. a source's record ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://user:pw@example.com/", "Remove the user name and password"),
        ("http://[::1]:99999/", "has an invalid port"),
    ],
    ids=["credentials", "port"],
)
def test_a_new_sources_address_is_refused_as_a_capture_would_be(analyst, workspace, url, says):
    response = api_client_for(analyst).post(
        "/api/sources/", new_source(workspace, original_url=url), format="json"
    )
    assert response.status_code == 400
    assert says in field_errors(response.json())["original_url"][0]
    assert not Source.objects.exists()


def test_an_edit_to_an_address_with_credentials_is_refused(ws_admin, source):
    client, url = api_client_for(ws_admin), f"/api/sources/{source.pk}/"
    response = client.patch(
        url,
        {"original_url": "https://user:pw@example.com/", "reason": "moved"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )
    assert response.status_code == 400
    assert "Remove the user name and password" in field_errors(response.json())["original_url"][0]


@pytest.mark.parametrize(
    ("given", "stored"), [("EN", "en"), ("en-gb", "en-GB"), ("ZH-hant", "zh-Hant"), ("es-419", "es-419")]
)
def test_a_sources_language_is_stored_in_bcp47s_case(analyst, workspace, given, stored):
    response = api_client_for(analyst).post(
        "/api/sources/", new_source(workspace, language=given), format="json"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["language"], Source.objects.get().language) == (stored, stored)


def test_the_canonical_case_leaves_private_use_subtags_in_lower_case():
    assert canonical_language_tag("SR-latn-RS-x-AB-CDEF") == "sr-Latn-RS-x-ab-cdef"


def test_the_language_filter_ignores_case(analyst, workspace):
    english = SourceFactory(workspace=workspace, language="en-GB")
    response = api_client_for(analyst).get("/api/sources/", {"language": "EN-gb"})
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [english.pk]


def test_a_publication_date_that_does_not_exist_is_refused_as_such(analyst, workspace):
    response = api_client_for(analyst).post(
        "/api/sources/", new_source(workspace, published_on="2026-02-30"), format="json"
    )
    assert (response.status_code, field_errors(response.json())) == (
        400,
        {"published_on": ["2026-02-30 has the right form (YYYY-MM-DD) but is not a date that exists."]},
    )


# --- 5. a PUT clears nothing it left out ---------------------------------------------------------


def test_a_put_leaving_out_the_verdict_is_refused_naming_it(analyst, workspace):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="S", status=ClaimStatus.DEBUNKED)
    client, url = api_client_for(analyst), f"/api/claims/{claim.pk}/"
    response = client.put(
        url,
        {"statement": "S", "credibility": claim.credibility, "credibility_reason": "", "tags": []},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )
    assert response.status_code == 400
    assert list(field_errors(response.json())) == ["status"]
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (ClaimStatus.DEBUNKED, 1)


# --- 6. replies are made in discussions --------------------------------------------------------------


def test_a_new_annotation_cannot_be_a_reply(analyst, workspace, passage):
    body = {"workspace": workspace.slug, "passages": [passage.pk], "body": "x", "motivation": "replying"}
    response = api_client_for(analyst).post("/api/annotations/", body, format="json")
    assert response.status_code == 400
    assert list(field_errors(response.json())) == ["motivation"]
    assert not Annotation.objects.exists()


def test_an_annotation_cannot_be_made_a_reply_by_an_edit(analyst, workspace, passage):
    annotation = AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)
    client, url = api_client_for(analyst), f"/api/annotations/{annotation.pk}/"
    response = client.patch(
        url, {"motivation": "replying"}, format="json", HTTP_IF_MATCH=etag_of(client, url)
    )
    assert response.status_code == 400
    assert list(field_errors(response.json())) == ["motivation"]


# --- 7. an empty body --------------------------------------------------------------------------------


def test_an_empty_json_body_is_refused_as_not_a_json_object(analyst):
    response = api_client_for(analyst).post("/api/claims/", "", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "The body must be a JSON object."


# --- 8. filter texts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/claims/", "tag"),
        ("/api/annotations/", "tag"),
        ("/api/annotations/", "author"),
        ("/api/sources/", "language"),
        ("/api/evidence/", "workspace"),
    ],
)
def test_a_filter_text_over_500_characters_is_refused(analyst, url, name):
    response = api_client_for(analyst).get(url, {name: "x" * 501})
    assert response.status_code == 400
    assert field_errors(response.json()) == {name: ["The search is too long: use at most 500 characters."]}


def test_a_new_claim_sent_with_a_verdict_is_told_how_to_give_one(analyst, workspace):
    response = api_client_for(analyst).post(
        "/api/claims/", {"workspace": workspace.slug, "statement": "S", "status": "debunked"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["status"] == [
        "A new claim starts open: give its verdict by editing it (PATCH its status) "
        "once its evidence is cited."
    ]
    assert not Claim.objects.exists()
