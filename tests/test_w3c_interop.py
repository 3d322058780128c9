"""What an outside W3C client integrating through /w3c/ found: addresses that keep working
when an annotation moves, ETags that follow what the W3C JSON shows, query parameters
refused or taken as the REST API does, a PUT's `id`, JSON 404s, the Prefer variants'
ETags, a 201's Allow, and one annotation per `canonical` in a workspace."""

import json

import pytest

from archive.claims import create_annotation, delete_annotation
from archive.claims import discussion as claims_discussion
from archive.core.editing import AlreadyExists
from archive.models import Annotation
from archive.sources.writes import edit_source
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory
from tests.support import field_errors
from tests.test_w3c import PREFER, container, post, posted, posted_on_two, put
from tests.w3c_support import analysts_api_client, annotation_iri, questioning_annotation, source_container  # noqa: F401 (fixtures)

MINIMAL = "http://www.w3.org/ns/ldp#PreferMinimalContainer"
IRIS = "http://www.w3.org/ns/oa#PreferContainedIRIs"


# --- 1. an annotation moved to another container keeps its old address working -----------


@pytest.fixture
def other(workspace):
    """A second source of the workspace, created after `source` (so with a higher id)."""
    return SourceFactory(workspace=workspace, text="A second report on Aleppo.")


@pytest.fixture
def moved(client, source, other):
    """An annotation posted on `other` and `source` (so in `source`'s container), then
    moved by the REST API onto `other` alone: (its old IRI, its new IRI)."""
    created = post(client, other, posted_on_two(source, other))
    assert created.status_code == 201, created.content
    old = created["Location"]
    assert old.startswith(container(source))
    annotation = Annotation.objects.get()
    on_other = annotation.passages.get(source=other)
    url = f"/api/annotations/{annotation.pk}/"
    patched = client.patch(
        url, {"passages": [on_other.pk]}, format="json", HTTP_IF_MATCH=client.get(url)["ETag"]
    )
    assert patched.status_code == 200, patched.content
    return old, f"{container(other)}annotations/{annotation.pk}/"


def test_an_annotation_moved_by_the_rest_api_is_redirected_from_its_old_address(client, moved):
    old, new = moved
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (308, new)
    assert client.get(new).json()["id"] == new


@pytest.mark.parametrize("method", ["head", "options", "put", "delete"])
def test_every_method_at_an_old_address_is_redirected_and_changes_nothing(client, source, moved, method):
    old, new = moved
    arguments = {"put": (json.dumps(posted(source)),)}.get(method, ())
    response = getattr(client, method)(old, *arguments, content_type="application/ld+json")
    assert (response.status_code, response["Location"]) == (308, new)
    assert Annotation.objects.get().version == 2


def test_the_redirect_keeps_the_query(client, moved):
    old, new = moved
    assert client.delete(f"{old}?reason=Duplicate")["Location"] == f"{new}?reason=Duplicate"
    assert Annotation.objects.exists()


def test_an_annotation_deleted_since_is_not_redirected(client, analyst, moved):
    old, _ = moved
    delete_annotation(annotation=Annotation.objects.get(), user=analyst, reason="Duplicate.")
    assert client.get(old).status_code == 404
    assert client.delete(old).status_code == 410


def test_a_reply_follows_its_annotation_to_its_new_container(client, reviewer, source, other, moved):
    reply = claims_discussion.reply(item=Annotation.objects.get(), user=reviewer, body="Which week?")
    response = client.get(f"{container(source)}replies/{reply.pk}/")
    assert (response.status_code, response["Location"]) == (308, f"{container(other)}replies/{reply.pk}/")


# --- 2. the ETag follows what the W3C item shows, not only the annotation's version -----------


def relabelled(source, ws_admin, language="ar"):
    return edit_source(
        source, user=ws_admin, expected_version=None, changes={"language": language}, reason="Misread."
    )


def test_the_etag_changes_when_the_sources_language_changes(client, ws_admin, source, item):
    before = client.get(item)["ETag"]
    relabelled(source, ws_admin)
    response = client.get(item, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response.json()["target"]["source"]["language"] == "ar"
    assert response["ETag"] != before


def test_a_put_from_before_the_language_changed_is_a_412_with_the_current_state(
    client, ws_admin, source, item, annotation
):
    got = client.get(item)
    relabelled(source, ws_admin)
    response = put(client, item, got.json(), HTTP_IF_MATCH=got["ETag"])
    assert response.status_code == 412, response.content
    assert response.json()["target"]["source"]["language"] == "ar"
    assert response["ETag"] == client.get(item)["ETag"]
    annotation.refresh_from_db()
    assert annotation.version == 1


def test_a_delete_from_before_the_language_changed_is_a_412(client, ws_admin, source, item, annotation):
    got = client.get(item)
    relabelled(source, ws_admin)
    assert client.delete(item, HTTP_IF_MATCH=got["ETag"]).status_code == 412
    assert Annotation.objects.filter(pk=annotation.pk).exists()


def test_the_container_etag_changes_when_its_items_sources_language_changes(client, ws_admin, source, item):
    before = client.get(container(source))["ETag"]
    relabelled(source, ws_admin)
    assert client.get(container(source), HTTP_IF_NONE_MATCH=before).status_code == 200


def test_a_head_with_the_current_etag_is_304(client, item):
    assert client.head(item, HTTP_IF_NONE_MATCH=client.get(item)["ETag"]).status_code == 304


def test_the_rest_apis_etag_stays_when_what_its_json_does_not_show_changes(
    client, ws_admin, source, annotation
):
    before = client.get(f"/api/annotations/{annotation.pk}/")["ETag"]
    relabelled(source, ws_admin)
    assert client.get(f"/api/annotations/{annotation.pk}/")["ETag"] == before


# --- 3. query parameters on an item: a DELETE's reason, and nothing else ---------------------


def test_a_delete_records_the_reason_it_gives(client, analyst, item, annotation):
    assert client.delete(f"{item}?reason=Posted+twice.").status_code == 204
    deleted = Annotation.history.get(id=annotation.pk, history_type="-")
    assert (deleted.history_user, deleted.history_change_reason) == (analyst, "Posted twice.")


def test_a_delete_with_a_blank_reason_is_refused_as_the_rest_apis(client, item, annotation):
    response = client.delete(f"{item}?reason=")
    assert response.status_code == 400 and "reason" in field_errors(response.json())
    assert Annotation.objects.filter(pk=annotation.pk).exists()


@pytest.mark.parametrize("kind", ["annotations", "evidence", "replies", "linking"])
def test_an_unknown_query_parameter_on_an_item_is_refused_by_name(client, reviewer, source, passage, kind):
    annotation = AnnotationFactory(workspace=source.workspace, passages=[passage])
    found = {
        "annotations": lambda: annotation,
        "evidence": lambda: EvidenceFactory(claim=ClaimFactory(workspace=source.workspace), passage=passage),
        "replies": lambda: claims_discussion.reply(item=annotation, user=reviewer, body="When?"),
    }
    iri = (
        f"{container(source)}passages/{passage.pk}/linking/"
        if kind == "linking"
        else f"{container(source)}{kind}/{found[kind]().pk}/"
    )
    response = client.get(f"{iri}?foo=1")
    assert response.status_code == 400
    assert field_errors(response.json())["foo"][0].startswith("There is no such parameter here")


def test_a_put_with_a_reason_is_refused_by_name(client, source, item, annotation):
    response = put(client, f"{item}?reason=Fixed", posted(source))
    assert response.status_code == 400 and "reason" in field_errors(response.json())
    annotation.refresh_from_db()
    assert annotation.version == 1


# --- 4. a PUT's id names the item it replaces ----------------------------------------------------


def test_a_put_whose_id_names_another_annotation_is_refused_by_id(client, workspace, source, passage, item):
    another = AnnotationFactory(workspace=workspace, passages=[passage])
    body = posted(source, id=f"{container(source)}annotations/{another.pk}/")
    response = put(client, item, body)
    assert response.status_code == 400 and "id" in field_errors(response.json()), response.content
    assert Annotation.objects.get(pk=int(item.rstrip("/").rsplit("/", 1)[1])).version == 1
    assert Annotation.objects.get(pk=another.pk).version == 1


def test_a_put_whose_id_is_not_one_of_ours_is_refused_by_id(client, source, item):
    response = put(client, item, posted(source, id="https://elsewhere.example/anno/7"))
    assert response.status_code == 400 and "id" in field_errors(response.json())


def test_a_put_whose_id_is_the_items_path_on_another_server_is_refused_by_id(client, source, item):
    elsewhere = item.replace("http://testserver/", "https://elsewhere.example/")
    response = put(client, item, posted(source, id=elsewhere))
    assert response.status_code == 400 and "id" in field_errors(response.json())


def test_a_put_whose_id_is_the_items_own_iri_is_accepted(client, source, item):
    response = put(client, item, posted(source, id=item))
    assert (response.status_code, response.json()["id"]) == (200, item)


def test_a_put_whose_id_is_an_older_iri_of_the_item_is_accepted(client, source, item, annotation):
    response = put(client, item, posted(source, id=f"http://testserver/w3c/annotations/{annotation.pk}/"))
    assert response.status_code == 200, response.content


# --- 5. ids beyond 64 bits: the W3C JSON 404 ---------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "sources/9223372036854775808/",
        "sources/9223372036854775808/annotations/1/",
        "sources/1/annotations/9223372036854775808/",
        "sources/1/evidence/9223372036854775808/",
        "annotations/9223372036854775808/",
    ],
)
def test_an_out_of_range_id_is_a_json_404(client, path):
    response = client.get(f"/w3c/{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/ld+json")
    assert field_errors(response.json())


# --- 6. each Prefer variant of a container has its own ETag -------------------------------------


def test_each_prefer_variant_of_the_container_has_its_own_etag(client, source, annotation):
    url = container(source)
    tags = [
        client.get(url, **({"HTTP_PREFER": PREFER.format(prefer)} if prefer else {}))["ETag"]
        for prefer in (None, MINIMAL, IRIS)
    ]
    assert len(set(tags)) == 3
    assert client.get(url, HTTP_PREFER=PREFER.format(MINIMAL), HTTP_IF_NONE_MATCH=tags[0]).status_code == 200


# --- 7. a 201 lists the created item's methods as its GET does ----------------------------------


def test_the_allow_of_a_201_is_the_created_items(client, source):
    created = post(client, source, posted(source))
    assert created.status_code == 201

    def methods(response) -> set[str]:
        return {method.strip() for method in response["Allow"].split(",")}

    assert methods(created) == methods(client.get(created["Location"]))
    assert "HEAD" in methods(created)


# --- 8. one annotation per canonical IRI in a workspace -----------------------------------------


def test_a_second_post_with_the_same_canonical_is_a_409_naming_the_first(client, source):
    first = post(client, source, posted(source, canonical="urn:uuid:canon-1"))
    second = post(client, source, posted(source, canonical="urn:uuid:canon-1"))
    assert second.status_code == 409, second.content
    assert first["Location"] in second.json()["error"]
    assert Annotation.objects.count() == 1


def test_the_domain_refuses_a_canonical_the_workspace_has(analyst, passage, annotation):
    Annotation.objects.filter(pk=annotation.pk).update(canonical="urn:uuid:canon-1")
    with pytest.raises(AlreadyExists) as refused:
        create_annotation(passages=[passage], user=analyst, body="Again.", canonical="urn:uuid:canon-1")
    assert refused.value.existing == annotation


def test_another_workspace_may_have_the_same_canonical(analyst, passage, annotation):
    Annotation.objects.filter(pk=annotation.pk).update(canonical="urn:uuid:canon-1")
    elsewhere = PassageFactory()
    created = create_annotation(passages=[elsewhere], user=None, body="There.", canonical="urn:uuid:canon-1")
    assert created.canonical == "urn:uuid:canon-1"
