"""The security baseline: login throttling, passwords, sessions, CSRF, headers."""

import datetime

import pytest
from axes.helpers import cleanse_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "Daraa al-Balad withstood"


def attempt_login(username: str, password: str, address: str = "198.51.100.7"):
    return Client(REMOTE_ADDR=address).post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_correct_login_succeeds():
    UserFactory(username="analyst")
    assert attempt_login("analyst", PASSWORD).status_code == 302


@pytest.mark.parametrize("sign_in", ["login", "admin:login"])
def test_a_username_longer_than_any_account_is_refused_as_a_wrong_one(db, sign_in):
    response = Client().post(reverse(sign_in), {"username": "a" * 300, "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()  # as for a wrong password
    assert AccessAttempt.objects.get().username == "a" * 150  # what the lockout's table holds


def test_a_form_in_another_charset_is_400_saying_forms_are_utf_8(db):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    response = client.post(
        reverse("login"),
        "username=analyst",
        content_type="application/x-www-form-urlencoded; charset=utf-16",
        HTTP_REFERER="http://testserver/accounts/login/",
    )
    assert response.status_code == 400
    assert "must be UTF-8 encoded" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_username_even_from_new_addresses():
    UserFactory(username="analyst")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        attempt_login("analyst", "wrong password", address=f"198.51.100.{attempt + 10}")
    response = attempt_login("analyst", PASSWORD, address="203.0.113.99")
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_address_for_every_username():
    UserFactory(username="reviewer")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        attempt_login(f"guess{attempt}", "wrong password", address="198.51.100.50")
    assert attempt_login("reviewer", PASSWORD, address="198.51.100.50").status_code == 429
    assert attempt_login("reviewer", PASSWORD, address="198.51.100.51").status_code == 302


def attempt_login_through_proxy(username: str, password: str, *, forwarded_for: str):
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    return client.post(reverse("login"), {"username": username, "password": password})


def fail_from_every_guess(*, forwarded_for: str) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        attempt_login_through_proxy(f"guess{attempt}", "wrong password", forwarded_for=forwarded_for)


@pytest.fixture
def failed_behind_the_proxy(settings, db):
    """Behind a declared proxy, a client at 198.51.100.50 failed as often as allowed, each time
    as another username; the account "reviewer" exists."""
    settings.BEHIND_PROXY = True
    UserFactory(username="reviewer")
    fail_from_every_guess(forwarded_for="198.51.100.50")


def test_behind_the_declared_proxy_one_clients_failures_do_not_lock_out_another(failed_behind_the_proxy):
    assert attempt_login_through_proxy("reviewer", PASSWORD, forwarded_for="198.51.100.51").status_code == 302


def test_behind_the_declared_proxy_the_client_address_is_locked(failed_behind_the_proxy):
    assert attempt_login_through_proxy("reviewer", PASSWORD, forwarded_for="198.51.100.50").status_code == 429


def test_an_address_a_client_writes_before_the_proxys_does_not_unlock_it(failed_behind_the_proxy):
    response = attempt_login_through_proxy("reviewer", PASSWORD, forwarded_for="203.0.113.9, 198.51.100.50")
    assert response.status_code == 429


@pytest.mark.django_db
def test_behind_a_proxy_nobody_declared_failures_do_not_lock_everyone_out(settings):
    settings.BEHIND_PROXY = False
    UserFactory(username="reviewer")
    fail_from_every_guess(forwarded_for="198.51.100.50")
    assert attempt_login_through_proxy("reviewer", PASSWORD, forwarded_for="198.51.100.51").status_code == 302


@pytest.mark.django_db
def test_failures_from_a_loopback_address_lock_the_username_not_the_address():
    UserFactory(username="reviewer")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        attempt_login(f"guess{attempt}", "wrong password", address="127.0.0.1")
    assert attempt_login("reviewer", PASSWORD, address="127.0.0.1").status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt_login("reviewer", "wrong password", address="127.0.0.1")
    assert attempt_login("reviewer", PASSWORD, address="127.0.0.1").status_code == 429


@pytest.mark.parametrize("password", ["short1", "password123456", "12345678901234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_unusual_password_is_accepted():
    validate_password("Castello road at dawn, 2016")


@pytest.mark.django_db
def test_changing_the_password_logs_out_every_other_session():
    user = UserFactory(username="analyst")
    laptop, phone = Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)
    response = laptop.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Daraa al-Balad withstood",
            "new_password2": "Daraa al-Balad withstood",
        },
    )
    assert response.status_code == 302
    assert laptop.get(reverse("archive:home")).status_code == 200
    assert phone.get(reverse("archive:home")).status_code == 302


@pytest.mark.django_db
def test_expired_session_must_log_in_again(client):
    client.force_login(UserFactory())
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("archive:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sessions_expire_after_the_configured_age_and_at_browser_close():
    assert settings.SESSION_COOKIE_AGE <= 24 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.django_db
def test_state_changing_request_without_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(reverse("password_change"), {"old_password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_refused_on_the_apps_page_saying_what_to_do():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(reverse("password_change"), {"old_password": PASSWORD})
    page = response.content.decode()
    assert response.status_code == 403
    assert "nothing was saved. Reload the page and send it again." in page and "<main" in page


@pytest.mark.django_db
def test_a_pages_script_without_its_csrf_token_is_refused_in_json():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(reverse("password_change"), {}, content_type="application/json")
    assert response.status_code == 403
    assert "security token is missing or out of date" in response.json()["error"]


@pytest.mark.django_db
def test_login_form_without_csrf_token_is_refused():
    UserFactory(username="analyst")
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("login"), {"username": "analyst", "password": PASSWORD}).status_code == 403


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_and_samesite(client):
    UserFactory(username="analyst")
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": "analyst", "password": PASSWORD})
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    assert settings.CSRF_COOKIE_HTTPONLY


def test_a_lockout_is_logged_with_the_clients_address_and_the_username_masked():
    logged = cleanse_parameters({"username": "my-password-typed-here", "ip_address": "203.0.113.9"})
    assert logged == {"username": "********************", "ip_address": "203.0.113.9"}
