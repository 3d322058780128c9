"""The W3C Web Annotation Protocol container and our model <-> W3C mapping."""

import csv
import io
import json
import os

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.test import APIClient

from archive.claims import discussion as claims_discussion
from archive.models import Annotation, Evidence, Passage
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory
from tests.support import api_client_for, field_errors
from tests.w3c_schemas import (
    model_violations,
    must_violations,
    page_violations,
    sample,
    w3c_tests_dir,
)

ANNO = "http://www.w3.org/ns/anno.jsonld"
ANNO_MEDIA_TYPE = f'application/ld+json; profile="{ANNO}"'
PREFER = 'return=representation;include="{}"'


@pytest.fixture
def annotation(workspace, passage, analyst):
    return AnnotationFactory(
        workspace=workspace, passages=[passage], author=analyst, tags=["figures"], motivation="questioning"
    )


@pytest.fixture
def evidence(workspace, passage, analyst):
    claim = ClaimFactory(workspace=workspace)
    return EvidenceFactory(
        claim=claim, passage=passage, created_by=analyst, stance="refutes", note="Contradicts."
    )


def container(source) -> str:
    return f"http://testserver/w3c/sources/{source.pk}/"


def text_iri(source) -> str:
    return f"http://testserver/api/sources/{source.pk}/text/"


def posted(source, **fields) -> dict:
    """A W3C client's annotation on "Al-Rashideen" in the factories' sample text."""
    start = source.text.index("Al-Rashideen")
    return {
        "@context": ANNO,
        "type": "Annotation",
        "motivation": "commenting",
        "body": {"type": "TextualBody", "value": "Which district?"},
        "target": {
            "source": text_iri(source),
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": start + 12},
                {"type": "TextQuoteSelector", "exact": "Al-Rashideen"},
            ],
        },
        **fields,
    }


def post(client, source, body, **headers):
    return client.post(
        f"/w3c/sources/{source.pk}/", json.dumps(body), content_type="application/ld+json", **headers
    )


def put(client, iri: str, body: dict, **headers):
    return client.put(iri, json.dumps(body), content_type="application/ld+json", **headers)


def etag_of(client, iri: str) -> str:
    """The item's W3C ETag, as a client gets it: its version and a digest of its JSON."""
    return client.get(iri)["ETag"]


# --- container ----------------------------------------------------------------


def test_container_answers_in_json_ld_with_the_annotation_profile(analyst, source, annotation):
    response = api_client_for(analyst).get(f"/w3c/sources/{source.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == ANNO_MEDIA_TYPE


def test_container_declares_ldp_basic_container_and_its_constraints(analyst, source):
    link = api_client_for(analyst).get(f"/w3c/sources/{source.pk}/")["Link"]
    assert '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"' in link
    assert 'rel="http://www.w3.org/ns/ldp#constrainedBy"' in link


def test_container_headers_allow_vary_etag_and_accept_post(analyst, source):
    response = api_client_for(analyst).get(f"/w3c/sources/{source.pk}/")
    assert {"GET", "POST", "HEAD", "OPTIONS"} <= {m.strip() for m in response["Allow"].split(",")}
    assert response["Vary"] == "Accept, Prefer"
    assert response["Accept-Post"] == ANNO_MEDIA_TYPE
    assert response["ETag"]


def test_container_etag_changes_when_an_annotation_changes(analyst, source, annotation):
    client = api_client_for(analyst)
    before = client.get(f"/w3c/sources/{source.pk}/")["ETag"]
    annotation.body = "changed"
    annotation.save()
    assert client.get(f"/w3c/sources/{source.pk}/")["ETag"] != before


def test_container_embeds_full_descriptions_by_default(analyst, source, annotation, evidence):
    body = api_client_for(analyst).get(f"/w3c/sources/{source.pk}/").json()
    assert body["type"] == ["BasicContainer", "AnnotationCollection"]
    assert body["total"] == 2
    assert [item["id"] for item in body["first"]["items"]] == [
        f"{container(source)}annotations/{annotation.pk}/",
        f"{container(source)}evidence/{evidence.pk}/",
    ]


def test_prefer_minimal_container_leaves_out_the_annotations(analyst, source, annotation):
    response = api_client_for(analyst).get(
        f"/w3c/sources/{source.pk}/",
        HTTP_PREFER=PREFER.format("http://www.w3.org/ns/ldp#PreferMinimalContainer"),
    )
    assert response.json()["first"] == f"{container(source)}?page=0"
    assert response["Preference-Applied"] == "return=representation"


def test_prefer_contained_iris_lists_only_iris(analyst, source, annotation):
    response = api_client_for(analyst).get(
        f"/w3c/sources/{source.pk}/", HTTP_PREFER=PREFER.format("http://www.w3.org/ns/oa#PreferContainedIRIs")
    )
    assert response.json()["first"]["items"] == [f"{container(source)}annotations/{annotation.pk}/"]
    assert response.json()["last"] == f"{container(source)}?iris=1&page=last"


def test_prefer_minimal_container_and_contained_iris_together_are_both_honoured(analyst, source, annotation):
    both = "http://www.w3.org/ns/ldp#PreferMinimalContainer http://www.w3.org/ns/oa#PreferContainedIRIs"
    response = api_client_for(analyst).get(f"/w3c/sources/{source.pk}/", HTTP_PREFER=PREFER.format(both))
    assert response.json()["first"] == f"{container(source)}?iris=1&page=0"
    assert response["Preference-Applied"] == "return=representation"


def test_prefer_with_a_quoted_return_value_in_another_case_is_honoured(analyst, source, annotation):
    prefer = 'Return = "Representation" ; include="http://www.w3.org/ns/ldp#PreferMinimalContainer"'
    response = api_client_for(analyst).get(f"/w3c/sources/{source.pk}/", HTTP_PREFER=prefer)
    assert response.json()["first"] == f"{container(source)}?page=0"
    assert response["Preference-Applied"] == "return=representation"


def test_prefer_include_of_another_preference_than_return_representation_is_ignored(
    analyst, source, annotation
):
    prefer = 'return=minimal, respond-async; include="http://www.w3.org/ns/ldp#PreferMinimalContainer"'
    response = api_client_for(analyst).get(f"/w3c/sources/{source.pk}/", HTTP_PREFER=prefer)
    assert response.json()["first"]["type"] == "AnnotationPage"
    assert "Preference-Applied" not in response


def test_prefer_contained_descriptions_embeds_annotations(analyst, source, annotation):
    response = api_client_for(analyst).get(
        f"/w3c/sources/{source.pk}/",
        HTTP_PREFER=PREFER.format("http://www.w3.org/ns/oa#PreferContainedDescriptions"),
    )
    assert response.json()["first"]["items"][0]["type"] == "Annotation"


def test_annotation_pages_link_forward_and_back(analyst, workspace, source, passage, monkeypatch):
    monkeypatch.setattr("archive.w3c.views.PAGE_SIZE", 2)
    annotations = AnnotationFactory.create_batch(5, workspace=workspace, passages=[passage])
    page = api_client_for(analyst).get(f"/w3c/sources/{source.pk}/?page=1").json()
    assert page["type"] == "AnnotationPage"
    assert (page["startIndex"], len(page["items"])) == (2, 2)
    assert page["partOf"] == {"id": container(source), "total": 5}
    # Numbered pages are still served; prev and next continue from the page's items.
    assert (page["prev"], page["next"]) == (
        f"{container(source)}?before=annotation-{annotations[2].pk}",
        f"{container(source)}?after=annotation-{annotations[3].pk}",
    )


def test_page_number_must_be_a_number_or_last(analyst, source):
    assert api_client_for(analyst).get(f"/w3c/sources/{source.pk}/?page=first").status_code == 400


def test_turtle_only_clients_get_406(analyst, source):
    assert (
        api_client_for(analyst).get(f"/w3c/sources/{source.pk}/", HTTP_ACCEPT="text/turtle").status_code
        == 406
    )


# --- creating -----------------------------------------------------------------


def test_post_creates_an_annotation_with_location_and_etag(analyst, source):
    response = post(api_client_for(analyst), source, posted(source))
    assert response.status_code == 201
    created = Annotation.objects.get()
    assert response["Location"] == f"{container(source)}annotations/{created.pk}/"
    assert response["ETag"] == etag_of(api_client_for(analyst), response["Location"])
    assert response["ETag"].startswith('"1-')
    assert response["Content-Type"] == ANNO_MEDIA_TYPE
    assert created.history.first().history_user == analyst


def test_post_with_only_a_quote_selector_finds_the_position(analyst, source):
    body = posted(source)
    body["target"]["selector"] = {"type": "TextQuoteSelector", "exact": "Al-Rashideen", "suffix": " area"}
    assert post(api_client_for(analyst), source, body).status_code == 201
    assert Passage.objects.get().start == source.text.index("Al-Rashideen")


def test_post_with_only_a_position_selector_fills_in_the_quote(analyst, source):
    body = posted(source)
    body["target"]["selector"] = {"type": "TextPositionSelector", "start": 0, "end": 7}
    assert post(api_client_for(analyst), source, body).status_code == 201
    assert Passage.objects.get().exact == "Russian"


def test_post_with_selectors_that_disagree_is_a_400_and_writes_nothing(analyst, source):
    body = posted(source)
    body["target"]["selector"][1]["exact"] = "Damascus"
    response = post(api_client_for(analyst), source, body)
    assert response.status_code == 400
    assert "target" in response.json()
    assert not Passage.objects.exists()


def test_post_with_an_ambiguous_quote_is_a_400(analyst, source):
    body = posted(source)
    body["target"]["selector"] = {"type": "TextQuoteSelector", "exact": "a"}
    assert "more than once" in post(api_client_for(analyst), source, body).json()["target"][0]


def test_post_targeting_only_another_source_is_a_400(analyst, workspace, source):
    other = PassageFactory(source__workspace=workspace).source
    body = posted(source)
    body["target"]["source"] = text_iri(other)
    response = post(api_client_for(analyst), source, body)
    assert response.status_code == 400
    assert response.json()["target"] == ["One target must be on the text of this container's source."]
    assert not Annotation.objects.exists()


def evidence_posted(source, claim, *more_bodies: dict, **fields) -> dict:
    """`posted(source)` as a W3C client cites it: supporting `claim`, with `more_bodies`."""
    claim_iri = f"http://testserver/api/claims/{claim.pk}/"
    supports = {"type": "TextualBody", "value": "supports", "purpose": "classifying"}
    return posted(source, motivation="assessing", body=[claim_iri, supports, *more_bodies], **fields)


def posted_on_two(source, other) -> dict:
    """`posted(source)` with a second target: "second report" in `other`."""
    body = posted(source)
    second = {
        "type": "SpecificResource",
        "source": text_iri(other),
        "selector": {"type": "TextQuoteSelector", "exact": "second report"},
    }
    return {**body, "target": [body["target"], second]}


def test_post_targeting_this_source_and_another_of_the_workspace_is_one_annotation_on_both(
    analyst, workspace, source
):
    other = SourceFactory(workspace=workspace, text="A second report on Aleppo.")
    body = posted_on_two(source, other)
    assert post(api_client_for(analyst), source, body).status_code == 201
    created = Annotation.objects.get()
    assert sorted((p.source_id, p.exact) for p in created.passages.all()) == sorted(
        [(source.pk, body["target"][0]["selector"][1]["exact"]), (other.pk, "second report")]
    )


def test_post_targeting_a_source_of_another_workspace_is_a_400(analyst, workspace, source):
    foreign = SourceFactory(text="A second report on Aleppo.")
    response = post(api_client_for(analyst), source, posted_on_two(source, foreign))
    assert response.status_code == 400
    assert not Annotation.objects.exists()


def test_post_without_the_annotation_context_is_a_400(analyst, source):
    response = post(api_client_for(analyst), source, posted(source, **{"@context": "http://schema.org/"}))
    assert "@context" in response.json()


def test_post_naming_a_claim_and_stance_creates_evidence(analyst, workspace, source):
    claim = ClaimFactory(workspace=workspace)
    body = posted(
        source,
        motivation="assessing",
        body=[
            {"id": f"http://testserver/api/claims/{claim.pk}/", "purpose": "linking"},
            {"type": "TextualBody", "value": "supports", "purpose": "classifying"},
        ],
    )
    response = post(api_client_for(analyst), source, body)
    assert response.status_code == 201
    assert Evidence.objects.get().stance == "supports"
    assert response["Location"].startswith(f"{container(source)}evidence/")


def test_reviewer_cannot_post(reviewer, source):
    assert post(api_client_for(reviewer), source, posted(source)).status_code == 403


def test_outsider_gets_404(outsider, source):
    assert post(api_client_for(outsider), source, posted(source)).status_code == 404
    assert api_client_for(outsider).get(f"/w3c/sources/{source.pk}/").status_code == 404


def test_anonymous_gets_401(source):
    assert APIClient().get(f"/w3c/sources/{source.pk}/").status_code == 401


# --- one annotation ---------------------------------------------------------------


def test_annotation_headers(analyst, annotation):
    response = api_client_for(analyst).get(f"/w3c/annotations/{annotation.pk}/")
    assert response["Content-Type"] == ANNO_MEDIA_TYPE
    assert response["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    assert {"GET", "PUT", "DELETE", "HEAD", "OPTIONS"} <= {m.strip() for m in response["Allow"].split(",")}
    assert response["Vary"] == "Accept"
    assert response["ETag"].startswith('"1-')


def test_put_with_if_match_replaces_the_annotation(analyst, source, annotation):
    body = posted(source, motivation="describing")
    client = api_client_for(analyst)
    response = client.put(
        f"/w3c/annotations/{annotation.pk}/",
        json.dumps(body),
        content_type="application/ld+json",
        HTTP_IF_MATCH=etag_of(client, f"/w3c/annotations/{annotation.pk}/"),
    )
    assert response.status_code == 200
    annotation.refresh_from_db()
    assert (annotation.motivation, annotation.body, annotation.tags) == ("describing", "Which district?", [])
    assert [p.exact for p in annotation.passages.all()] == ["Al-Rashideen"]


def test_put_with_a_stale_if_match_is_a_412_with_the_current_annotation(analyst, source, annotation):
    response = api_client_for(analyst).put(
        f"/w3c/annotations/{annotation.pk}/",
        json.dumps(posted(source)),
        content_type="application/ld+json",
        HTTP_IF_MATCH='"0"',
    )
    assert response.status_code == 412
    assert response.json()["motivation"] == "questioning"
    assert not Passage.objects.filter(exact="Al-Rashideen").exists()


def test_put_without_if_match_is_unconditional_and_keeps_history(analyst, source, annotation):
    # W3C clients send no If-Match; every state stays in history.
    response = api_client_for(analyst).put(
        f"/w3c/annotations/{annotation.pk}/", json.dumps(posted(source)), content_type="application/ld+json"
    )
    assert response.status_code == 200 and response["ETag"].startswith('"2-')
    states = [row.motivation for row in annotation.history.order_by("history_id")]
    assert (states[0], states[-1]) == ("questioning", "commenting")


def test_delete_without_if_match_is_unconditional(analyst, annotation):
    response = api_client_for(analyst).delete(f"/w3c/annotations/{annotation.pk}/")
    assert response.status_code == 204
    assert Annotation.history.filter(id=annotation.pk, history_type="-").exists()


def test_delete_with_a_stale_if_match_is_a_412(analyst, annotation):
    client = api_client_for(analyst)
    response = client.delete(f"/w3c/annotations/{annotation.pk}/", HTTP_IF_MATCH='"7"')
    assert (response.status_code, response["ETag"]) == (
        412,
        etag_of(client, f"/w3c/annotations/{annotation.pk}/"),
    )
    assert Annotation.objects.filter(pk=annotation.pk).exists()


def test_rest_api_delete_still_needs_if_match(analyst, annotation):
    response = api_client_for(analyst).delete(f"/api/annotations/{annotation.pk}/?reason=x")
    assert response.status_code == 428


def test_post_of_evidence_already_there_is_a_409_naming_it(analyst, source, evidence):
    start = source.text.index(evidence.passage.exact)
    body = posted(
        source,
        motivation="assessing",
        body=[
            {"id": f"http://testserver/api/claims/{evidence.claim_id}/", "purpose": "linking"},
            {"type": "TextualBody", "value": "refutes", "purpose": "classifying"},
        ],
        target={
            "source": text_iri(source),
            "selector": {
                "type": "TextPositionSelector",
                "start": start,
                "end": start + len(evidence.passage.exact),
            },
        },
    )
    response = post(api_client_for(analyst), source, body)
    assert response.status_code == 409
    iri = f"{container(source)}evidence/{evidence.pk}/"
    assert response.json()["existing"] == {"type": "evidence", "id": evidence.pk, "iri": iri}
    assert Evidence.objects.count() == 1


def test_put_cannot_turn_an_annotation_into_evidence(analyst, workspace, source, annotation):
    claim = ClaimFactory(workspace=workspace)
    body = evidence_posted(source, claim)
    client = api_client_for(analyst)
    response = client.put(
        f"/w3c/annotations/{annotation.pk}/",
        json.dumps(body),
        content_type="application/ld+json",
        HTTP_IF_MATCH=etag_of(client, f"/w3c/annotations/{annotation.pk}/"),
    )
    assert response.status_code == 400


def test_delete_removes_the_annotation(analyst, annotation):
    client, iri = api_client_for(analyst), f"/w3c/annotations/{annotation.pk}/"
    response = client.delete(iri, HTTP_IF_MATCH=etag_of(client, iri))
    assert response.status_code == 204
    assert not Annotation.objects.exists()


def test_delete_records_who_and_the_protocols_fixed_reason(analyst, annotation):
    # Standard W3C clients send no reason (see AnnotationResource.delete).
    assert api_client_for(analyst).delete(f"/w3c/annotations/{annotation.pk}/").status_code == 204
    deleted = Annotation.history.filter(id=annotation.pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (
        analyst,
        "Deleted through the W3C protocol.",
    )


def test_evidence_has_its_own_iri(analyst, evidence):
    body = api_client_for(analyst).get(f"/w3c/evidence/{evidence.pk}/").json()
    assert body["motivation"] == "assessing"
    stance = {"type": "TextualBody", "value": "refutes", "purpose": "classifying", "textDirection": "auto"}
    assert stance in body["body"]


# --- the mapping against the W3C model ---------------------------------------------


def test_emitted_annotation_meets_the_w3c_model(analyst, annotation):
    emitted = api_client_for(analyst).get(f"/w3c/annotations/{annotation.pk}/").json()
    assert model_violations(emitted) == []


def test_emitted_evidence_meets_the_w3c_model(analyst, evidence):
    emitted = api_client_for(analyst).get(f"/w3c/evidence/{evidence.pk}/").json()
    assert model_violations(emitted) == []


def test_every_annotation_in_a_container_meets_the_w3c_model(analyst, workspace, source, passage, evidence):
    second = PassageFactory(source=source, start=0, length=7)
    AnnotationFactory(workspace=workspace, passages=[passage, second], highlight=True)
    AnnotationFactory(workspace=workspace, passages=[second], tags=["a", "b"])
    items = api_client_for(analyst).get(f"/w3c/sources/{source.pk}/").json()["first"]["items"]
    assert len(items) == 3
    assert [model_violations(item) for item in items] == [[], [], []]


def test_the_schema_check_accepts_a_w3c_sample():
    assert must_violations(sample("correct", "anno1.json")) == []


def test_the_schema_check_rejects_every_readable_incorrect_w3c_sample():
    passing = []
    for path in sorted((w3c_tests_dir() / "samples" / "incorrect").iterdir()):
        try:
            annotation = json.loads(path.read_text())
        except json.JSONDecodeError:
            continue  # some incorrect samples are not even JSON
        if not must_violations(annotation):
            passing.append(path.name)
    assert passing == []


def essence(annotation: dict) -> dict:
    """What a W3C annotation says, whichever equivalent form it takes (a body's textDirection,
    told from its text, and a target's source as an object, with its language, or its IRI)."""

    def listed(value):
        return value if isinstance(value, list) else [value]

    bodies = [{"type": "TextualBody", "value": annotation["bodyValue"]}] if "bodyValue" in annotation else []
    bodies += listed(annotation.get("body", []))
    normalized = sorted(
        json.dumps(
            {"id": body}
            if isinstance(body, str)
            else {k: v for k, v in body.items() if k not in ("format", "type", "textDirection")},
            sort_keys=True,
        )
        for body in bodies
    )
    targets = []
    for target in listed(annotation["target"]):
        selectors = {s["type"]: s for s in listed(target["selector"])}
        quote = selectors.get("TextQuoteSelector", {}).get("exact")
        position = selectors.get("TextPositionSelector", {})
        source = target["source"]["id"] if isinstance(target["source"], dict) else target["source"]
        targets.append((source, quote or None, position.get("start")))
    return {"motivation": annotation.get("motivation"), "bodies": normalized, "targets": sorted(targets)}


ROUND_TRIPS = {
    "comment": {},
    "bodyValue": {"body": None, "bodyValue": "Plain text body."},
    "tags": {
        "body": [
            {"type": "TextualBody", "value": "Note."},
            {"type": "TextualBody", "value": "daraa", "purpose": "tagging"},
        ]
    },
    "highlight without body": {"body": None, "motivation": "highlighting"},
}


@pytest.mark.parametrize("case", ROUND_TRIPS)
def test_what_a_client_posts_comes_back_equivalent(analyst, source, case):
    body = {k: v for k, v in posted(source, **ROUND_TRIPS[case]).items() if v is not None}
    created = post(api_client_for(analyst), source, body).json()
    read_back = api_client_for(analyst).get(created["id"]).json()
    assert essence(read_back) == essence(body)
    assert model_violations(read_back) == []


def test_evidence_round_trips(analyst, workspace, source):
    claim = ClaimFactory(workspace=workspace)
    body = posted(
        source,
        motivation="linking",
        body=[
            {
                "type": "SpecificResource",
                "source": f"http://testserver/api/claims/{claim.pk}/",
                "purpose": "linking",
            },
            {"type": "TextualBody", "value": "contextualizes", "purpose": "classifying"},
            {"type": "TextualBody", "value": "Background on the siege.", "purpose": "commenting"},
        ],
    )
    created = post(api_client_for(analyst), source, body).json()
    assert essence(api_client_for(analyst).get(created["id"]).json()) == essence(body)


def test_shared_w3c_material_is_present_in_ci():
    if os.environ.get("CI") == "true":
        assert w3c_tests_dir().exists()
    else:
        assert w3c_tests_dir().name == "web-annotation-tests"


# --- whole-workspace exports ---------------------------------------------------------


def test_jsonld_export_is_a_collection_of_valid_annotations(client, analyst, workspace, annotation, evidence):
    client.force_login(analyst)
    response = client.get(f"/exports/w/{workspace.slug}/annotations.jsonld")
    assert response["Content-Type"] == ANNO_MEDIA_TYPE
    collection = json.loads(b"".join(response.streaming_content))
    items = collection["first"]["items"]
    assert [item["id"].split("/")[-3] for item in items] == ["annotations", "evidence"]
    assert [model_violations(item) for item in items] == [[], []]


def test_jsonld_export_gives_its_total_and_its_last_page(client, analyst, workspace, annotation, evidence):
    client.force_login(analyst)
    response = client.get(f"/exports/w/{workspace.slug}/annotations.jsonld")
    collection = json.loads(b"".join(response.streaming_content))
    first = collection["first"]
    assert collection["total"] == len(first["items"]) == 2
    assert collection["last"] == first["id"]
    assert (first["partOf"], first["startIndex"]) == ({"id": collection["id"]}, 0)


def test_jsonld_export_page_meets_the_w3c_page_assertions(client, analyst, workspace, annotation, evidence):
    client.force_login(analyst)
    response = client.get(f"/exports/w/{workspace.slug}/annotations.jsonld")
    collection = json.loads(b"".join(response.streaming_content))
    # Embedded, the page is in the collection's @context; the suite checks a page on its own.
    assert page_violations({"@context": collection["@context"], **collection["first"]}) == []


def test_csv_export_has_a_row_per_target(client, analyst, workspace, source, annotation, evidence):
    annotation.passages.add(PassageFactory(source=source, start=0, length=7))
    client.force_login(analyst)
    response = client.get(f"/exports/w/{workspace.slug}/annotations.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(row["kind"], row["exact"]) for row in rows] == [
        ("annotation", source.text[8:18]),
        ("annotation", "Russian"),
        ("evidence", source.text[8:18]),
    ]
    assert rows[2]["stance"] == "refutes"


def test_csv_export_defuses_spreadsheet_formulas(client, analyst, workspace, passage):
    AnnotationFactory(workspace=workspace, passages=[passage], body='=HYPERLINK("http://evil")')
    client.force_login(analyst)
    content = b"".join(client.get(f"/exports/w/{workspace.slug}/annotations.csv").streaming_content).decode()
    assert "'=HYPERLINK" in content


def test_export_command_writes_jsonld(analyst, workspace, annotation, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "annotations.jsonld"
    call_command(
        "export_annotations",
        "--workspace",
        workspace.slug,
        "--base-url",
        "https://warrant.example",
        str(out),
        stdout=io.StringIO(),
    )
    items = json.loads(out.read_text())["first"]["items"]
    source_id = annotation.passages.get().source_id
    assert items[0]["id"] == f"https://warrant.example/w3c/sources/{source_id}/annotations/{annotation.pk}/"


def test_w3c_session_post_without_csrf_token_is_refused(analyst, source):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = post(client, source, posted(source))
    assert response.status_code == 403
    assert not Annotation.objects.exists()


def test_post_may_give_more_context_than_the_server_keeps(analyst, source):
    body = posted(source)
    start = source.text.index("Al-Rashideen")
    body["target"]["selector"][1]["prefix"] = source.text[:start]  # longer than 32 code points
    assert post(api_client_for(analyst), source, body).status_code == 201


def test_post_with_a_prefix_that_does_not_match_is_a_400(analyst, source):
    body = posted(source)
    body["target"]["selector"][1]["prefix"] = "Nowhere in the text "
    assert "prefix" in post(api_client_for(analyst), source, body).json()["target"][0]


# --- canonical IRIs ---------------------------------------------------------------


def test_items_are_served_below_their_container(analyst, source, annotation, evidence):
    client = api_client_for(analyst)
    body = client.get(f"{container(source)}annotations/{annotation.pk}/").json()
    assert body["id"] == f"{container(source)}annotations/{annotation.pk}/"
    assert (
        client.get(f"{container(source)}evidence/{evidence.pk}/")
        .json()["id"]
        .endswith(f"/w3c/sources/{source.pk}/evidence/{evidence.pk}/")
    )


def test_the_older_iris_serve_the_same_resource(analyst, source, annotation):
    # Kept working (no redirect): PUT and DELETE clients of the old IRIs go on as before.
    client = api_client_for(analyst)
    old = client.get(f"/w3c/annotations/{annotation.pk}/")
    assert old.status_code == 200
    assert old.json()["id"] == f"{container(source)}annotations/{annotation.pk}/"


def test_an_item_below_a_container_it_is_not_in_is_redirected_to_its_iri(
    analyst, workspace, source, annotation
):
    other = PassageFactory(source__workspace=workspace).source
    response = api_client_for(analyst).get(f"/w3c/sources/{other.pk}/annotations/{annotation.pk}/")
    assert (response.status_code, response["Location"]) == (
        308,
        f"{container(source)}annotations/{annotation.pk}/",
    )


def test_put_cannot_move_an_annotation_to_another_container(analyst, workspace, source, annotation):
    other = PassageFactory(source__workspace=workspace).source
    body = posted(source)
    body["target"] = {
        "source": text_iri(other),
        "selector": {"type": "TextPositionSelector", "start": 0, "end": 3},
    }
    response = api_client_for(analyst).put(
        f"/w3c/annotations/{annotation.pk}/", json.dumps(body), content_type="application/ld+json"
    )
    assert response.status_code == 400
    assert "container" in response.json()["target"][0]


# --- canonical and via ----------------------------------------------------------------


def test_post_keeps_canonical_and_moves_the_clients_id_to_via(analyst, source):
    body = posted(source, id="https://elsewhere.example/anno/7", canonical="urn:uuid:dbfb1861-0ecf-41ad-be94")
    created = post(api_client_for(analyst), source, body).json()
    assert created["id"].startswith(container(source))
    assert (created["canonical"], created["via"]) == (
        "urn:uuid:dbfb1861-0ecf-41ad-be94",
        "https://elsewhere.example/anno/7",
    )
    stored = Annotation.objects.get()
    assert (stored.canonical, stored.via) == (created["canonical"], created["via"])
    assert model_violations(created) == []


def test_put_keeps_the_canonical_unchanged(analyst, source):
    client = api_client_for(analyst)
    created = post(client, source, posted(source, canonical="urn:uuid:1")).json()
    unchanged = client.put(created["id"], json.dumps(posted(source)), content_type="application/ld+json")
    assert unchanged.json()["canonical"] == "urn:uuid:1"
    changed = client.put(
        created["id"], json.dumps(posted(source, canonical="urn:uuid:2")), content_type="application/ld+json"
    )
    assert changed.status_code == 400
    assert "canonical" in changed.json()
    assert Annotation.objects.get().canonical == "urn:uuid:1"


def test_canonical_and_via_are_history_tracked(analyst, source):
    client = api_client_for(analyst)
    created = post(client, source, posted(source)).json()
    client.put(
        created["id"],
        json.dumps(posted(source, via="https://a.example/1")),
        content_type="application/ld+json",
    )
    assert [row.via for row in Annotation.history.order_by("history_id")] == ["", "https://a.example/1"]


def test_evidence_keeps_canonical_and_via(analyst, workspace, source):
    claim = ClaimFactory(workspace=workspace)
    body = evidence_posted(source, claim, id="https://elsewhere.example/e/1", canonical="urn:uuid:e1")
    created = post(api_client_for(analyst), source, body).json()
    assert (created["canonical"], created["via"]) == ("urn:uuid:e1", "https://elsewhere.example/e/1")


def test_a_canonical_that_is_not_an_iri_is_a_400(analyst, source):
    response = post(api_client_for(analyst), source, posted(source, canonical=["a", "b"]))
    assert response.status_code == 400
    assert "canonical" in response.json()


def test_the_ledger_still_verifies_with_identities(analyst, workspace, source):
    from archive.audit.ledger import verify_workspace

    post(api_client_for(analyst), source, posted(source, canonical="urn:uuid:1"))
    post(api_client_for(analyst), source, posted(source, motivation="highlighting"))
    assert verify_workspace(workspace.pk).ok


def test_history_rows_without_identities_hash_as_before_the_columns_existed(analyst, source, annotation):
    # Entries written before the canonical/via columns existed must still verify.
    from archive.audit.ledger import live_ledger

    row = next(
        iter(
            live_ledger()
            .serialize("annotation", [annotation.history.earliest("history_id").history_id])
            .values()
        )
    )
    assert "canonical" not in row and "via" not in row


# --- body formats ---------------------------------------------------------------------


def test_a_plain_text_body_format_is_kept(analyst, source):
    body = posted(source, body={"type": "TextualBody", "value": "Plain.", "format": "text/plain"})
    assert post(api_client_for(analyst), source, body).status_code == 201


def test_an_html_body_is_refused_by_its_format(analyst, source):
    body = posted(source, body={"type": "TextualBody", "value": "<p>Hi</p>", "format": "text/html"})
    response = post(api_client_for(analyst), source, body)
    assert response.status_code == 400
    assert "text/html" in response.json()["body"][0]
    assert not Annotation.objects.exists()


# --- UTF-16 offsets ----------------------------------------------------------------------


def emoji_source(workspace):
    from tests.factories import SourceFactory

    return SourceFactory(workspace=workspace, text="Shelling 💥 near Daraa 💥 and Daraa again.")


def utf16_target(source, exact, occurrence=0):
    start = source.text.index(exact) if occurrence == 0 else source.text.rindex(exact)
    before = len(source.text[:start].encode("utf-16-le")) // 2
    return {
        "source": text_iri(source),
        "selector": [
            {"type": "TextPositionSelector", "start": before, "end": before + len(exact)},
            {"type": "TextQuoteSelector", "exact": exact},
        ],
    }


def test_utf16_offsets_with_a_unique_quote_are_read_from_the_quote_with_a_warning(analyst, workspace):
    source = emoji_source(workspace)
    body = {"@context": ANNO, "type": "Annotation", "target": utf16_target(source, "near Daraa")}
    response = post(api_client_for(analyst), source, body)
    assert response.status_code == 201
    assert response["Warning"].startswith('299 - "TextPositionSelector ignored:')
    assert Passage.objects.get().exact == "near Daraa"


def test_utf16_offsets_with_an_ambiguous_quote_are_a_400_naming_the_units(analyst, workspace):
    source = emoji_source(workspace)
    body = {"@context": ANNO, "type": "Annotation", "target": utf16_target(source, "Daraa", occurrence=-1)}
    response = post(api_client_for(analyst), source, body)
    assert response.status_code == 400
    assert "read as UTF-16 units" in response.json()["target"][0]


def test_the_browser_still_refuses_a_position_that_misses_its_quote(client, analyst, workspace):
    from archive.passages.selectors import selector_from_target

    source = emoji_source(workspace)
    with pytest.raises(DjangoValidationError):
        selector_from_target(source.text, utf16_target(source, "near Daraa"))


# --- replies in a note's discussion ---------------------------------------------------


@pytest.fixture
def reply(annotation, reviewer):
    return claims_discussion.reply(item=annotation, user=reviewer, body="Which week was that?")


def test_a_reply_appears_in_the_container_as_replying_to_its_annotation(analyst, source, annotation, reply):
    items = api_client_for(analyst).get(f"/w3c/sources/{source.pk}/").json()["first"]["items"]
    replying = [item for item in items if item["motivation"] == "replying"]
    assert replying == [
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": f"{container(source)}replies/{reply.pk}/",
            "type": "Annotation",
            "motivation": "replying",
            "created": replying[0]["created"],
            "modified": replying[0]["modified"],
            "body": {
                "type": "TextualBody",
                "value": "Which week was that?",
                "format": "text/plain",
                "textDirection": "auto",
            },
            "target": f"{container(source)}annotations/{annotation.pk}/",
            "creator": {"type": "Person", "nickname": "reviewer"},
        }
    ]


def test_the_container_counts_and_lists_reply_iris(analyst, source, annotation, reply):
    response = api_client_for(analyst).get(
        f"/w3c/sources/{source.pk}/", HTTP_PREFER=PREFER.format("http://www.w3.org/ns/oa#PreferContainedIRIs")
    )
    assert response.json()["total"] == 2
    assert response.json()["first"]["items"] == [
        f"{container(source)}annotations/{annotation.pk}/",
        f"{container(source)}replies/{reply.pk}/",
    ]


def test_a_reply_is_read_at_its_iri_and_not_changed_there(analyst, source, reply):
    client = api_client_for(analyst)
    url = f"/w3c/sources/{source.pk}/replies/{reply.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and response.json()["motivation"] == "replying"
    assert client.delete(url).status_code == 405
    assert type(reply).objects.filter(pk=reply.pk).exists()


def test_an_edited_reply_shows_its_new_body_and_etag(analyst, source, reviewer, reply):
    client = api_client_for(analyst)
    url = f"/w3c/sources/{source.pk}/replies/{reply.pk}/"
    before = client.get(url)["ETag"]
    claims_discussion.edit_reply(reply=reply, user=reviewer, body="Which week, exactly?")
    response = client.get(url)
    assert response.json()["body"]["value"] == "Which week, exactly?"
    assert response["ETag"] != before


def test_a_deleted_reply_leaves_the_container(analyst, source, annotation, reviewer, reply):
    claims_discussion.delete_reply(reply=reply, user=reviewer, reason="Asked elsewhere.")
    client = api_client_for(analyst)
    assert client.get(f"/w3c/sources/{source.pk}/replies/{reply.pk}/").status_code == 404
    items = client.get(f"/w3c/sources/{source.pk}/").json()["first"]["items"]
    assert [item["id"] for item in items] == [f"{container(source)}annotations/{annotation.pk}/"]


def test_a_reply_under_another_sources_container_is_redirected_to_its_iri(analyst, workspace, source, reply):
    other = SourceFactory(workspace=workspace)
    response = api_client_for(analyst).get(f"/w3c/sources/{other.pk}/replies/{reply.pk}/")
    assert (response.status_code, response["Location"]) == (308, f"{container(source)}replies/{reply.pk}/")


# --- a refusal names the member the client sent, not the model's field ----------------------


def refused_fields(response) -> dict:
    assert response.status_code == 400, response.content
    return field_errors(response.json())


def test_a_textual_bodys_value_refused_by_the_model_is_named_body_value(analyst, source):
    body = posted(source, body={"type": "TextualBody", "value": "Seen\x1b"})
    errors = refused_fields(post(api_client_for(analyst), source, body))
    assert "(U+001B)" in errors["body.value"][0] and "body" not in errors
    assert not Annotation.objects.exists()


def test_the_errors_summary_names_the_member_as_the_client_spelled_it(analyst, source):
    body = posted(source, body={"type": "TextualBody", "value": "Seen\x1b"})
    summary = post(api_client_for(analyst), source, body).json()["error"]
    assert summary.startswith("body.value: ")


def test_a_body_value_refused_by_the_model_in_a_put_is_named_body_value(analyst, source, annotation):
    body = posted(source, body={"type": "TextualBody", "value": "Seen\x1b"})
    response = api_client_for(analyst).put(
        f"/w3c/annotations/{annotation.pk}/", json.dumps(body), content_type="application/ld+json"
    )
    assert "(U+001B)" in refused_fields(response)["body.value"][0]
    assert Annotation.objects.get(pk=annotation.pk).version == 1


def test_a_tag_refused_by_the_model_is_named_by_its_bodys_value(analyst, source):
    body = posted(source, body=[{"type": "TextualBody", "value": "places\x07", "purpose": "tagging"}])
    errors = refused_fields(post(api_client_for(analyst), source, body))
    assert "Item 1 of the tags" in errors["body.value"][0] and "tags" not in errors


def test_an_evidence_note_refused_by_the_model_is_named_by_its_bodys_value(analyst, workspace, source):
    claim = ClaimFactory(workspace=workspace)
    body = evidence_posted(
        source, claim, {"type": "TextualBody", "value": "Ding\x07", "purpose": "commenting"}
    )
    errors = refused_fields(post(api_client_for(analyst), source, body))
    assert "(U+0007)" in errors["body.value"][0] and "note" not in errors
    assert not Evidence.objects.exists()


def test_a_clients_id_refused_by_the_model_is_named_id_not_via(analyst, source):
    errors = refused_fields(post(api_client_for(analyst), source, posted(source, id="urn:x:\x1b")))
    assert "(U+001B)" in errors["id"][0] and "via" not in errors
