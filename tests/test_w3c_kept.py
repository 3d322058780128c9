"""The W3C protocol refuses, by name, what it would not keep, instead of storing an
annotation that reads back without it."""

import pytest

from archive.models import Annotation, Evidence, VersionOrigin
from archive.sources.versions import record_version
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory
from tests.support import api_client_for
from tests.test_w3c import post, posted, posted_on_two, put
from tests.w3c_schemas import model_violations

FOREIGN_STATE = {"sourceDate": "2019-01-01T00:00:00Z", "cached": "https://web.archive.org/web/2019/x"}


@pytest.fixture
def versioned(source, analyst):
    """The source with its text recorded as version 1: its targets render a state."""
    record_version(source=source, user=analyst, origin=VersionOrigin.IMPORT, text=source.text)
    return source


@pytest.fixture
def annotation(workspace, versioned, analyst):
    passage = PassageFactory(source=versioned, created_by=analyst, start=8, length=10)
    return AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, tags=["figures"])


def with_target(source, **fields) -> dict:
    """`posted(source)` with `fields` added to its target."""
    annotation = posted(source)
    annotation["target"] |= fields
    return annotation


@pytest.mark.parametrize("key", ["language", "textDirection", "id", "creator"])
def test_a_body_property_that_is_not_kept_is_refused_by_name(analyst, source, key):
    body = {"type": "TextualBody", "value": "Which district?", key: "en"}
    response = post(api_client_for(analyst), source, posted(source, body=body))
    assert response.status_code == 400 and repr(key) in response.json()["body"][0], response.content
    assert not Annotation.objects.exists()


def test_a_body_purpose_that_is_not_kept_is_refused_by_name(analyst, source):
    body = {"type": "TextualBody", "value": "Which district?", "purpose": "describing"}
    response = post(api_client_for(analyst), source, posted(source, body=body))
    assert response.status_code == 400 and "'describing'" in response.json()["body"][0], response.content
    assert not Annotation.objects.exists()


def test_a_body_of_another_type_than_textual_body_is_refused(analyst, source):
    body = {"type": "Image", "value": "Which district?"}
    response = post(api_client_for(analyst), source, posted(source, body=body))
    assert response.status_code == 400 and "TextualBody" in response.json()["body"][0], response.content


def test_a_top_level_property_that_is_not_kept_is_refused_by_name(analyst, source):
    response = post(api_client_for(analyst), source, posted(source, foo="bar", rights="https://x.example/"))
    assert response.status_code == 400 and {"foo", "rights"} <= set(response.json()), response.content
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("key", ["foo", "purpose", "styleClass", "scope", "renderedVia", "id"])
def test_a_target_property_that_is_not_kept_is_refused_by_name(analyst, source, key):
    response = post(api_client_for(analyst), source, with_target(source, **{key: "bar"}))
    assert response.status_code == 400 and f"target.{key}" in response.json(), response.content
    assert "refused rather than lost" in response.json()[f"target.{key}"][0]
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("index, key", [(0, "refinedBy"), (1, "refinedBy"), (1, "id")])
def test_a_selector_property_that_is_not_kept_is_refused_by_name(analyst, source, index, key):
    annotation = posted(source)
    annotation["target"]["selector"][index][key] = {"type": "TextQuoteSelector", "exact": "Al"}
    response = post(api_client_for(analyst), source, annotation)
    assert response.status_code == 400 and f"target.selector.{key}" in response.json(), response.content
    assert not Annotation.objects.exists()


def test_a_target_of_another_type_than_specific_resource_is_refused(analyst, source):
    response = post(api_client_for(analyst), source, with_target(source, type="Image"))
    assert response.status_code == 400 and "SpecificResource" in response.json()["target"][0], (
        response.content
    )
    assert not Annotation.objects.exists()


def test_a_state_sent_by_the_client_is_refused_saying_the_server_records_it(analyst, versioned):
    response = post(api_client_for(analyst), versioned, with_target(versioned, state=FOREIGN_STATE))
    assert response.status_code == 400, response.content
    assert "The server records the state itself" in response.json()["target.state"][0]
    assert not Annotation.objects.exists()


def test_a_state_on_a_source_without_versions_is_refused(analyst, source):
    response = post(api_client_for(analyst), source, with_target(source, state=FOREIGN_STATE))
    assert response.status_code == 400 and "no recorded version" in response.json()["target.state"][0]
    assert not Annotation.objects.exists()


def test_a_state_of_an_older_version_is_refused_naming_the_current_one(analyst, versioned):
    client = api_client_for(analyst)
    created = post(client, versioned, posted(versioned)).json()
    older = created["target"]["state"]
    record_version(source=versioned, user=analyst, origin=VersionOrigin.IMPORT, text=versioned.text)
    response = put(client, created["id"], with_target(versioned, state=older))
    assert response.status_code == 400, response.content
    assert "/versions/2/" in response.json()["target.state"][0]
    # A version may be a correction, not a capture: the message does not call it captured.
    assert "now the version recorded" in response.json()["target.state"][0]


def test_the_servers_own_state_is_accepted_in_a_post(analyst, versioned):
    client = api_client_for(analyst)
    state = post(client, versioned, posted(versioned)).json()["target"]["state"]
    response = post(client, versioned, with_target(versioned, state=state))
    assert response.status_code == 201 and response.json()["target"]["state"] == state, response.content


def test_a_put_with_a_target_property_that_is_not_kept_is_refused_and_changes_nothing(
    analyst, versioned, annotation
):
    iri = f"http://testserver/w3c/sources/{versioned.pk}/annotations/{annotation.pk}/"
    client = api_client_for(analyst)
    response = put(client, iri, with_target(versioned, foo="bar"), HTTP_IF_MATCH=client.get(iri)["ETag"])
    assert response.status_code == 400 and "target.foo" in response.json(), response.content
    annotation.refresh_from_db()
    assert annotation.version == 1


def test_a_put_with_a_foreign_state_is_refused_and_changes_nothing(analyst, versioned, annotation):
    iri = f"http://testserver/w3c/sources/{versioned.pk}/annotations/{annotation.pk}/"
    response = put(api_client_for(analyst), iri, with_target(versioned, state=FOREIGN_STATE))
    assert response.status_code == 400 and "target.state" in response.json(), response.content
    annotation.refresh_from_db()
    assert annotation.version == 1


def test_an_annotation_put_back_exactly_as_got_is_accepted(analyst, versioned, annotation):
    client = api_client_for(analyst)
    got = client.get(f"/w3c/sources/{versioned.pk}/annotations/{annotation.pk}/")
    assert "state" in got.json()["target"]
    response = put(client, got.json()["id"], got.json(), HTTP_IF_MATCH=got["ETag"])
    assert response.status_code == 200, response.content
    assert response.json()["target"] == got.json()["target"]
    assert model_violations(response.json()) == []


def test_evidence_put_back_exactly_as_got_is_accepted(analyst, workspace, versioned):
    client = api_client_for(analyst)
    claim = ClaimFactory(workspace=workspace)
    passage = PassageFactory(source=versioned, created_by=analyst, start=8, length=10)
    evidence = EvidenceFactory(claim=claim, passage=passage, created_by=analyst, stance="supports")
    got = client.get(f"/w3c/sources/{versioned.pk}/evidence/{evidence.pk}/")
    assert "state" in got.json()["target"]
    response = put(client, got.json()["id"], got.json(), HTTP_IF_MATCH=got["ETag"])
    assert response.status_code == 200, response.content
    assert response.json()["target"] == got.json()["target"]


# --- a target's source is this server's IRI, as it gives it --------------------------------------


def with_target_source(source, given: object) -> dict:
    """`posted(source)` whose target's source is `given`."""
    annotation = posted(source)
    annotation["target"]["source"] = given
    return annotation


@pytest.mark.parametrize(
    "iri",
    [
        "http://evil.example/api/sources/{pk}/text/",
        "/api/sources/{pk}/text/",
        "http://testserver/api/sources/{pk}/text/?x=1",
        "http://testserver/api/sources/{pk}/text/#x",
        "https://testserver/api/sources/{pk}/text/",
    ],
)
def test_a_target_source_that_is_not_this_servers_iri_is_refused_by_name(analyst, source, iri):
    response = post(api_client_for(analyst), source, with_target_source(source, iri.format(pk=source.pk)))
    assert response.status_code == 400 and "is not this one" in response.json()["target.source"][0], (
        response.content
    )
    assert not Annotation.objects.exists()


def test_a_target_source_object_whose_id_is_another_servers_is_refused_by_name(analyst, source):
    given = {"id": f"http://evil.example/api/sources/{source.pk}/text/", "language": "en"}
    response = post(api_client_for(analyst), source, with_target_source(source, given))
    assert response.status_code == 400 and "target.source" in response.json(), response.content
    assert not Annotation.objects.exists()


def test_a_put_with_a_target_source_on_another_server_is_refused_and_changes_nothing(
    analyst, versioned, annotation
):
    iri = f"http://testserver/w3c/sources/{versioned.pk}/annotations/{annotation.pk}/"
    foreign = f"http://evil.example/api/sources/{versioned.pk}/text/"
    response = put(api_client_for(analyst), iri, with_target_source(versioned, foreign))
    assert response.status_code == 400 and "target.source" in response.json(), response.content
    annotation.refresh_from_db()
    assert annotation.version == 1


def test_a_target_source_with_the_default_port_spelt_out_is_this_servers(analyst, source):
    given = f"http://testserver:80/api/sources/{source.pk}/text/"
    response = post(api_client_for(analyst), source, with_target_source(source, given))
    assert response.status_code == 201, response.content


# --- of several targets, a refusal names the one refused -----------------------------------------


def test_a_refused_second_target_is_named_by_its_position(analyst, workspace, source):
    other = SourceFactory(workspace=workspace, text="A second report on Aleppo.")
    annotation = posted_on_two(source, other)
    annotation["target"][1]["selector"] = {"type": "TextQuoteSelector", "exact": "not in the text"}
    response = post(api_client_for(analyst), source, annotation)
    assert response.status_code == 400 and "target[1]" in response.json(), response.content
    assert response.json()["error"].lower().startswith("target[1]: ")
    assert not Annotation.objects.exists()


def test_a_property_of_a_second_target_that_is_not_kept_is_named_with_its_position(
    analyst, workspace, source
):
    other = SourceFactory(workspace=workspace, text="A second report on Aleppo.")
    annotation = posted_on_two(source, other)
    annotation["target"][1]["styleClass"] = "red"
    response = post(api_client_for(analyst), source, annotation)
    assert response.status_code == 400 and "target[1].styleClass" in response.json(), response.content


# --- a stance body says a stance -----------------------------------------------------------------


@pytest.mark.parametrize("motivation", ["assessing", "linking"])
def test_evidence_whose_stance_is_not_one_is_refused_naming_the_stances(
    analyst, workspace, source, motivation
):
    claim = ClaimFactory(workspace=workspace)
    maybe = {"type": "TextualBody", "value": "maybe", "purpose": "classifying"}
    annotation = posted(
        source, motivation=motivation, body=[f"http://testserver/api/claims/{claim.pk}/", maybe]
    )
    response = post(api_client_for(analyst), source, annotation)
    assert response.status_code == 400, response.content
    message = response.json()["body"][0]
    assert "'maybe' is not a stance" in message
    assert all(f'"{stance}"' in message for stance in ("supports", "refutes", "contextualizes"))
    assert not Evidence.objects.exists()


def test_a_classifying_body_that_is_not_a_stance_is_not_kept_as_an_annotations_text(analyst, source):
    maybe = {"type": "TextualBody", "value": "maybe", "purpose": "classifying"}
    response = post(api_client_for(analyst), source, posted(source, body=maybe))
    assert response.status_code == 400 and "not a stance" in response.json()["body"][0], response.content
    assert not Annotation.objects.exists()
