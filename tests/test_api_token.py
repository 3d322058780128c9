"""Obtaining an API token with a username and password, without a browser session,
under the sign-in lockout (django-axes) the sign-in page has."""

import base64

from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from tests.support import field_errors


def post_credentials(username: str, password: str):
    return APIClient().post("/api/token/", {"username": username, "password": password}, format="json")


def test_a_json_username_and_password_obtain_a_token(analyst):
    response = post_credentials("analyst", PASSWORD)
    assert response.status_code == 201
    assert response.json()["key"] == Token.objects.get(user=analyst).key


def test_a_token_obtained_with_credentials_sets_no_cookie_and_makes_no_session(analyst):
    response = post_credentials("analyst", PASSWORD)
    assert response.status_code == 201
    assert not response.cookies
    assert not Session.objects.exists()


def test_basic_credentials_obtain_a_token(analyst):
    encoded = base64.b64encode(f"analyst:{PASSWORD}".encode()).decode()
    response = APIClient().post("/api/token/", HTTP_AUTHORIZATION=f"Basic {encoded}")
    assert response.status_code == 201
    assert response.json()["key"] == Token.objects.get(user=analyst).key


def test_a_wrong_password_is_401_with_a_reason_and_no_token(analyst):
    response = post_credentials("analyst", "wrong")
    assert response.status_code == 401
    assert "username and password" in response.json()["error"]
    assert not Token.objects.exists()


def test_a_wrong_password_counts_as_a_failed_sign_in(analyst):
    post_credentials("analyst", "wrong")
    assert AccessAttempt.objects.get(username="analyst").failures_since_start == 1


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_locked_out_account_gets_no_token_even_with_the_right_password(analyst):
    for _ in range(2):
        post_credentials("analyst", "wrong")
    response = post_credentials("analyst", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["error"]
    assert not Token.objects.exists()


def test_an_unknown_credentials_field_is_refused_by_name(analyst):
    response = APIClient().post(
        "/api/token/", {"username": "analyst", "password": PASSWORD, "otp": "1"}, format="json"
    )
    assert response.status_code == 400
    assert list(field_errors(response.json())) == ["otp"]


def test_a_refused_sign_in_names_basic_among_its_schemes(analyst):
    encoded = base64.b64encode(b"analyst:wrong").decode()
    response = APIClient().post("/api/token/", HTTP_AUTHORIZATION=f"Basic {encoded}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="api", Token')


def test_reading_the_token_unsigned_names_only_the_token_scheme():
    response = APIClient().get("/api/token/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_a_basic_username_with_a_nul_is_401_saying_so(analyst):
    response = APIClient().post("/api/token/", HTTP_AUTHORIZATION=basic("analyst\x00", PASSWORD))
    assert response.status_code == 401
    assert response.json()["error"] == "A username holds no NUL character."


def test_a_username_longer_than_any_account_is_401_and_counted_cut_short(analyst):
    response = APIClient().post("/api/token/", HTTP_AUTHORIZATION=basic("a" * 300, "wrong"))
    assert response.status_code == 401
    assert AccessAttempt.objects.get().username == "a" * 150
