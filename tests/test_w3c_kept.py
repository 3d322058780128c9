"""The W3C protocol refuses, by name, what it would not keep, instead of storing an
annotation that reads back without it."""

import pytest

from archive.models import Annotation
from tests.support import api_client_for
from tests.test_w3c import post, posted


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
