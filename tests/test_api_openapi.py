"""What the OpenAPI schema says of the REST API, beyond its shapes: headers,
refusals, parameters, field descriptions and what a PUT requires, as clients rely on."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft4Validator

from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
)
from tests.support import api_client_for, etag_of, field_errors


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def parameters(operation: dict) -> dict[str, dict]:
    return {parameter["name"]: parameter for parameter in operation.get("parameters", [])}


@pytest.mark.parametrize("path", ["/api/claims/", "/api/annotations/batch/"])
def test_idempotent_posts_document_the_idempotency_key_header_and_its_422(schema, path):
    operation = schema["paths"][path]["post"]
    assert parameters(operation)["Idempotency-Key"]["in"] == "header"
    assert "422" in operation["responses"]


def test_bodies_document_413_and_415(schema):
    responses = schema["paths"]["/api/claims/{id}/"]["patch"]["responses"]
    assert {"413", "415"} <= set(responses)


def test_list_ordering_lists_its_values(schema):
    ordering = parameters(schema["paths"]["/api/annotations/"]["get"])["ordering"]
    assert set(ordering["schema"]["items"]["enum"]) == {
        *("id", "created_at", "updated_at"),
        *("-id", "-created_at", "-updated_at"),
    }


def test_a_sources_original_is_documented_in_any_media_type(schema):
    # A text source's original is text/plain, a PDF's application/pdf: none is octet-stream only.
    content = schema["paths"]["/api/sources/{id}/original/"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["*/*"]


def test_usernames_are_described_as_such(schema):
    author = schema["components"]["schemas"]["AnnotationOut"]["properties"]["author"]
    assert "150 characters" not in author["description"]
    assert "username" in author["description"]


def test_tags_are_a_list_of_strings(schema):
    tags = schema["components"]["schemas"]["ClaimOut"]["properties"]["tags"]
    assert tags["type"] == "array" and tags["items"] == {"type": "string"}


def test_output_fields_are_read_only(schema):
    properties = schema["components"]["schemas"]["AnnotationOut"]["properties"]
    assert [name for name, field in properties.items() if not field.get("readOnly")] == []


def test_the_token_can_be_obtained_with_credentials(schema):
    operation = schema["paths"]["/api/token/"]["post"]
    assert {"username", "password"} <= set(schema["components"]["schemas"]["TokenInRequest"]["properties"])
    assert {"basicAuth": []} in operation["security"] and {} in operation["security"]


def test_citing_evidence_documents_the_409_of_a_passage_already_cited(schema):
    conflict = schema["paths"]["/api/evidence/"]["post"]["responses"]["409"]
    assert "already evidence" in conflict["description"] and "`existing`" in conflict["description"]


def blank_capable_properties(schema: dict) -> dict[str, dict]:
    """Each component property that offers a blank string beside a format, by name."""
    return {
        f"{component}.{name}": field
        for component, definition in schema["components"]["schemas"].items()
        for name, field in definition.get("properties", {}).items()
        if {"type": "string", "maxLength": 0} in field.get("oneOf", []) + field.get("anyOf", [])
    }


def test_a_blank_url_is_valid_whether_or_not_a_validator_checks_formats(schema):
    # Without format checking "" matches both the URI and the blank option: oneOf would refuse it.
    properties = blank_capable_properties(schema)
    assert "OutletOut.url" in properties and "SourceOut.original_url" in properties
    invalid = [name for name, field in properties.items() if not Draft4Validator(field).is_valid("")]
    assert invalid == []


def test_page_size_states_its_maximum(schema):
    page_size = parameters(schema["paths"]["/api/claims/"]["get"])["page_size"]
    assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, 500)


def test_the_batch_states_how_many_annotations_it_takes(schema):
    annotations = schema["components"]["schemas"]["AnnotationBatchInRequest"]["properties"]["annotations"]
    assert (annotations["minItems"], annotations["maxItems"]) == (1, 500)


def test_a_get_of_one_object_documents_if_none_match_its_304_and_etag(schema):
    operation = schema["paths"]["/api/claims/{id}/"]["get"]
    assert parameters(operation)["If-None-Match"]["in"] == "header"
    assert "ETag" in operation["responses"]["200"]["headers"]
    assert "content" not in operation["responses"]["304"]


def test_a_create_documents_its_location_and_etag_headers(schema):
    created = schema["paths"]["/api/claims/"]["post"]["responses"]["201"]
    assert {"ETag", "Location"} <= set(created["headers"])


def test_deleting_an_annotation_documents_that_its_unused_passages_go_with_it(schema):
    description = schema["paths"]["/api/annotations/{id}/"]["delete"]["description"]
    assert "passages" in description and "POST /api/passages/" in description


def test_the_schema_is_json_when_asked_with_format_json(db, client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["openapi"].startswith("3.")


def request_body(schema: dict, path: str, method: str) -> dict:
    """The component a method's JSON request body refers to."""
    reference = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]


# What a PUT refuses to leave out (it would reset each to its default), beside what has no default.
PUT_REQUIRED = {
    "/api/claims/{id}/": ["credibility", "credibility_reason", "statement", "status", "tags"],
    "/api/annotations/{id}/": ["body", "tags"],
    "/api/evidence/{id}/": ["note", "stance"],
    "/api/outlets/{id}/": ["country", "language", "name", "reliability", "reliability_reason", "url"],
    "/api/sources/{id}/": [
        *("authors", "derivation", "derived_from", "language", "original_url", "outlet"),
        *("published_on", "title", "translators", "unarchived_original"),
    ],
}


@pytest.mark.parametrize("path", PUT_REQUIRED)
def test_a_puts_body_requires_every_field_a_put_would_otherwise_reset(schema, path):
    assert request_body(schema, path, "put")["required"] == PUT_REQUIRED[path]


@pytest.mark.parametrize("path", PUT_REQUIRED)
def test_a_patchs_body_requires_nothing(schema, path):
    assert "required" not in request_body(schema, path, "patch")


def test_a_puts_required_fields_have_no_default_it_would_never_apply(schema):
    properties = request_body(schema, "/api/claims/{id}/", "put")["properties"]
    assert "default" not in properties["status"]
    assert request_body(schema, "/api/claims/{id}/", "patch")["properties"]["status"]["default"] == "open"


def test_a_puts_reason_stays_optional(schema):
    assert "reason" not in request_body(schema, "/api/claims/{id}/", "put")["required"]


@pytest.mark.parametrize("path", PUT_REQUIRED)
def test_the_schemas_put_requirements_are_what_the_api_refuses_to_leave_out(
    db, workspace, ws_admin, schema, path
):
    """A PUT of nothing is refused naming each field the schema requires, and no other."""
    obj = {
        "/api/claims/{id}/": lambda: ClaimFactory(workspace=workspace, created_by=ws_admin),
        "/api/annotations/{id}/": lambda: AnnotationFactory(
            workspace=workspace, passages=[PassageFactory(source=SourceFactory(workspace=workspace))]
        ),
        "/api/evidence/{id}/": lambda: EvidenceFactory(
            passage=PassageFactory(source=SourceFactory(workspace=workspace))
        ),
        "/api/outlets/{id}/": lambda: OutletFactory(workspace=workspace),
        "/api/sources/{id}/": lambda: SourceFactory(workspace=workspace),
    }[path]()
    client, url = api_client_for(ws_admin), path.format(id=obj.pk)
    response = client.put(url, {}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 400
    assert sorted(field_errors(response.json())) == PUT_REQUIRED[path]
