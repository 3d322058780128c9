"""The W3C Web Annotation Protocol's server requirements, one test each.

The W3C test material in ../shared/w3c/web-annotation-tests/ holds only the
data model's checks (tests/test_w3c.py runs those); these are written from the
Annotation Protocol recommendation (https://www.w3.org/TR/annotation-protocol/),
its MUSTs (test_must_...) and the SHOULDs that need no HTTPS (test_should_...),
each with its section. HTTPS (SHOULD) is the deployment's, not tested here.
"""

import json

import pytest

from archive.models import Annotation
from tests.factories import AnnotationFactory
from tests.w3c_support import analysts_api_client, annotation_iri, source_container  # noqa: F401 (fixtures)

ANNO = "http://www.w3.org/ns/anno.jsonld"
ANNO_MEDIA_TYPE = f'application/ld+json; profile="{ANNO}"'
LDP = "http://www.w3.org/ns/ldp#"
RESOURCE = f'<{LDP}Resource>; rel="type"'
PREFER = 'return=representation;include="{}"'


@pytest.fixture
def annotation(workspace, passage, analyst):
    return AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)


def new_annotation(source, **fields) -> dict:
    start = source.text.index("Al-Rashideen")
    return {
        "@context": ANNO,
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Which district?"},
        "target": {
            "source": f"http://testserver/api/sources/{source.pk}/text/",
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": start + 12},
                {"type": "TextQuoteSelector", "exact": "Al-Rashideen"},
            ],
        },
        **fields,
    }


def create(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/ld+json")


def methods(response) -> set[str]:
    return {method.strip() for method in response["Allow"].split(",")}


# --- 3 Annotation Retrieval ---------------------------------------------------------


def test_must_support_get_head_and_options_on_an_annotation(client, item):
    # 3.1: GET, HEAD and OPTIONS on the annotation's IRI.
    assert [client.generic(m, item).status_code for m in ("GET", "HEAD", "OPTIONS")] == [200, 200, 200]


def test_must_answer_an_annotation_in_json_ld_with_the_anno_profile(client, item):
    # 3.1: JSON-LD when asked for, with the Web Annotation profile.
    assert client.get(item, HTTP_ACCEPT=ANNO_MEDIA_TYPE)["Content-Type"] == ANNO_MEDIA_TYPE


def test_must_default_to_json_ld_without_an_accept_header(client, item):
    # 3.1: JSON-LD is the default representation.
    assert client.get(item)["Content-Type"].startswith("application/ld+json")


def test_should_also_answer_application_json(client, item):
    # 3.1 (content negotiation): plain JSON for clients that ask for it.
    response = client.get(item, HTTP_ACCEPT="application/json")
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")


def test_must_give_an_annotation_the_ldp_resource_link_type(client, item):
    # 3.1: Link: <http://www.w3.org/ns/ldp#Resource>; rel="type".
    assert RESOURCE in client.get(item)["Link"]


def test_must_give_an_annotation_an_etag(client, item):
    # 3.1: ETag on GET and HEAD.
    assert client.get(item)["ETag"] and client.head(item)["ETag"]


def test_must_list_the_allowed_methods_of_an_annotation(client, item):
    # 3.1: Allow, on GET and OPTIONS alike.
    assert {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"} <= methods(client.get(item))
    assert {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"} <= methods(client.options(item))


def test_must_give_options_on_an_annotation_its_etag_and_link(client, item):
    # 3.1: the headers of the resource on every method it supports.
    response = client.options(item)
    assert response["ETag"] == client.get(item)["ETag"] and RESOURCE in response["Link"]


def test_should_vary_on_accept_for_an_annotation(client, item):
    # 3.1: Vary: Accept, since the representation is negotiated.
    assert "Accept" in client.get(item)["Vary"]


def test_must_give_the_annotation_its_own_iri_as_id(client, item):
    # 3.1 / Model 3.1: the body's id is the annotation's IRI.
    assert client.get(item).json()["id"] == item


# --- 4 Annotation Containers ---------------------------------------------------------


def test_must_support_get_head_and_options_on_the_container(client, url):
    # 4.1: GET, HEAD and OPTIONS on the container's IRI.
    assert [client.generic(m, url).status_code for m in ("GET", "HEAD", "OPTIONS")] == [200, 200, 200]


def test_must_give_the_container_the_basic_container_link_type(client, url):
    # 4.1: Link: <http://www.w3.org/ns/ldp#BasicContainer>; rel="type".
    assert f'<{LDP}BasicContainer>; rel="type"' in client.get(url)["Link"]


def test_should_link_the_container_to_its_constraints(client, url):
    # 4.1: rel="http://www.w3.org/ns/ldp#constrainedBy".
    assert f'rel="{LDP}constrainedBy"' in client.get(url)["Link"]


def test_must_give_the_container_an_etag(client, url):
    # 4.1: ETag on GET, HEAD and OPTIONS.
    assert client.get(url)["ETag"] == client.head(url)["ETag"] == client.options(url)["ETag"]


def test_must_list_the_allowed_methods_of_the_container(client, url):
    # 4.1: Allow on GET and OPTIONS.
    assert {"GET", "HEAD", "OPTIONS", "POST"} <= methods(client.get(url))
    assert {"GET", "HEAD", "OPTIONS", "POST"} <= methods(client.options(url))


def test_must_advertise_accept_post_on_the_container(client, url):
    # 4.1: Accept-Post with the media types a POST may use, OPTIONS included.
    assert client.get(url)["Accept-Post"] == client.options(url)["Accept-Post"] == ANNO_MEDIA_TYPE


def test_must_vary_the_container_on_accept_and_prefer(client, url):
    # 4.1: Vary: Accept, Prefer.
    assert {v.strip() for v in client.get(url)["Vary"].split(",")} >= {"Accept", "Prefer"}


def test_must_answer_the_container_in_json_ld_with_the_anno_profile(client, url):
    # 4.1: Content-Type application/ld+json; profile="http://www.w3.org/ns/anno.jsonld".
    assert client.get(url, HTTP_ACCEPT=ANNO_MEDIA_TYPE)["Content-Type"] == ANNO_MEDIA_TYPE


def test_must_give_the_container_a_content_location_equal_to_its_id(client, url):
    # 4.1: Content-Location, the IRI of what is served.
    response = client.get(url)
    assert response["Content-Location"] == response.json()["id"] == url


def test_must_give_a_page_a_content_location_equal_to_its_id(client, url, annotation):
    # 4.1 / 4.3: a page served is named by its own IRI.
    response = client.get(f"{url}?page=0")
    assert response["Content-Location"] == response.json()["id"] == f"{url}?page=0"


def test_must_type_the_container_as_basic_container_and_annotation_collection(client, url):
    # 4.2: type includes BasicContainer and AnnotationCollection.
    assert {"BasicContainer", "AnnotationCollection"} <= set(client.get(url).json()["type"])


def test_should_give_the_container_total_first_and_last(client, url, annotation):
    # 4.2: total, and first and last pages when not empty.
    body = client.get(url).json()
    assert body["total"] == 1 and "first" in body and "last" in body


def test_should_honour_prefer_minimal_container(client, url, annotation):
    # 4.2: PreferMinimalContainer leaves the annotations out (first is a page IRI).
    response = client.get(url, HTTP_PREFER=PREFER.format(f"{LDP}PreferMinimalContainer"))
    assert isinstance(response.json()["first"], str)
    assert response["Preference-Applied"] == "return=representation"


def test_should_honour_prefer_contained_iris(client, url, item):
    # 4.2: PreferContainedIRIs lists the annotations' IRIs only.
    response = client.get(url, HTTP_PREFER=PREFER.format("http://www.w3.org/ns/oa#PreferContainedIRIs"))
    assert response.json()["first"]["items"] == [item]


def test_should_honour_prefer_contained_descriptions(client, url, item):
    # 4.2: PreferContainedDescriptions embeds the full annotations.
    response = client.get(
        url, HTTP_PREFER=PREFER.format("http://www.w3.org/ns/oa#PreferContainedDescriptions")
    )
    assert response.json()["first"]["items"][0]["id"] == item


def test_must_type_a_page_and_link_it_to_its_collection(client, url, annotation):
    # 4.3: an AnnotationPage with partOf (the collection's id), and its items.
    page = client.get(f"{url}?page=0").json()
    assert page["type"] == "AnnotationPage" and page["partOf"]["id"] == url and page["items"]


def test_should_give_a_page_its_start_index(client, url, annotation):
    # 4.3: startIndex, the position of the page's first item.
    assert client.get(f"{url}?page=0").json()["startIndex"] == 0


def test_must_link_a_page_to_the_next_and_should_to_the_previous(
    client, url, workspace, passage, monkeypatch
):
    # 4.3: next on every page but the last (MUST), prev on every page but the first.
    monkeypatch.setattr("archive.w3c.views.PAGE_SIZE", 1)
    _, middle_one, _ = AnnotationFactory.create_batch(3, workspace=workspace, passages=[passage])
    middle = client.get(f"{url}?page=1").json()
    assert (middle["next"], middle["prev"]) == (
        f"{url}?after=annotation-{middle_one.pk}",
        f"{url}?before=annotation-{middle_one.pk}",
    )
    assert "next" not in client.get(middle["next"]).json()
    assert "prev" not in client.get(middle["prev"]).json()


# --- 5 Creating, updating and deleting -----------------------------------------------


def test_must_create_with_201_and_a_location(client, url, source):
    # 5.1: 201 Created, Location the new annotation's IRI, below the container's.
    response = create(client, url, new_annotation(source))
    assert response.status_code == 201 and response["Location"].startswith(url)


def test_must_return_the_created_annotation_with_its_id(client, url, source):
    # 5.1: the response body is the annotation, its id the Location.
    response = create(client, url, new_annotation(source))
    assert response.json()["id"] == response["Location"] and response.json()["type"] == "Annotation"


def test_must_give_the_created_annotation_its_etag_and_resource_link(client, url, source):
    # 5.1: the 201 carries the annotation's headers: ETag, Link type ldp#Resource.
    response = create(client, url, new_annotation(source))
    assert response["ETag"] and response["Link"] == RESOURCE


def test_must_assign_an_iri_even_if_the_client_gave_one(client, url, source):
    # 5.1: the server assigns the id; SHOULD keep the client's as via.
    body = create(client, url, new_annotation(source, id="https://other.example/a/1")).json()
    assert body["id"].startswith(url) and body["via"] == "https://other.example/a/1"


def test_must_keep_a_canonical_unchanged_on_create(client, url, source):
    # 5.1: a canonical the client gives MUST NOT be changed.
    body = create(client, url, new_annotation(source, canonical="urn:uuid:6a7b")).json()
    assert body["canonical"] == "urn:uuid:6a7b"


def test_must_refuse_a_body_that_is_not_json_ld_with_415(client, url, source):
    # 5.1 / 6: a POST in a media type the server does not accept.
    response = client.post(url, "<a> <b> <c> .", content_type="text/turtle")
    assert response.status_code == 415


def test_must_update_with_put_keeping_the_id_and_giving_a_new_etag(client, item, source):
    # 5.3: PUT replaces the annotation; 200 with the new state; the IRI does not change.
    before = client.get(item)["ETag"]
    response = client.put(
        item, json.dumps(new_annotation(source, motivation="describing")), content_type="application/ld+json"
    )
    assert response.status_code == 200
    assert response.json()["id"] == item and response["ETag"] != before


def test_must_keep_a_canonical_unchanged_on_update(client, url, source):
    # 5.3: canonical MUST NOT be changed by an update.
    created = create(client, url, new_annotation(source, canonical="urn:uuid:1")).json()
    response = client.put(
        created["id"], json.dumps(new_annotation(source)), content_type="application/ld+json"
    )
    assert response.json()["canonical"] == "urn:uuid:1"


def test_must_refuse_a_stale_if_match_with_412(client, item, source):
    # 5.3: a conditional update from a stale version fails (412 Precondition Failed).
    response = client.put(
        item, json.dumps(new_annotation(source)), content_type="application/ld+json", HTTP_IF_MATCH='"99"'
    )
    assert response.status_code == 412


def test_must_delete_with_204_and_then_answer_404(client, item):
    # 5.4: DELETE is 204; the annotation is then gone (404 or 410).
    assert client.delete(item).status_code == 204
    assert client.get(item).status_code in (404, 410)
    assert not Annotation.objects.exists()


# --- 6 Error conditions ---------------------------------------------------------------


def test_should_answer_errors_in_json(client, url):
    # 6: a refusal the client can read: JSON, with the error named.
    response = create(client, url, {"@context": ANNO, "type": "Annotation"})
    assert response.status_code == 400 and "error" in response.json()


def test_a_refused_write_carries_no_etag(client, url, item):
    # 3.1 / 4.1 ask an ETag of the resource's representations; a refusal is none.
    refused = client.put(item, json.dumps({"@context": ANNO}), content_type="application/ld+json")
    assert refused.status_code == 400 and "ETag" not in refused
    refused = create(client, url, {"@context": ANNO})
    assert refused.status_code == 400 and "ETag" not in refused


def test_must_answer_an_unknown_annotation_with_404(client, url):
    # 6: an IRI that names no annotation.
    assert client.get(f"{url}annotations/{2**31}/").status_code == 404
