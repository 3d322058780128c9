"""Archives made by a forger rather than by the export: both imports refuse what an
archive must not hold, saying what and why, and write nothing. The plain import keeps
ids, so it is tried on a site that holds another workspace (the victim's) beside the
archive's free ids, as a site the archive is new to would."""

import hashlib
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.audit.ledger import chain_imported, live_ledger, verify_workspace
from archive.backups.archive import LARGEST_ID, archive_models, export_workspace, import_archive, scope
from archive.backups.new_workspace import import_as_new_workspace
from archive.models import (
    Evidence,
    HistoryChain,
    HistoryEntry,
    Passage,
    Role,
    Source,
    Workspace,
)
from archive.models.audit import GENESIS_HASH
from archive.passages.writes import create_passage
from archive.sources.storage import original_name
from archive.sources.writes import create_source
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.test_exchange import generated_workspace
from tests.test_exchange_new_workspace import database_state, rewrite

FREE_ID = 10**9  # an id no row of the test database has


def plain(directory: Path) -> Workspace:
    return import_archive(directory=directory)


def as_new(directory: Path) -> Workspace:
    return import_as_new_workspace(directory=directory, slug="copy").workspace


# A users.jsonl line as the export writes it.
ARCHIVED_USER = {
    "first_name": "",
    "last_name": "",
    "email": "",
    "is_active": True,
    "date_joined": "2024-05-01T09:30:00+00:00",
}
IMPORTS = [pytest.param(plain, id="plain"), pytest.param(as_new, id="as-new-workspace")]


@pytest.fixture
def victim(workspace, ws_admin):
    """The site's own workspace, with a source and a passage the archive is not about."""
    source = create_source(
        workspace=workspace,
        user=ws_admin,
        title="Informant's account",
        text="The informant lives in Busra.",
        language="en",
        original=b"The informant lives in Busra (original).",
    )
    create_passage(source=source, user=ws_admin, start=4, end=13)
    return workspace


@pytest.fixture
def other(victim, analyst, ws_admin) -> Workspace:
    """The workspace the archive is of, made on this site (its members are the victim's too)."""
    other = WorkspaceFactory(name="Other", slug="other")
    for user, role in ((analyst, Role.ANALYST), (ws_admin, Role.ADMIN)):
        MembershipFactory(workspace=other, user=user, role=role)
    return generated_workspace(other, analyst, ws_admin)


def exported_and_removed(workspace: Workspace, directory: Path) -> Path:
    """`workspace` exported to `directory`, then every row the export holds deleted, history
    and ledger included: its ids are free here, as on a site the archive is new to."""
    export_workspace(workspace=workspace, directory=directory)
    doomed = [
        (model, list(model._base_manager.filter(scope(model, workspace)).values_list("pk", flat=True)))
        for model in archive_models()
    ]
    for model, pks in doomed:
        model._base_manager.filter(pk__in=pks)._raw_delete(model._base_manager.db)
    return directory


@pytest.fixture
def archive(other, tmp_path) -> Path:
    return exported_and_removed(other, tmp_path / "archive")


def rows_of(archive: Path, label: str) -> list[dict]:
    return [json.loads(line) for line in (archive / f"records/{label}.jsonl").read_text().splitlines()]


def add_line(archive: Path, name: str, row: dict) -> None:
    """Append a record to one of the archive's files and re-hash it in the manifest."""
    line = json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    rewrite(archive, name, lambda data: data + line)


def refused(importer, archive: Path, match: str) -> ValidationError:
    before = database_state()
    with pytest.raises(ValidationError, match=match) as refusal:
        importer(archive)
    assert database_state() == before
    return refusal.value


def rechain(workspace: Workspace) -> None:
    """Chain the workspace's history anew, in its order, as a forger who changed history rows
    would: the chain then verifies."""
    ledger = live_ledger()
    entries = list(
        HistoryEntry.objects.filter(workspace=workspace)
        .order_by("sequence")
        .values("model", "history_id", "action", "object_repr")
    )
    HistoryEntry.objects.filter(workspace=workspace).delete()
    HistoryChain.objects.filter(workspace=workspace).update(length=0, head_hash=GENESIS_HASH)
    chain_imported(
        (
            e["model"],
            ledger.serialize(e["model"], [e["history_id"]])[e["history_id"]],
            e["action"],
            e["object_repr"],
        )
        for e in entries
    )
    assert verify_workspace(workspace.pk).ok


def test_the_archive_as_exported_imports_beside_another_workspace(archive, victim):
    before = database_state()
    restored = import_archive(directory=archive)
    assert restored.slug == "other" and verify_workspace(restored.pk).ok
    assert database_state()["archive.Workspace"] == before["archive.Workspace"] + 1


# --- Rows of other workspaces ------------------------------------------------------


def test_a_membership_planted_in_another_workspace_is_refused_naming_it(archive, victim):
    # A user of the archive made an admin of the site's workspace.
    add_line(archive, "users.jsonl", {**ARCHIVED_USER, "id": FREE_ID, "username": "intruder"})
    row = {**rows_of(archive, "archive.Membership")[0], "id": FREE_ID, "workspace_id": victim.pk}
    add_line(archive, "records/archive.Membership.jsonl", {**row, "user_id": FREE_ID, "role": "admin"})
    workspace_id = rows_of(archive, "archive.Workspace")[0]["id"]
    before = database_state()
    with pytest.raises(CommandError) as refusal:
        call_command("import_archive", str(archive), stdout=io.StringIO())
    assert str(refusal.value) == (
        f"The archive's rows belong to more than one workspace: archive.Membership row {FREE_ID} "
        f"(workspace_id) names workspace {victim.pk}, not the archive's own ({workspace_id}, 'other'). "
        "An archive may hold only its workspace's rows."
    )
    assert database_state() == before
    assert not victim.memberships.filter(user__username="intruder").exists()


@pytest.mark.parametrize("importer", IMPORTS)
@pytest.mark.parametrize(
    "label",
    [
        "archive.Annotation",
        "archive.Claim",
        "archive.Evidence",
        "archive.Source",
        "archive.HistoricalClaim",
        "archive.HistoryEntry",
    ],
)
def test_a_row_of_another_workspace_is_refused(archive, victim, importer, label):
    row = rows_of(archive, label)[0]
    pk = "history_id" if label.startswith("archive.Historical") else "id"
    add_line(archive, f"records/{label}.jsonl", {**row, pk: FREE_ID, "workspace_id": victim.pk})
    refused(importer, archive, rf"more than one workspace: {label} row {FREE_ID} \(workspace_id\) names")


@pytest.mark.parametrize("importer", IMPORTS)
@pytest.mark.parametrize("pk", [LARGEST_ID + 1, 2**63 - 1, 0, -5])
def test_an_id_outside_what_a_counter_and_a_json_client_hold_is_refused(archive, importer, pk):
    row = rows_of(archive, "archive.Claim")[0]
    add_line(archive, "records/archive.Claim.jsonl", {**row, "id": pk})
    refused(
        importer, archive, rf"archive.Claim row {pk} \(id\) holds {pk}, not an id: a whole number from 1 to"
    )


@pytest.mark.parametrize("importer", IMPORTS)
def test_a_user_id_past_the_largest_is_refused(archive, importer):
    add_line(archive, "users.jsonl", {**ARCHIVED_USER, "id": LARGEST_ID + 1, "username": "far"})
    refused(importer, archive, r"users.jsonl line \d+ has no id \(not an id: a whole number")


def test_a_row_pointing_at_another_workspaces_object_is_refused(other, victim, tmp_path):
    # The forger changes the evidence and its history alike and chains the history anew:
    # the archive verifies, and only where its evidence points gives it away.
    evidence = Evidence.objects.get(workspace=other)
    passage = Passage.objects.get(workspace=victim)
    Evidence.objects.filter(pk=evidence.pk).update(passage=passage)
    Evidence.history.filter(id=evidence.pk).update(passage=passage)
    rechain(other)
    archive = exported_and_removed(other, tmp_path / "archive")
    error = refused(plain, archive, "ids exist already here")
    assert error.messages == [
        f"archive.Passage ids exist already here: {passage.pk} (the first named by archive.Evidence row "
        f"{evidence.pk} (passage_id)). The plain import keeps every id, so the archive's rows would point "
        "at what this database holds: import into an empty database or import it as a new workspace "
        "(import_archive --as-new-workspace SLUG)."
    ]
    assert passage.source.workspace == victim


# --- Users ---------------------------------------------------------------------------


@pytest.mark.parametrize("importer", IMPORTS)
@pytest.mark.parametrize("rights", [{"is_superuser": True, "is_staff": True}, {"password": "!"}])
def test_a_new_user_given_site_rights_or_a_password_is_refused(archive, importer, rights):
    add_line(archive, "users.jsonl", {**ARCHIVED_USER, "id": FREE_ID, "username": "intruder", **rights})
    refused(
        importer, archive, f"users.jsonl gives user 'intruder' {', '.join(sorted(rights))}, which an export"
    )


@pytest.mark.parametrize("importer", IMPORTS)
def test_site_rights_given_to_an_existing_account_are_refused(archive, importer, analyst):
    def promoted(data: bytes) -> bytes:
        rows = [json.loads(line) for line in data.splitlines()]
        rows = [{**row, "is_superuser": True} if row["username"] == "analyst" else row for row in rows]
        return b"".join(json.dumps(row).encode() + b"\n" for row in rows)

    rewrite(archive, "users.jsonl", promoted)
    refused(importer, archive, "users.jsonl gives user 'analyst' is_superuser")
    analyst.refresh_from_db()
    assert not analyst.is_superuser


@pytest.mark.parametrize("importer", IMPORTS)
def test_an_existing_account_keeps_its_password_rights_and_details(archive, importer, ws_admin):
    ws_admin.set_password("correct horse")
    ws_admin.is_staff, ws_admin.email = True, "admin@example.org"
    ws_admin.save()

    def changed(data: bytes) -> bytes:
        rows = [json.loads(line) for line in data.splitlines()]
        rows = [
            {**row, "email": "x@example.net", "is_active": False} if row["id"] == ws_admin.pk else row
            for row in rows
        ]
        return b"".join(json.dumps(row).encode() + b"\n" for row in rows)

    rewrite(archive, "users.jsonl", changed)
    importer(archive)
    ws_admin.refresh_from_db()
    assert ws_admin.check_password("correct horse")
    assert (ws_admin.is_staff, ws_admin.is_superuser, ws_admin.is_active) == (True, False, True)
    assert ws_admin.email == "admin@example.org"


def test_a_user_added_after_a_plain_import_takes_an_id_no_archived_user_has(archive):
    add_line(archive, "users.jsonl", {**ARCHIVED_USER, "id": FREE_ID, "username": "archived"})
    import_archive(directory=archive)
    assert UserFactory(username="newcomer").pk > FREE_ID


# --- Originals -----------------------------------------------------------------------


def add_file(archive: Path, name: str, data: bytes) -> None:
    (archive / name).parent.mkdir(parents=True, exist_ok=True)
    (archive / name).write_bytes(data)
    manifest = json.loads((archive / "manifest.json").read_text())
    manifest["sha256"][name] = hashlib.sha256(data).hexdigest()
    (archive / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("importer", IMPORTS)
def test_an_original_not_named_for_its_own_sha256_is_refused(archive, importer):
    named_for = original_name(hashlib.sha256(b"the real statement").hexdigest())
    add_file(archive, f"files/{named_for}", b"a doctored statement")
    error = refused(importer, archive, "not the one it is named for")
    assert f"files/{named_for} holds bytes whose SHA-256 is" in error.messages[0]
    assert not default_storage.exists(named_for)


def archived_originals(archive: Path) -> list[str]:
    return sorted(
        p.relative_to(archive / "files").as_posix() for p in (archive / "files").rglob("*") if p.is_file()
    )


@contextmanager
def damaged(name: str) -> Iterator[None]:
    """The stored original `name` holding other bytes, for as long as the block runs (the
    storage outlives the test's database)."""
    with default_storage.open(name) as stored:
        kept = stored.read()
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"damaged"))
    try:
        yield
    finally:
        default_storage.delete(name)
        default_storage.save(name, ContentFile(kept))


@pytest.mark.parametrize("importer", IMPORTS)
def test_an_original_stored_here_with_other_bytes_is_not_overwritten(archive, importer):
    name = archived_originals(archive)[0]
    with damaged(name):
        refused(importer, archive, f"{name} is stored here with other bytes than its name's SHA-256")
        assert default_storage.open(name).read() == b"damaged"


def test_a_refused_original_leaves_the_others_unstored(archive):
    first, second, *_ = archived_originals(archive)
    default_storage.delete(first)  # to be stored by the import, were it not refused
    with damaged(second):
        refused(plain, archive, f"{second} is stored here with other bytes")
    assert not default_storage.exists(first)


@pytest.mark.parametrize("importer", IMPORTS)
def test_a_row_naming_an_original_the_archive_does_not_carry_is_refused(other, victim, tmp_path, importer):
    # Another workspace's original, named by its hash: a forger who knows the hash, not the bytes.
    source = Source.objects.get(workspace=other, language="ar")
    stolen = Source.objects.get(workspace=victim).original.name
    Source.objects.filter(pk=source.pk).update(original=stolen)
    Source.history.filter(id=source.pk).update(original=stolen)
    rechain(other)
    archive = exported_and_removed(other, tmp_path / "archive")
    (archive / "files" / stolen).unlink()
    manifest = json.loads((archive / "manifest.json").read_text())
    del manifest["sha256"][f"files/{stolen}"]
    (archive / "manifest.json").write_text(json.dumps(manifest))
    refused(
        importer,
        archive,
        f"archive.Source row {source.pk} \\(original\\) names the stored file {stolen}, which",
    )
