"""Fuzzing every JSON write endpoint with malformed bodies: random JSON values,
wrong types for the endpoint's own fields, huge numbers, deep nesting, lone
surrogates, NUL characters and random bytes.

For every request: no 5xx; every 4xx has a JSON body; and a refused request
wrote no row (the tracked models, their history and the audit ledger are
counted before and after). Each example runs in a savepoint that is rolled
back, so every example starts from the same data.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from archive.models import Annotation, Claim, Evidence, HistoryEntry, Outlet, Passage, Source
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, OutletFactory, PassageFactory

ANNO = "http://www.w3.org/ns/anno.jsonld"
TRACKED = (Source, Passage, Annotation, Claim, Evidence, Outlet)
WEIRD_TEXT = ["\ud800", "\udfff", "a\x00b", "\x00", "", " ", "\u202e", "١٢", "²", "💥" * 3]
HUGE_INTS = [2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**30, -1, 0]


def counts() -> dict[str, int]:
    rows = {model.__name__: model.objects.count() for model in TRACKED}
    rows |= {f"{model.__name__} history": model.history.model.objects.count() for model in TRACKED}
    rows["ledger"] = HistoryEntry.objects.count()
    return rows


# --- strategies ----------------------------------------------------------------------

texts = st.one_of(
    st.text(max_size=20),
    st.text(st.characters(exclude_categories=()), max_size=8),  # surrogates included
    st.sampled_from(WEIRD_TEXT),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(HUGE_INTS),
    st.floats(),  # NaN and infinities too: json.dumps writes them
    texts,
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=12,
)


def dumps(value: object) -> bytes:
    return json.dumps(value).encode()


def bodies(valid: dict) -> st.SearchStrategy[bytes]:
    """Malformed variations of `valid`, an acceptable body of the endpoint."""
    fields = sorted(valid) or ["body"]
    one_wrong = st.tuples(st.sampled_from(fields), values).map(lambda kv: {**valid, kv[0]: kv[1]})
    dropped = st.sampled_from(fields).map(lambda name: {k: v for k, v in valid.items() if k != name})
    known_keys = st.dictionaries(st.sampled_from(fields) | texts, values, max_size=6)
    nested = st.tuples(st.sampled_from(fields), st.integers(60, 5000)).map(
        lambda kv: (
            json.dumps({**valid, kv[0]: "PLACEHOLDER"})
            .replace('"PLACEHOLDER"', "[" * kv[1] + "]" * kv[1])
            .encode()
        )
    )
    return st.one_of(
        one_wrong.map(dumps),
        dropped.map(dumps),
        known_keys.map(dumps),
        values.map(dumps),
        nested,
        st.integers(60, 100_000).map(lambda n: b"[" * n),
        st.integers(60, 10_000).map(lambda n: b'{"a":' * n),
        st.binary(max_size=200),
        st.binary(max_size=40).map(lambda raw: dumps(valid)[:-1] + b', "x": "' + raw + b'"}'),
    )


# --- endpoints -------------------------------------------------------------------------


@dataclass
class World:
    workspace: object
    source: object
    passage: object
    annotation: object
    claim: object
    other_claim: object  # no evidence yet
    evidence: object
    outlet: object
    api: APIClient
    browser: Client


@dataclass(frozen=True)
class Endpoint:
    name: str
    client: str  # "api" or "browser"
    method: str
    url: Callable[[World], str]
    valid: Callable[[World], dict]
    content_type: str = "application/json"
    if_match: bool = False


def w3c_annotation(world: World) -> dict:
    return {
        "@context": ANNO,
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Note"},
        "target": {
            "source": f"http://testserver/api/sources/{world.source.pk}/text/",
            "selector": {"type": "TextPositionSelector", "start": 0, "end": 5},
        },
    }


def target(world: World) -> dict:
    return {"selector": {"type": "TextPositionSelector", "start": 0, "end": 5}}


ENDPOINTS = [
    # REST creates
    Endpoint(
        "rest create annotation",
        "api",
        "post",
        lambda w: "/api/annotations/",
        lambda w: {"workspace": w.workspace.slug, "passages": [w.passage.pk], "body": "b", "tags": ["t"]},
    ),
    Endpoint(
        "rest create claim",
        "api",
        "post",
        lambda w: "/api/claims/",
        lambda w: {"workspace": w.workspace.slug, "statement": "S", "credibility": 3},
    ),
    Endpoint(
        "rest create evidence",
        "api",
        "post",
        lambda w: "/api/evidence/",
        lambda w: {
            "workspace": w.workspace.slug,
            "claim": w.other_claim.pk,
            "passage": w.passage.pk,
            "stance": "supports",
        },
    ),
    Endpoint(
        "rest create passage",
        "api",
        "post",
        lambda w: "/api/passages/",
        lambda w: {"workspace": w.workspace.slug, "source": w.source.pk, "start": 0, "end": 5},
    ),
    Endpoint(
        "rest create source",
        "api",
        "post",
        lambda w: "/api/sources/",
        lambda w: {"workspace": w.workspace.slug, "title": "T", "language": "en", "text": "Some text."},
    ),
    Endpoint(
        "rest create outlet",
        "api",
        "post",
        lambda w: "/api/outlets/",
        lambda w: {"workspace": w.workspace.slug, "name": "N", "reliability": "B", "reliability_reason": "r"},
    ),
    # REST patches
    Endpoint(
        "rest patch annotation",
        "api",
        "patch",
        lambda w: f"/api/annotations/{w.annotation.pk}/",
        lambda w: {"body": "x", "tags": ["t"]},
        if_match=True,
    ),
    Endpoint(
        "rest patch claim",
        "api",
        "patch",
        lambda w: f"/api/claims/{w.claim.pk}/",
        lambda w: {"statement": "x", "credibility": 2, "reason": "r"},
        if_match=True,
    ),
    Endpoint(
        "rest patch evidence",
        "api",
        "patch",
        lambda w: f"/api/evidence/{w.evidence.pk}/",
        lambda w: {"stance": "refutes", "note": "n"},
        if_match=True,
    ),
    Endpoint(
        "rest patch passage",
        "api",
        "patch",
        lambda w: f"/api/passages/{w.passage.pk}/",
        lambda w: {"start": 1},
        if_match=True,
    ),
    Endpoint(
        "rest patch source",
        "api",
        "patch",
        lambda w: f"/api/sources/{w.source.pk}/",
        lambda w: {"title": "x", "outlet": w.outlet.pk, "published_on": "2017-01-01", "reason": "r"},
        if_match=True,
    ),
    Endpoint(
        "rest patch outlet",
        "api",
        "patch",
        lambda w: f"/api/outlets/{w.outlet.pk}/",
        lambda w: {"name": "x", "reliability": "C", "reason": "r"},
        if_match=True,
    ),
    # W3C
    Endpoint(
        "w3c post",
        "api",
        "post",
        lambda w: f"/w3c/sources/{w.source.pk}/",
        w3c_annotation,
        content_type="application/ld+json",
    ),
    Endpoint(
        "w3c put annotation",
        "api",
        "put",
        lambda w: f"/w3c/annotations/{w.annotation.pk}/",
        w3c_annotation,
        content_type="application/ld+json",
        if_match=True,
    ),
    Endpoint(
        "w3c put evidence",
        "api",
        "put",
        lambda w: f"/w3c/evidence/{w.evidence.pk}/",
        lambda w: {
            **w3c_annotation(w),
            "body": [
                {"type": "SpecificResource", "source": f"http://testserver/api/claims/{w.claim.pk}/"},
                {"type": "TextualBody", "value": "supports", "purpose": "classifying"},
            ],
            # Its own passage: evidence does not move to another.
            "target": {
                "source": f"http://testserver/api/sources/{w.source.pk}/text/",
                "selector": {"type": "TextPositionSelector", "start": 0, "end": 10},
            },
        },
        content_type="application/ld+json",
        if_match=True,
    ),
    # The browser's JSON endpoints
    Endpoint(
        "browser create annotation",
        "browser",
        "post",
        lambda w: reverse("archive:annotation_create", args=[w.workspace.slug, w.source.pk]),
        lambda w: {"target": target(w), "body": "b", "motivation": "commenting", "tags": ["t"]},
    ),
    Endpoint(
        "browser create evidence",
        "browser",
        "post",
        lambda w: reverse("archive:evidence_create", args=[w.workspace.slug, w.source.pk]),
        lambda w: {"target": target(w), "claim": w.claim.pk, "stance": "supports", "note": "n"},
    ),
    Endpoint(
        "browser patch annotation",
        "browser",
        "patch",
        lambda w: reverse("archive:annotation", args=[w.workspace.slug, w.annotation.pk]),
        lambda w: {"version": 1, "body": "x", "tags": ["t"]},
    ),
    Endpoint(
        "browser delete annotation",
        "browser",
        "delete",
        lambda w: reverse("archive:annotation", args=[w.workspace.slug, w.annotation.pk]),
        lambda w: {"version": 1, "reason": "r"},
    ),
    Endpoint(
        "browser patch evidence",
        "browser",
        "patch",
        lambda w: reverse("archive:evidence", args=[w.workspace.slug, w.evidence.pk]),
        lambda w: {"version": 1, "stance": "refutes", "note": "n"},
    ),
    Endpoint(
        "browser delete evidence",
        "browser",
        "delete",
        lambda w: reverse("archive:evidence", args=[w.workspace.slug, w.evidence.pk]),
        lambda w: {"version": 1, "reason": "r"},
    ),
]


@pytest.fixture
def world(workspace, ws_admin, source) -> World:
    # The workspace admin may do everything, so refusals come from the input alone.
    passage = PassageFactory(source=source, created_by=ws_admin, start=0, length=10)
    claim = ClaimFactory(workspace=workspace, created_by=ws_admin)
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(ws_admin)
    browser = Client(raise_request_exception=False)
    browser.force_login(ws_admin)
    return World(
        workspace=workspace,
        source=source,
        passage=passage,
        annotation=AnnotationFactory(workspace=workspace, passages=[passage], author=ws_admin),
        claim=claim,
        other_claim=ClaimFactory(workspace=workspace, created_by=ws_admin),
        evidence=EvidenceFactory(claim=claim, passage=passage, created_by=ws_admin),
        outlet=OutletFactory(workspace=workspace),
        api=api,
        browser=browser,
    )


def send(world: World, endpoint: Endpoint, body: bytes, content_type: str | None = None, **headers: str):
    client = world.api if endpoint.client == "api" else world.browser
    if endpoint.if_match:
        headers.setdefault("HTTP_IF_MATCH", "*")
    return client.generic(
        endpoint.method.upper(),
        endpoint.url(world),
        body,
        content_type=content_type or endpoint.content_type,
        **headers,
    )


def check_one(
    world: World, endpoint: Endpoint, body: bytes, content_type: str | None = None, **headers: str
) -> None:
    with transaction.atomic():
        before = counts()
        response = send(world, endpoint, body, content_type, **headers)
        after = counts()
        transaction.set_rollback(True)
    shown = (endpoint.name, content_type, headers, body[:200], response.status_code, response.content[:300])
    assert response.status_code < 500, shown
    if response.status_code >= 400:
        assert response["Content-Type"].split(";")[0] in ("application/json", "application/ld+json"), shown
        assert isinstance(json.loads(response.content), dict), shown
        assert after == before, shown


def test_the_valid_bodies_are_accepted(world):
    """The fuzzing starts from bodies that work, so a refusal is the mutation's doing."""
    for endpoint in ENDPOINTS:
        if endpoint.name == "rest patch passage":
            continue  # passages are not edited through the API (405)
        with transaction.atomic():
            response = send(world, endpoint, dumps(endpoint.valid(world)))
            transaction.set_rollback(True)
        assert response.status_code < 300, (endpoint.name, response.status_code, response.content[:300])


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[endpoint.name for endpoint in ENDPOINTS])
def test_malformed_bodies_never_fail_and_never_write(world, endpoint, request):
    valid = endpoint.valid(world)

    @settings(
        max_examples=50,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(body=bodies(valid))
    def fuzz(body: bytes) -> None:
        check_one(world, endpoint, body)

    fuzz()


# A valid body under another content type, and odd headers: what a client may send by mistake.
CONTENT_TYPES = [
    "multipart/form-data; boundary=zzz",
    "application/x-www-form-urlencoded",
    "text/plain",
    "",
    "application/json; charset=utf-999",
    "application/json; charset=utf-16",
    "application/json; charset=",
]
HEADERS = [
    {"HTTP_IF_MATCH": '"' + "9" * 30 + '"'},
    {"HTTP_IF_MATCH": 'W/"abc"'},
    {"HTTP_IF_MATCH": '"1", "2"'},
    {"HTTP_IF_MATCH": '"' + "1" * 5000 + '"'},
    {"HTTP_ACCEPT": "*/*;q=abc"},
    {"HTTP_PREFER": 'return=representation; include="' + "x" * 5000 + '"'},
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[endpoint.name for endpoint in ENDPOINTS])
def test_odd_content_types_and_headers_never_fail(world, endpoint):
    # A multipart body parsed before the endpoint read it as JSON was a 500.
    body = dumps(endpoint.valid(world))
    for content_type in CONTENT_TYPES:
        check_one(world, endpoint, body, content_type)
    for headers in HEADERS:
        check_one(world, endpoint, body, **headers)
