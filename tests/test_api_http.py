"""HTTP semantics the REST API and the W3C protocol share: conditional GET
(If-None-Match), ETags only on representations and following everything they show,
absolute URLs."""

import json

import pytest

from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
)
from tests.support import api_client_for, etag_of


@pytest.fixture
def annotation(workspace, source, analyst):
    return AnnotationFactory(workspace=workspace, passages=[PassageFactory(source=source)], author=analyst)


@pytest.fixture
def client(analyst):
    return api_client_for(analyst)


def test_rest_get_with_the_current_etag_is_304_without_a_body(client, annotation):
    url = f"/api/annotations/{annotation.pk}/"
    response = client.get(url, HTTP_IF_NONE_MATCH=client.get(url)["ETag"])
    assert (response.status_code, response.content) == (304, b"")


def test_rest_get_with_an_older_etag_is_200(client, annotation):
    response = client.get(f"/api/annotations/{annotation.pk}/", HTTP_IF_NONE_MATCH='"0"')
    assert response.status_code == 200


def test_w3c_annotation_get_with_the_current_etag_is_304_keeping_its_etag(client, annotation, source):
    url = f"/w3c/sources/{source.pk}/annotations/{annotation.pk}/"
    current = client.get(url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=current)
    assert (response.status_code, response["ETag"]) == (304, current)


def test_w3c_container_head_with_its_weak_etag_is_304(client, annotation, source):
    url = f"/w3c/sources/{source.pk}/"
    current = client.get(url)["ETag"]
    assert current.startswith('W/"')
    assert client.head(url, HTTP_IF_NONE_MATCH=current).status_code == 304


def test_w3c_container_refusal_carries_no_etag(client, source):
    response = client.post(
        f"/w3c/sources/{source.pk}/", json.dumps({"type": "Annotation"}), content_type="application/ld+json"
    )
    assert response.status_code == 400
    assert "ETag" not in response


def test_w3c_container_refuses_an_unknown_query_parameter(client, source):
    response = client.get(f"/w3c/sources/{source.pk}/?pages=1")
    assert response.status_code == 400
    assert "pages" in response.json()


def test_rest_create_location_is_absolute(client, workspace):
    response = client.post("/api/claims/", {"workspace": workspace.slug, "statement": "S"}, format="json")
    assert response["Location"] == f"http://testserver/api/claims/{response.json()['id']}/"


def test_source_text_and_file_urls_are_absolute(client, source):
    body = client.get(f"/api/sources/{source.pk}/").json()
    assert body["text_url"] == f"http://testserver/api/sources/{source.pk}/text/"
    assert body["file_url"] == f"http://testserver/api/sources/{source.pk}/original/"


# --- REST ETags follow everything a representation shows ---------------------------------
# An ETag is the version and a digest of the JSON shown (archive.api.preconditions.etag), as
# the W3C protocol's: what a representation shows from other rows changes it too.


@pytest.fixture
def evidence(workspace, analyst):
    outlet = OutletFactory(workspace=workspace, reliability="B")
    passage = PassageFactory(source=SourceFactory(workspace=workspace, outlet=outlet), created_by=analyst)
    claim = ClaimFactory(workspace=workspace, credibility=2)
    return EvidenceFactory(passage=passage, claim=claim, created_by=analyst)


def regrade_outlet(admin, evidence) -> None:
    """An admin's regrade of the evidence's outlet, through the API: nothing of the evidence's own."""
    client = api_client_for(admin)
    url = f"/api/outlets/{evidence.passage.source.outlet_id}/"
    changes = {"reliability": "E", "reason": "Three retracted reports this year."}
    assert client.patch(url, changes, format="json", HTTP_IF_MATCH=etag_of(client, url)).status_code == 200


def test_rest_evidence_get_from_before_its_outlets_regrade_is_200_with_the_new_grade(
    client, ws_admin, evidence
):
    url = f"/api/evidence/{evidence.pk}/"
    before = etag_of(client, url)
    regrade_outlet(ws_admin, evidence)
    response = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert (response.status_code, response.json()["grade"]) == (200, "E2")
    assert response.json()["version"] == evidence.version


def test_rest_evidence_get_from_before_its_claims_regrade_is_200_with_the_new_grade(
    client, reviewer, evidence
):
    url = f"/api/evidence/{evidence.pk}/"
    before = etag_of(client, url)
    grader, claim_url = api_client_for(reviewer), f"/api/claims/{evidence.claim_id}/"
    graded = grader.post(
        f"{claim_url}grade/",
        {"credibility": 5, "reason": "Denied by both sides."},
        format="json",
        HTTP_IF_MATCH=etag_of(grader, claim_url),
    )
    assert graded.status_code == 200, graded.content
    response = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert (response.status_code, response.json()["grade"]) == (200, "B5")


def test_rest_evidence_write_from_before_its_outlets_regrade_is_a_412_with_the_current_state(
    client, ws_admin, evidence
):
    url = f"/api/evidence/{evidence.pk}/"
    before = etag_of(client, url)
    regrade_outlet(ws_admin, evidence)
    response = client.patch(url, {"note": "Seen at E?"}, format="json", HTTP_IF_MATCH=before)
    assert response.status_code == 412
    assert (response.json()["grade"], response["ETag"]) == ("E2", etag_of(client, url))
    evidence.refresh_from_db()
    assert (evidence.note, evidence.version) == ("", 1)


def test_rest_evidence_write_with_the_etag_read_after_the_regrade_is_saved(client, ws_admin, evidence):
    url = f"/api/evidence/{evidence.pk}/"
    regrade_outlet(ws_admin, evidence)
    response = client.patch(url, {"note": "Graded E now."}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 200, response.content
    assert response["ETag"] == etag_of(client, url)


def test_rest_if_match_of_the_bare_version_is_stale_as_in_the_w3c_protocol(client, evidence):
    response = client.patch(
        f"/api/evidence/{evidence.pk}/", {"note": "x"}, format="json", HTTP_IF_MATCH=f'"{evidence.version}"'
    )
    assert response.status_code == 412


@pytest.mark.parametrize("resource", ["passage", "annotation", "claim", "evidence", "source"])
def test_rest_etag_changes_when_the_username_it_shows_does(client, analyst, evidence, resource):
    """Each shows its author by username, from the account's row: renamed in the admin,
    the object's own version stays."""
    passage, claim = evidence.passage, evidence.claim
    annotation = AnnotationFactory(workspace=evidence.workspace, passages=[passage], author=analyst)
    claim.created_by = passage.source.captured_by = analyst
    claim.save()
    passage.source.save()
    pk = {
        "passage": passage.pk,
        "annotation": annotation.pk,
        "claim": claim.pk,
        "evidence": evidence.pk,
        "source": passage.source_id,
    }[resource]
    url = f"/api/{resource}s/{pk}/" if resource != "evidence" else f"/api/evidence/{pk}/"
    before = etag_of(client, url)
    analyst.username = "analyst-renamed"
    analyst.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert "analyst-renamed" in response.json().values()


@pytest.mark.parametrize("resource", ["outlets", "sources", "claims", "passages", "annotations", "evidence"])
def test_rest_a_creates_etag_is_the_one_a_get_gives(ws_admin, workspace, evidence, resource):
    """So the ETag a create answers with can be sent back as If-Match."""
    client, passage = api_client_for(ws_admin), evidence.passage
    body = {
        "outlets": {"name": "Daraa Now", "language": "ar"},
        "sources": {"title": "Daily report", "text": "The bridge was shelled at dawn.", "language": "en"},
        "claims": {"statement": "The bridge was shelled."},
        "passages": {"source": passage.source_id, "start": 20, "end": 30},
        "annotations": {"passages": [passage.pk], "body": "Check the date."},
        # Another claim: the passage is evidence for the fixture's already.
        "evidence": {
            "claim": ClaimFactory(workspace=workspace).pk,
            "passage": passage.pk,
            "stance": "refutes",
        },
    }[resource]
    created = client.post(f"/api/{resource}/", {"workspace": workspace.slug, **body}, format="json")
    assert created.status_code == 201, created.content
    assert created["ETag"] == etag_of(client, created["Location"])
