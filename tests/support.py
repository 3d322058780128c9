"""Helpers shared by tests: an API client signed in as a user, running the
project's commands as a user would, and texts several tests edit."""

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from rest_framework.test import APIClient

from archive.audit.revert import revert_object
from archive.core.editing import update_object

ROOT = Path(__file__).resolve().parents[1]
# An Arabic sentence rewritten keeping two of its eight words: "the station's director said the
# shelling began on Thursday morning", then "residents said calm returned to the city on Friday evening".
SAID_BEFORE = "قال مدير المحطة إن القصف بدأ صباح الخميس"
SAID_AFTER = "قال السكان إن الهدوء عاد إلى المدينة مساء الجمعة"

# Variables the test run sets that a fresh shell would not have.
_TEST_ONLY_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def fresh_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _TEST_ONLY_VARIABLES}
    return {**env, **overrides}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def api_client_for(user) -> APIClient:
    """An API client authenticated as `user` (None: anonymous)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def etag_of(client: APIClient, url: str) -> str:
    """The ETag a client reads before it writes (its version and a digest of what the
    representation shows), to send back as If-Match."""
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response["ETag"]


def field_errors(body: dict) -> dict:
    """The per-field messages of a JSON error (archive.api.errors' format), after
    checking the readable `error` sentence every error carries."""
    assert isinstance(body.get("error"), str) and body["error"], body
    return {key: value for key, value in body.items() if key != "error"}


def same_page(html: str) -> str:
    """A page but what differs in every response of it: the CSRF token, masked anew
    each time, and the server's clock the session's warning is timed by."""
    html = re.sub(r'(value|content)="[A-Za-z0-9]{64}"', "", html)
    return re.sub(r'data-now="[^"]*"', "", html)


def repeated_ids(html: str) -> list[str]:
    """The element ids a page gives more than one element (a label's `for`, and a script, find
    only the first)."""
    counts = Counter(re.findall(r'\sid="([^"]*)"', html))
    return sorted(name for name, count in counts.items() if count > 1)


def reverted(obj, *, history_id: int, user, reason: str, **options):
    """revert_object() of `obj` (live, or deleted: the instance still knows its id and
    workspace) to its history row `history_id`, as the history page's form asks."""
    return revert_object(
        workspace=obj.workspace,
        model_name=obj._meta.model_name,
        object_id=obj.pk,
        history_id=history_id,
        user=user,
        reason=reason,
        **options,
    )


def graded_as_before(outlet, *, user, grade: str = "B", why: str = "Two years of accurate reports."):
    """`outlet` graded the way grades were recorded before they were "graded": a plain
    change of its reliability (an entry whose action is "changed")."""
    return update_object(
        outlet,
        user=user,
        expected_version=outlet.version,
        changes={"reliability": grade, "reliability_reason": why},
        editable={"reliability", "reliability_reason"},
        reason=f"reliability graded {grade}: {why}",
    )


def record_form(source, **changes) -> dict:
    """The "Correct record" form of `source` as its page fills it, with `changes`."""
    return {
        "version": source.version,
        "title": source.title,
        "authors": "\n".join(source.authors),
        "language": source.language,
        "direction": source.direction,
        "reason": "checked against the page",
        **changes,
    }
