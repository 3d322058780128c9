"""REST API writes: JSON types are kept, not converted; one passage per span; the
response is what is stored; read-only fields are refused as such."""

import json

import pytest

from archive.models import Annotation, Claim, Passage
from tests.factories import ClaimFactory, PassageFactory, SourceFactory
from tests.support import api_client_for, etag_of, field_errors


@pytest.fixture
def passage(source, analyst):
    return PassageFactory(source=source, created_by=analyst)


def span(source, quote: str) -> dict:
    start = source.text.index(quote)
    return {
        "workspace": source.workspace.slug,
        "source": source.pk,
        "start": start,
        "end": start + len(quote),
    }


# --- the body -------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["null", "[]", '"str"', "3"])
def test_a_body_that_is_not_a_json_object_is_refused_as_such(analyst, body):
    response = api_client_for(analyst).post("/api/claims/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "The body must be a JSON object."


# --- JSON types --------------------------------------------------------------------------


def test_a_number_for_a_text_field_is_refused(analyst, workspace):
    response = api_client_for(analyst).post(
        "/api/claims/", {"workspace": workspace.slug, "statement": 123}, format="json"
    )
    assert response.status_code == 400 and "statement" in field_errors(response.json())
    assert not Claim.objects.exists()


def test_numbers_for_tags_are_refused(analyst, workspace):
    response = api_client_for(analyst).post(
        "/api/claims/", {"workspace": workspace.slug, "statement": "S", "tags": [1, 2]}, format="json"
    )
    assert response.status_code == 400 and "tags" in field_errors(response.json())
    assert not Claim.objects.exists()


def test_text_for_a_number_field_is_refused(analyst, source):
    response = api_client_for(analyst).post(
        "/api/passages/", {**span(source, "Aleppo"), "start": "0", "end": "5"}, format="json"
    )
    assert response.status_code == 400
    assert {"start", "end"} <= set(field_errors(response.json()))
    assert not Passage.objects.exists()


def test_text_for_a_numeric_choice_is_refused(analyst, workspace):
    response = api_client_for(analyst).post(
        "/api/claims/", {"workspace": workspace.slug, "statement": "S", "credibility": "3"}, format="json"
    )
    assert response.status_code == 400 and "credibility" in field_errors(response.json())
    assert not Claim.objects.exists()


# --- read-only fields ----------------------------------------------------------------------


def test_a_read_only_field_is_refused_as_one_that_cannot_be_changed(analyst, workspace):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    client, url = api_client_for(analyst), f"/api/claims/{claim.pk}/"
    response = client.patch(url, {"created_by": "someone"}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 400
    assert "cannot be set or changed" in field_errors(response.json())["created_by"][0]


# --- one passage per span ------------------------------------------------------------------


def test_posting_the_span_of_an_existing_passage_gives_that_passage(analyst, source):
    client = api_client_for(analyst)
    first = client.post("/api/passages/", span(source, "Aleppo"), format="json")
    assert first.status_code == 201
    first_etag, first = first["ETag"], first.json()
    again = client.post("/api/passages/", span(source, "Aleppo"), format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and Passage.objects.count() == 1
    assert again["ETag"] == first_etag


def test_the_passage_creation_documents_one_passage_per_span(analyst):
    schema = api_client_for(analyst).get("/api/schema/", HTTP_ACCEPT="application/json").content
    post = json.loads(schema)["paths"]["/api/passages/"]["post"]
    assert "one passage per span" in post["description"]
    assert {"200", "201"} <= set(post["responses"])


# --- the response is what is stored ----------------------------------------------------------


def test_a_passage_named_twice_is_answered_as_stored_once(analyst, workspace, passage):
    response = api_client_for(analyst).post(
        "/api/annotations/",
        {"workspace": workspace.slug, "passages": [passage.pk, passage.pk]},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["passages"] == [passage.pk]
    assert list(Annotation.objects.get().passages.values_list("pk", flat=True)) == [passage.pk]


def test_a_batch_item_naming_a_passage_twice_is_answered_as_stored_once(analyst, workspace, passage):
    item = {"passages": [passage.pk, passage.pk]}
    response = api_client_for(analyst).post(
        "/api/annotations/batch/", {"workspace": workspace.slug, "annotations": [item]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["results"][0]["passages"] == [passage.pk]


def test_a_rest_passage_given_in_utf16_units_is_refused_naming_the_units(analyst, workspace):
    text = "Shelling 💥 near Daraa 💥 and Daraa again."
    source = SourceFactory(workspace=workspace, text=text)
    start = text.index("near Daraa")
    units = len(text[:start].encode("utf-16-le")) // 2  # what a JavaScript client counts
    response = api_client_for(analyst).post(
        "/api/passages/",
        {
            "workspace": workspace.slug,
            "source": source.pk,
            "start": units,
            "end": units + 10,
            "exact": "near Daraa",
        },
        format="json",
    )
    assert response.status_code == 400
    message = field_errors(response.json())["exact"][0]
    assert f"read as UTF-16 units, {units}-{units + 10} is exactly the quote" in message
    assert f"code points {start}-{start + 10}" in message
    assert not Passage.objects.exists()
