"""A request over Django's limits (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS)
is refused with a 4xx a person can read: the app's 400 page on HTML pages, the one JSON
error format on the API and the browser's JSON endpoints; never a 500, and nothing saved."""

import json

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from archive.models import Annotation, Claim

TOO_MANY = "&".join(f"f{number}=1" for number in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))


@pytest.fixture
def browser(analyst) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(analyst)
    return client


def test_an_html_form_over_the_size_limit_is_400_saying_so_and_saves_nothing(browser, workspace, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    url = reverse("archive:claim_create", args=[workspace.slug])
    response = browser.post(url, "statement=" + "x" * 2000, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "larger than this server takes. Nothing was saved." in response.content.decode()
    assert not Claim.objects.exists()


def test_a_query_string_with_too_many_fields_is_400_json_on_the_api(analyst, workspace):
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(analyst)
    response = api.get(f"/api/claims/?{TOO_MANY}")
    assert response.status_code == 400
    assert "more fields than the limit" in response.json()["error"]


def test_a_query_string_with_too_many_fields_is_400_json_on_a_browser_json_endpoint(
    browser, workspace, source
):
    url = reverse("archive:annotation_create", args=[workspace.slug, source.pk])
    body = json.dumps({"selector": {"start": 0, "end": 5}, "body": "Pumps", "motivation": "commenting"})
    response = browser.post(f"{url}?{TOO_MANY}", body, content_type="application/json")
    assert response.status_code == 400
    assert "more fields than the limit" in response.json()["error"]
    assert not Annotation.objects.exists()
