"""A write the database aborted for a concurrent one's sake (a deadlock, a serialization
failure) saved nothing: the page and the API say so with a 409, not a server error."""

import psycopg
from django.db import OperationalError
from django.urls import reverse

from archive.core.editing import lost_a_race
from archive.models import Claim, Outlet
from tests.support import api_client_for


def aborted_for_another(*args, **kwargs):
    """What psycopg's error becomes in Django when PostgreSQL breaks a deadlock."""
    error = OperationalError("deadlock detected")
    error.__cause__ = psycopg.errors.DeadlockDetected("deadlock detected")
    raise error


def test_a_deadlock_and_a_serialization_failure_are_races_lost_other_errors_not():
    for cause in (psycopg.errors.DeadlockDetected(), psycopg.errors.SerializationFailure()):
        error = OperationalError("aborted")
        error.__cause__ = cause
        assert lost_a_race(error)
    unreachable = OperationalError("connection refused")
    unreachable.__cause__ = psycopg.errors.ConnectionTimeout()
    assert not lost_a_race(unreachable)


def test_a_page_whose_write_was_aborted_for_another_says_so_with_409(
    client, ws_admin, workspace, monkeypatch
):
    monkeypatch.setattr("archive.views.outlets.create_outlet", aborted_for_another)
    client.force_login(ws_admin)
    response = client.post(reverse("archive:outlet_create", args=[workspace.slug]), {"name": "Enab Baladi"})
    assert response.status_code == 409
    assert "at the same moment" in response.content.decode()
    assert not Outlet.objects.exists()


def test_an_api_write_aborted_for_another_is_409_saying_nothing_was_saved(analyst, workspace, monkeypatch):
    monkeypatch.setattr("archive.api.views.create_claim", aborted_for_another)
    body = {"workspace": workspace.slug, "statement": "The station stopped."}
    response = api_client_for(analyst).post("/api/claims/", body, format="json")
    assert response.status_code == 409
    assert "nothing was saved" in response.json()["error"]
    assert not Claim.objects.exists()
