"""Idempotency-Key on POST (archive.api.idempotency): the REST API's creates and
batch, and the W3C container."""

import json
from datetime import timedelta

import pytest
from django.db import IntegrityError

from archive.models import Annotation, Claim, IdempotencyKey
from tests.support import api_client_for

ANNO = "http://www.w3.org/ns/anno.jsonld"


def create_claim(client, workspace, statement="Daraa held.", key="key-1"):
    return client.post(
        "/api/claims/",
        {"workspace": workspace.slug, "statement": statement},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def same_response(first, second) -> bool:
    return (
        first.status_code == second.status_code
        and first.content == second.content
        and first.get("Location") == second.get("Location")
        and first.get("ETag") == second.get("ETag")
    )


def test_a_replayed_post_returns_the_first_response_and_writes_nothing(analyst, workspace):
    client = api_client_for(analyst)
    first = create_claim(client, workspace)  # its response was lost: the client sends it again
    history_rows = Claim.history.count()
    second = create_claim(client, workspace)
    assert first.status_code == 201
    assert same_response(first, second)
    assert second["Idempotent-Replayed"] == "true"
    assert (Claim.objects.count(), Claim.history.count()) == (1, history_rows)


def test_the_same_key_with_another_body_is_a_422(analyst, workspace):
    client = api_client_for(analyst)
    create_claim(client, workspace)
    response = create_claim(client, workspace, statement="Daraa fell.")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["error"]
    assert Claim.objects.count() == 1


def test_keys_are_per_user(analyst, workspace):
    from archive.models import Role
    from tests.factories import MembershipFactory, UserFactory

    other = UserFactory()
    MembershipFactory(workspace=workspace, user=other, role=Role.ANALYST)
    create_claim(api_client_for(analyst), workspace)
    response = create_claim(api_client_for(other), workspace)
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Claim.objects.count() == 2


def test_without_a_key_every_post_writes(analyst, workspace):
    client = api_client_for(analyst)
    for _ in range(2):
        client.post("/api/claims/", {"workspace": workspace.slug, "statement": "S"}, format="json")
    assert Claim.objects.count() == 2


def test_a_refused_post_keeps_no_key_so_it_can_be_corrected(analyst, workspace):
    client = api_client_for(analyst)
    assert create_claim(client, workspace, statement=" ").status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert create_claim(client, workspace, statement="Fixed.").status_code == 201


def test_a_key_expires_after_24_hours(analyst, workspace):
    client = api_client_for(analyst)
    create_claim(client, workspace)
    IdempotencyKey.objects.update(created_at=IdempotencyKey.objects.get().created_at - timedelta(hours=25))
    response = create_claim(client, workspace)
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Claim.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1  # the old row was deleted


def test_a_key_must_be_printable_ascii(analyst, workspace):
    response = create_claim(api_client_for(analyst), workspace, key="x" * 300)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()


def test_the_batch_endpoint_honours_the_key(analyst, workspace, passage):
    client = api_client_for(analyst)
    body = {"workspace": workspace.slug, "annotations": [{"passages": [passage.pk], "body": "One"}]}
    first = client.post("/api/annotations/batch/", body, format="json", HTTP_IDEMPOTENCY_KEY="b")
    second = client.post("/api/annotations/batch/", body, format="json", HTTP_IDEMPOTENCY_KEY="b")
    assert first.status_code == 201
    assert same_response(first, second)
    assert Annotation.objects.count() == 1


def test_the_w3c_container_honours_the_key(analyst, source):
    client = api_client_for(analyst)
    body = {
        "@context": ANNO,
        "type": "Annotation",
        "bodyValue": "Note",
        "target": {
            "source": f"http://testserver/api/sources/{source.pk}/text/",
            "selector": {"type": "TextPositionSelector", "start": 0, "end": 7},
        },
    }

    def send():
        return client.post(
            f"/w3c/sources/{source.pk}/",
            json.dumps(body),
            content_type="application/ld+json",
            HTTP_IDEMPOTENCY_KEY="w3c-1",
        )

    first, second = send(), send()
    assert first.status_code == 201
    assert same_response(first, second)
    assert second["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    assert Annotation.objects.count() == 1


def test_a_concurrent_duplicate_replays_the_winners_response(analyst, workspace, monkeypatch):
    """The race: the second request passes the first read, then loses the insert."""
    from archive.api import idempotency

    client = api_client_for(analyst)
    first = create_claim(client, workspace)
    real_stored = idempotency._stored
    calls = []

    def stored_after_the_race(user, key):
        calls.append(key)
        return None if len(calls) == 1 else real_stored(user, key)

    monkeypatch.setattr(idempotency, "_stored", stored_after_the_race)
    second = create_claim(client, workspace)
    assert same_response(first, second)
    assert Claim.objects.count() == 1


def test_the_database_refuses_a_second_row_for_a_user_and_key(analyst):
    IdempotencyKey.objects.create(user=analyst, key="k", fingerprint="f", status=201)
    with pytest.raises(IntegrityError):
        IdempotencyKey.objects.create(user=analyst, key="k", fingerprint="g", status=201)
