"""HTTP semantics the REST API and the W3C protocol share: conditional GET
(If-None-Match), ETags only on representations, absolute URLs."""

import json

import pytest

from tests.factories import AnnotationFactory, PassageFactory
from tests.support import api_client_for


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
