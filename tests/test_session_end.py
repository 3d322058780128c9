"""When a signed-in session ends: kept at sign-in, given to every page, moved by "Stay signed in"."""

import re
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

AGE = timedelta(seconds=settings.SESSION_COOKIE_AGE)


def stored_end(client: Client) -> datetime:
    """When the database ends the client's session."""
    return Session.objects.get(session_key=client.session.session_key).expire_date


def an_hour_later():
    """The server's clock an hour on, for the requests made under it."""
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(hours=1))


@pytest.mark.django_db
def test_signing_in_ends_the_session_a_full_age_later():
    UserFactory(username="analyst")
    client = Client()
    before = timezone.now()
    client.post(reverse("login"), {"username": "analyst", "password": PASSWORD})
    end = client.session.get_expiry_date()
    assert before + AGE - timedelta(seconds=1) <= end <= timezone.now() + AGE
    assert stored_end(client) == end


@pytest.mark.django_db
def test_the_session_cookie_still_ends_with_the_browser():
    UserFactory(username="analyst")
    response = Client().post(reverse("login"), {"username": "analyst", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert (cookie["max-age"], cookie["expires"]) == ("", "")


@pytest.mark.django_db
def test_a_later_write_to_the_session_does_not_move_its_end(client, analyst):
    client.force_login(analyst)
    end = client.session.get_expiry_date()
    with an_hour_later():
        session = client.session
        session["kept"] = "a message for the next page"
        session.save()
    assert stored_end(client) == end


@pytest.mark.django_db
def test_every_page_of_a_signed_in_member_gives_the_session_end(client, analyst):
    client.force_login(analyst)
    page = client.get(reverse("archive:home")).content.decode()
    assert re.search(r'data-ends="([^"]+)"', page)[1] == client.session.get_expiry_date().isoformat()
    assert f'data-warn-seconds="{settings.SESSION_WARNING_SECONDS}"' in page


@pytest.mark.django_db
def test_a_signed_out_page_gives_no_session_end(client):
    page = client.get(reverse("login")).content.decode()
    assert "data-ends" not in page and "session-warning" not in page


@pytest.mark.django_db
def test_staying_signed_in_ends_the_session_a_full_age_from_now(client, analyst):
    client.force_login(analyst)
    end = client.session.get_expiry_date()
    with an_hour_later():
        answer = client.post(reverse("account_session")).json()
    moved = end + timedelta(hours=1)
    assert answer["ends"] == moved.isoformat()
    assert stored_end(client) == moved


@pytest.mark.django_db
def test_staying_signed_in_never_goes_past_the_latest_end(client, analyst, settings):
    settings.SESSION_MAX_AGE = settings.SESSION_COOKIE_AGE + 60
    client.force_login(analyst)
    latest = client.session.get_expiry_date() + timedelta(seconds=60)
    with an_hour_later():
        answer = client.post(reverse("account_session")).json()
    assert (answer["ends"], answer["latest"]) == (latest.isoformat(), latest.isoformat())
    assert stored_end(client) == latest


@pytest.mark.django_db
def test_two_sign_ins_in_the_same_second_are_told_apart(analyst):
    signed_in = []
    with mock.patch("archive.core.sessions._now", return_value=timezone.now().replace(microsecond=0)):
        for _ in range(2):
            client = Client()
            client.post(reverse("login"), {"username": analyst.username, "password": PASSWORD})
            signed_in.append(client.get(reverse("account_session")).json())
    assert signed_in[0]["latest"] == signed_in[1]["latest"]
    assert signed_in[0]["sign_in"] != signed_in[1]["sign_in"]


@pytest.mark.django_db
def test_staying_signed_in_keeps_the_same_sign_in(client, analyst):
    client.post(reverse("login"), {"username": analyst.username, "password": PASSWORD})
    before = client.get(reverse("account_session")).json()["sign_in"]
    assert client.post(reverse("account_session")).json()["sign_in"] == before


@pytest.mark.django_db
def test_reading_the_session_gives_its_end_and_owner_and_does_not_move_it(client, analyst):
    client.force_login(analyst)
    end = client.session.get_expiry_date()
    with an_hour_later():
        answer = client.get(reverse("account_session")).json()
    assert (answer["ends"], answer["username"]) == (end.isoformat(), analyst.username)
    assert stored_end(client) == end


@pytest.mark.django_db
def test_the_token_the_session_gives_is_one_its_forms_are_accepted_with(analyst):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    token = client.get(reverse("account_session")).json()["csrf_token"]
    assert client.post(reverse("account_session"), HTTP_X_CSRFTOKEN=token).status_code == 200


@pytest.mark.django_db
def test_the_session_refuses_other_methods(client, analyst):
    client.force_login(analyst)
    assert client.put(reverse("account_session")).status_code == 405


@pytest.mark.django_db
def test_staying_signed_in_sends_a_signed_out_visitor_to_sign_in(client):
    response = client.post(reverse("account_session"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_staying_signed_in_needs_the_csrf_token(analyst):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    end = client.session.get_expiry_date()
    with an_hour_later():
        assert client.post(reverse("account_session")).status_code == 403
    assert stored_end(client) == end
