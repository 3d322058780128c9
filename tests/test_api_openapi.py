"""What the OpenAPI schema says of the REST API, beyond its shapes: headers,
refusals, parameters and field descriptions clients rely on."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft4Validator


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
