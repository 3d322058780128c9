"""Shared fixtures: one workspace with a member of every role, an outsider
and a site superuser, so every view test can check access for each."""

from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.files.storage import default_storage

from archive.models import Role
from archive.search.backends import stemmed_languages
from tests.factories import MembershipFactory, PassageFactory, SourceFactory, UserFactory, WorkspaceFactory

# A local web site to capture pages from, and a captured source citing them (tests/pages.py).
pytest_plugins = ["tests.pages"]

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def _fresh_reading_cache():
    # Rolled-back tests reuse ids, and frozen clocks repeat ledger hashes:
    # a page one test rendered must not answer another's.
    caches["reading"].clear()


@pytest.fixture(autouse=True)
def _fresh_search_languages():
    # A language a rolled-back test indexed is gone from the index.
    stemmed_languages.forget()


@pytest.fixture
def damage():
    """damage(name): a byte appended to a stored file on disk, taken off after the test:
    files are stored by their content, so other tests (the demo's, say) share them."""
    kept: dict[Path, bytes] = {}

    def damage(name: str) -> None:
        path = Path(default_storage.path(name))
        kept.setdefault(path, path.read_bytes())
        path.write_bytes(kept[path] + b"!")

    yield damage
    for path, data in kept.items():
        path.write_bytes(data)


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(name="Southern Syria 2017", slug="southern-syria-2017")


def _member(workspace, role, username):
    return MembershipFactory(workspace=workspace, role=role, user=UserFactory(username=username)).user


@pytest.fixture
def analyst(workspace):
    return _member(workspace, Role.ANALYST, "analyst")


@pytest.fixture
def reviewer(workspace):
    return _member(workspace, Role.REVIEWER, "reviewer")


@pytest.fixture
def ws_admin(workspace):
    return _member(workspace, Role.ADMIN, "ws-admin")


@pytest.fixture
def outsider(db):
    """A user who belongs to another workspace, not ours."""
    return _member(WorkspaceFactory(), Role.ADMIN, "outsider")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def source(workspace):
    return SourceFactory(workspace=workspace)


@pytest.fixture
def passage(source, analyst):
    """Ten characters of `source` from the ninth, marked by the analyst (a module may
    define its own)."""
    return PassageFactory(source=source, created_by=analyst, start=8, length=10)


@pytest.fixture
def corpus_text() -> str:
    """The real article in ../shared/corpus (CI always has it)."""
    path = SHARED_DIR / "corpus" / "baladi-aleppo-daraa.txt"
    if not path.exists():
        import os

        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing in CI")
        pytest.skip(f"{path} is absent (the shared/ folder sits beside the project)")
    return path.read_text(encoding="utf-8")
