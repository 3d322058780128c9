"""What an outside API tester still found on /w3c/: an empty body read as `{}`, one ETag
shared by the JSON and JSON-LD representations, and a canonical IRI that a PUT (or
evidence, or two POSTs at once) could give a second item of a workspace."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor

from archive.audit.ledger import verify_workspace
from archive.claims import create_annotations, edit_annotation
from archive.claims import editing as claims_editing
from archive.core.editing import AlreadyExists
from archive.models import Annotation, Evidence, Role
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    MembershipFactory,
    PassageFactory,
)
from tests.support import api_client_for
from tests.test_w3c import ANNO_MEDIA_TYPE, container, evidence_posted, post, posted, put
from tests.w3c_support import analysts_api_client, annotation_iri, questioning_annotation, source_container  # noqa: F401 (fixtures)

NOT_AN_OBJECT = "The body must be a JSON object."
JSON = "application/json"


@pytest.fixture
def claim(workspace):
    return ClaimFactory(workspace=workspace)


# --- 1. an empty body is not a JSON object -------------------------------------------------------

BLANK = ["", "   ", "\r\n\t"]
JSON_TYPES = ["application/ld+json", ANNO_MEDIA_TYPE, JSON]


@pytest.mark.parametrize("body", BLANK)
@pytest.mark.parametrize("content_type", JSON_TYPES)
def test_an_empty_post_to_a_container_is_refused_as_not_a_json_object(client, source, body, content_type):
    response = client.post(container(source), body, content_type=content_type)
    assert (response.status_code, response.json()["error"]) == (400, NOT_AN_OBJECT)
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("body", BLANK)
def test_an_empty_put_of_an_item_is_refused_as_not_a_json_object_and_changes_nothing(
    client, item, annotation, body
):
    response = client.put(item, body, content_type="application/ld+json")
    assert (response.status_code, response.json()["error"]) == (400, NOT_AN_OBJECT)
    annotation.refresh_from_db()
    assert annotation.version == 1


@pytest.mark.parametrize("body", BLANK)
def test_the_rest_api_refuses_an_empty_or_blank_body_in_the_same_words(client, body):
    response = client.post("/api/claims/", body, content_type=JSON)
    assert (response.status_code, response.json()["error"]) == (400, NOT_AN_OBJECT)


@pytest.mark.parametrize("body", BLANK)
def test_an_empty_post_without_the_right_to_contribute_is_still_403(reviewer, source, body):
    response = api_client_for(reviewer).post(container(source), body, content_type="application/ld+json")
    assert response.status_code == 403


@pytest.mark.parametrize("body", BLANK)
def test_an_empty_post_without_signing_in_is_still_401(source, body):
    response = api_client_for(None).post(container(source), body, content_type="application/ld+json")
    assert response.status_code == 401


@pytest.mark.parametrize("body", BLANK)
def test_an_empty_put_of_someone_elses_annotation_is_still_403(workspace, item, annotation, body):
    another_analyst = MembershipFactory(workspace=workspace, role=Role.ANALYST).user
    response = api_client_for(another_analyst).put(item, body, content_type="application/ld+json")
    assert response.status_code == 403
    annotation.refresh_from_db()
    assert annotation.version == 1


# --- 2. each representation has its own ETag ------------------------------------------------------


@pytest.fixture(params=["container", "item"])
def resource(request, source, item):
    return container(source) if request.param == "container" else item


def test_json_and_json_ld_of_a_resource_have_different_etags(client, resource):
    json_ld, plain = client.get(resource), client.get(resource, HTTP_ACCEPT=JSON)
    assert (json_ld["Content-Type"], plain["Content-Type"]) == (ANNO_MEDIA_TYPE, JSON)
    assert json_ld.content == plain.content  # the same bytes: only the validator tells them apart
    assert json_ld["ETag"] != plain["ETag"]


@pytest.mark.parametrize("accept", [ANNO_MEDIA_TYPE, JSON])
def test_each_representation_is_304_to_its_own_etag_only(client, resource, accept):
    tags = {kind: client.get(resource, HTTP_ACCEPT=kind)["ETag"] for kind in (ANNO_MEDIA_TYPE, JSON)}
    other = JSON if accept == ANNO_MEDIA_TYPE else ANNO_MEDIA_TYPE
    assert client.get(resource, HTTP_ACCEPT=accept, HTTP_IF_NONE_MATCH=tags[accept]).status_code == 304
    refreshed = client.get(resource, HTTP_ACCEPT=accept, HTTP_IF_NONE_MATCH=tags[other])
    assert (refreshed.status_code, refreshed["ETag"]) == (200, tags[accept])


@pytest.mark.parametrize("accept", [ANNO_MEDIA_TYPE, JSON])
def test_every_response_of_a_resource_varies_on_accept(client, resource, accept):
    response = client.get(resource, HTTP_ACCEPT=accept)
    not_modified = client.get(resource, HTTP_ACCEPT=accept, HTTP_IF_NONE_MATCH=response["ETag"])
    for each in (response, not_modified, client.head(resource, HTTP_ACCEPT=accept)):
        assert "Accept" in {value.strip() for value in each["Vary"].split(",")}


def test_options_gives_the_etag_of_the_representation_asked_for(client, resource):
    assert (
        client.options(resource, HTTP_ACCEPT=JSON)["ETag"] == client.get(resource, HTTP_ACCEPT=JSON)["ETag"]
    )


@pytest.mark.parametrize("read_as", [ANNO_MEDIA_TYPE, JSON])
@pytest.mark.parametrize("write_accepting", [ANNO_MEDIA_TYPE, JSON])
def test_a_put_whose_if_match_is_either_representations_current_etag_is_accepted(
    client, source, item, annotation, read_as, write_accepting
):
    tag = client.get(item, HTTP_ACCEPT=read_as)["ETag"]
    response = put(client, item, posted(source), HTTP_IF_MATCH=tag, HTTP_ACCEPT=write_accepting)
    assert response.status_code == 200, response.content
    # The new state's ETag, in the representation the PUT was answered in.
    assert response["ETag"] == client.get(item, HTTP_ACCEPT=write_accepting)["ETag"]


@pytest.mark.parametrize("read_as", [ANNO_MEDIA_TYPE, JSON])
def test_a_put_whose_if_match_is_an_older_etag_of_either_representation_is_412(
    client, source, item, annotation, read_as
):
    tag = client.get(item, HTTP_ACCEPT=read_as)["ETag"]
    changed = posted(source, body={"type": "TextualBody", "value": "Which year?"})
    assert put(client, item, changed).status_code == 200  # someone else's write meanwhile
    response = put(client, item, posted(source), HTTP_IF_MATCH=tag, HTTP_ACCEPT=read_as)
    assert response.status_code == 412
    assert response["ETag"] == client.get(item, HTTP_ACCEPT=read_as)["ETag"]


def test_a_delete_whose_if_match_is_the_json_etag_is_accepted(client, item):
    response = client.delete(item, HTTP_IF_MATCH=client.get(item, HTTP_ACCEPT=JSON)["ETag"])
    assert response.status_code == 204
    assert not Annotation.objects.exists()


def test_a_201_in_json_carries_the_json_etag_of_what_was_created(client, source):
    created = post(client, source, posted(source), HTTP_ACCEPT=JSON)
    assert created.status_code == 201
    assert created["ETag"] == client.get(created["Location"], HTTP_ACCEPT=JSON)["ETag"]
    assert created["ETag"] != client.get(created["Location"])["ETag"]


# --- 3. a canonical IRI names one item of a workspace, on every path ------------------------------


def test_a_put_giving_another_annotations_canonical_is_a_409_naming_it(
    client, source, workspace, passage, item
):
    first = post(client, source, posted(source, canonical="urn:uuid:canon-1"))
    assert first.status_code == 201
    response = put(client, item, posted(source, canonical="urn:uuid:canon-1"))
    assert response.status_code == 409, response.content
    body = response.json()
    assert first["Location"] in body["error"]
    assert body["existing"]["iri"] == first["Location"]
    assert Annotation.objects.filter(canonical="urn:uuid:canon-1").count() == 1


def test_a_put_giving_a_free_canonical_to_an_annotation_without_one_is_accepted(client, source, item):
    response = put(client, item, posted(source, canonical="urn:uuid:canon-free"))
    assert (response.status_code, response.json()["canonical"]) == (200, "urn:uuid:canon-free")


def test_a_second_evidence_post_with_the_same_canonical_is_a_409_naming_the_first(client, source, claim):
    first = post(client, source, evidence_posted(source, claim, canonical="urn:uuid:e-1"))
    assert first.status_code == 201, first.content
    other_claim = ClaimFactory(workspace=claim.workspace)
    second = post(client, source, evidence_posted(source, other_claim, canonical="urn:uuid:e-1"))
    assert second.status_code == 409, second.content
    assert second.json()["existing"]["iri"] == first["Location"]
    assert Evidence.objects.count() == 1


def test_evidence_with_an_annotations_canonical_is_a_409_naming_the_annotation(client, source, claim):
    first = post(client, source, posted(source, canonical="urn:uuid:shared"))
    second = post(client, source, evidence_posted(source, claim, canonical="urn:uuid:shared"))
    assert second.status_code == 409, second.content
    assert second.json()["existing"]["iri"] == first["Location"]
    assert not Evidence.objects.exists()


def test_a_put_giving_evidence_another_evidences_canonical_is_a_409(client, source, claim, workspace):
    first = post(client, source, evidence_posted(source, claim, canonical="urn:uuid:e-1"))
    other_claim = ClaimFactory(workspace=workspace)
    second = post(client, source, evidence_posted(source, other_claim))
    response = put(client, second["Location"], evidence_posted(source, other_claim, canonical="urn:uuid:e-1"))
    assert response.status_code == 409, response.content
    assert response.json()["existing"]["iri"] == first["Location"]
    evidence = Evidence.objects.get(claim=other_claim)
    assert (evidence.canonical, evidence.version) == ("", 1)


def test_the_domains_edit_refuses_a_canonical_the_workspace_has(analyst, workspace, passage, annotation):
    holder = AnnotationFactory(workspace=workspace, passages=[passage], canonical="urn:uuid:canon-1")
    with pytest.raises(AlreadyExists) as refused:
        edit_annotation(
            annotation,
            user=analyst,
            expected_version=None,
            changes={},
            identities={"canonical": "urn:uuid:canon-1"},
        )
    assert refused.value.existing == holder


def test_a_batch_giving_two_annotations_one_canonical_is_refused_by_name(analyst, passage):
    items = [{"passages": [passage], "body": f"Note {n}.", "canonical": "urn:uuid:twice"} for n in (1, 2)]
    with pytest.raises(ValidationError) as refused:
        create_annotations(user=analyst, items=items)
    assert "canonical" in refused.value.message_dict
    assert not Annotation.objects.exists()


def _as_if_the_other_write_were_not_committed_yet(monkeypatch, module) -> None:
    """The check before the write, and the model's validation, find nothing (as when a
    concurrent write has not committed yet): only the database's constraint refuses."""
    monkeypatch.setattr(module, "refuse_taken_canonical", lambda **kwargs: None)
    monkeypatch.setattr(models.UniqueConstraint, "validate", lambda *args, **kwargs: None)


def test_a_post_that_loses_the_race_for_a_canonical_is_a_409_naming_the_winner(client, source, monkeypatch):
    first = post(client, source, posted(source, canonical="urn:uuid:race"))
    from archive.claims import annotations as claims_annotations

    _as_if_the_other_write_were_not_committed_yet(monkeypatch, claims_annotations)
    second = post(client, source, posted(source, canonical="urn:uuid:race"))
    assert second.status_code == 409, second.content
    assert second.json()["existing"]["iri"] == first["Location"]
    assert Annotation.objects.count() == 1


def test_evidence_that_loses_the_race_for_a_canonical_is_a_409_naming_the_winner(
    client, source, claim, monkeypatch
):
    first = post(client, source, evidence_posted(source, claim, canonical="urn:uuid:race"))
    from archive.claims import evidence as claims_evidence

    _as_if_the_other_write_were_not_committed_yet(monkeypatch, claims_evidence)
    other_claim = ClaimFactory(workspace=claim.workspace)
    second = post(client, source, evidence_posted(source, other_claim, canonical="urn:uuid:race"))
    assert second.status_code == 409, second.content
    assert second.json()["existing"]["iri"] == first["Location"]


def test_a_put_that_loses_the_race_for_a_canonical_is_a_409_naming_the_winner(
    client, source, item, monkeypatch
):
    first = post(client, source, posted(source, canonical="urn:uuid:race"))
    real = claims_editing.refuse_taken_canonical
    calls = []

    def first_call_finds_nothing(**kwargs):
        calls.append(kwargs)
        if len(calls) > 1:  # the lookup after the database refused
            real(**kwargs)

    monkeypatch.setattr(claims_editing, "refuse_taken_canonical", first_call_finds_nothing)
    monkeypatch.setattr(models.UniqueConstraint, "validate", lambda *args, **kwargs: None)
    response = put(client, item, posted(source, canonical="urn:uuid:race"))
    assert response.status_code == 409, response.content
    assert response.json()["existing"]["iri"] == first["Location"]
    assert Annotation.objects.filter(canonical="urn:uuid:race").count() == 1


BEFORE, AFTER = ("archive", "0031_job_kind_export"), ("archive", "0032_one_canonical_per_workspace")


@pytest.mark.django_db(transaction=True)
def test_the_migration_clears_later_repeated_canonicals_in_their_history_and_the_ledger():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        # Saved as before the constraint existed: with history rows and ledger entries.
        passage = PassageFactory()
        workspace = passage.workspace
        kept, cleared = (
            AnnotationFactory(workspace=workspace, passages=[passage], canonical="urn:uuid:1")
            for _ in range(2)
        )
        there = PassageFactory()  # another workspace: its own canonicals
        elsewhere = AnnotationFactory(workspace=there.workspace, passages=[there], canonical="urn:uuid:1")
        claim = ClaimFactory(workspace=workspace)
        evidence = [
            EvidenceFactory(
                claim=claim, passage=PassageFactory(source=passage.source), canonical="urn:uuid:e"
            )
            for _ in range(2)
        ]
        MigrationExecutor(connection).migrate([AFTER])
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    found = dict(Annotation.objects.values_list("pk", "canonical"))
    assert [found[kept.pk], found[cleared.pk], found[elsewhere.pk]] == ["urn:uuid:1", "", "urn:uuid:1"]
    assert list(Evidence.objects.order_by("pk").values_list("canonical", flat=True)) == ["urn:uuid:e", ""]
    newest = Annotation.history.filter(id=cleared.pk).order_by("-history_id").first()
    assert (newest.canonical, newest.history_type, newest.version) == ("", "~", 2)
    assert f"annotation #{kept.pk}" in newest.history_change_reason
    assert "urn:uuid:1" in newest.history_change_reason
    assert [link.passage_id for link in newest.passages.all()] == [passage.pk]
    before = Annotation.history.filter(id=cleared.pk).order_by("history_id").first()
    assert before.canonical == "urn:uuid:1"  # the cleared IRI stays in the history
    assert Evidence.history.filter(id=evidence[1].pk).order_by("-history_id").first().canonical == ""
    # The ledger chains the new rows and every live row is its newest history row.
    assert verify_workspace(workspace.pk).ok, verify_workspace(workspace.pk).problem
