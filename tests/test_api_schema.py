"""Schemathesis against the OpenAPI schema, in process through the WSGI app:
every operation, generated inputs, no 5xx and every response as documented."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from config.wsgi import application
from tests.world import build_world

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def connection_kept_open():
    """Calling the WSGI app directly fires request_started/finished, whose handler
    would close the database connection in the middle of the test's transaction
    (Django's test client disconnects it the same way)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token(db, connection_kept_open) -> str:
    """An analyst's token in a world with one object of each kind."""
    return Token.objects.get_or_create(user=build_world().users["analyst"])[0].key


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(case, token):
    # Every check but positive_data_acceptance: a schema-valid filter may still
    # name something absent (a 400 for a NUL character in a query, say).
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"}, excluded_checks=[checks.positive_data_acceptance]
    )
