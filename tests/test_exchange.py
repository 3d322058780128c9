"""Export and import of a workspace: a round trip reproduces every row of every
table (history and ledger included) and every original file, byte for byte."""

import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection

from archive.audit.ledger import verify_workspace
from archive.backups.archive import archive_models, export_workspace, import_archive, scope
from archive.claims import add_evidence, create_annotation, create_claim, edit_item
from archive.core.editing import delete_object
from archive.models import Annotation, PassageAnchor, Source, SourceVersion, Workspace
from archive.passages.correction import correct_source_text
from archive.passages.writes import create_passage
from archive.sources.writes import create_source
from tests.media import stored_files
from tests.support import fresh_env, run_manage

ARABIC_TEXT = "قصف 🚀 درعا\r\nاليوم"  # noqa: RUF001 (Arabic letters, not Latin look-alikes)


def generated_workspace(workspace, analyst, ws_admin) -> Workspace:
    """A workspace with edits, deletions, derivations, files and non-Latin text."""
    original = create_source(
        workspace=workspace,
        user=ws_admin,
        title="الأصل",
        text=ARABIC_TEXT,
        language="ar",
        original=ARABIC_TEXT.encode("utf-16"),
        media_type="text/plain; charset=utf-16",
    )
    translation = create_source(
        workspace=workspace,
        user=analyst,
        title="Translation",
        text="Shelling of Daraa today",
        language="en",
        derived_from=original,
        derivation="translation",
    )
    passages = [
        create_passage(source=original, user=analyst, start=6, end=10),
        create_passage(source=translation, user=analyst, start=12, end=17),
    ]
    kept = create_annotation(passages=passages, user=analyst, body="Same place?", tags=["daraa"])
    edit_item(kept, user=analyst, expected_version=1, changes={"body": "Same place."}, reason="typo")
    gone = create_annotation(passages=passages[:1], user=analyst, body="Duplicate")
    delete_object(gone, user=analyst, reason="duplicate")
    claim = create_claim(workspace=workspace, user=analyst, statement="Daraa was shelled.", tags=["x"])
    add_evidence(claim=claim, passage=passages[0], user=analyst, stance="supports", note="Eyewitness")
    # A second version, with the passages' anchors in both.
    correct_source_text(
        source=translation, user=analyst, new_text="The shelling of Daraa today", reason="article"
    )
    return workspace


def wipe_database() -> None:
    """Empty every table of the archive app and the users, and the stored originals:
    a fresh database, its id sequences back at the start."""
    names = [name for model in archive_models() for name in _file_names(model)]
    tables = [model._meta.db_table for model in archive_models()] + [get_user_model()._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # TRUNCATE refuses pending deferred checks
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        connection.ops.execute_sql_flush(
            connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for name in names:
        default_storage.delete(name)


def _file_names(model) -> list[str]:
    fields = [f.attname for f in model._meta.concrete_fields if f.get_internal_type() == "FileField"]
    return [value for field in fields for value in model._base_manager.values_list(field, flat=True) if value]


def files_of(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in directory.rglob("*")
        if path.is_file()
    }


def round_trip(workspace: Workspace, tmp_path: Path) -> tuple[dict, dict]:
    export_workspace(workspace=workspace, directory=tmp_path / "first")
    wipe_database()
    restored = import_archive(directory=tmp_path / "first")
    export_workspace(workspace=restored, directory=tmp_path / "second")
    return files_of(tmp_path / "first"), files_of(tmp_path / "second")


def test_round_trip_of_generated_data_is_byte_for_byte(workspace, analyst, ws_admin, tmp_path):
    first, second = round_trip(generated_workspace(workspace, analyst, ws_admin), tmp_path)
    assert second == first
    rows = json.loads(first["manifest.json"])["rows"]
    assert rows["archive.HistoricalAnnotation"] >= 4  # created with passages, edited, created, deleted
    assert any(name.startswith("files/originals/") for name in first)


def test_round_trip_of_the_demo_data_is_byte_for_byte(db, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    demo = Workspace.objects.get()
    first, second = round_trip(demo, tmp_path)
    assert second == first
    assert sum(json.loads(first["manifest.json"])["rows"].values()) > 20


def test_restored_history_chain_verifies(workspace, analyst, ws_admin, tmp_path):
    round_trip(generated_workspace(workspace, analyst, ws_admin), tmp_path)
    result = verify_workspace(Workspace.objects.get().pk)
    assert result.ok, result.problem


def test_export_keeps_the_passages_history_of_deleted_annotations(workspace, analyst, ws_admin, tmp_path):
    export_workspace(workspace=generated_workspace(workspace, analyst, ws_admin), directory=tmp_path)
    rows = json.loads((tmp_path / "manifest.json").read_text())["rows"]
    m2m_history = apps.get_model("archive", "HistoricalAnnotation_passages")
    assert rows["archive.HistoricalAnnotation_passages"] == m2m_history.objects.count()


def test_restored_originals_are_the_archived_bytes(workspace, analyst, ws_admin, tmp_path):
    source = generated_workspace(workspace, analyst, ws_admin).source_set.get(language="ar")
    original = default_storage.open(source.original.name).read()
    round_trip(workspace, tmp_path)
    assert default_storage.open(source.original.name).read() == original


def test_restored_objects_keep_versions_and_timestamps(workspace, analyst, ws_admin, tmp_path):
    generated_workspace(workspace, analyst, ws_admin)
    before = list(Annotation.objects.values("pk", "version", "created_at", "updated_at", "author__username"))
    round_trip(workspace, tmp_path)
    assert (
        list(Annotation.objects.values("pk", "version", "created_at", "updated_at", "author__username"))
        == before
    )


def test_restored_sources_keep_every_version_and_its_passage_anchors(workspace, analyst, ws_admin, tmp_path):
    generated_workspace(workspace, analyst, ws_admin)
    fields = ("source__title", "number", "origin", "text", "text_sha256", "original_sha256", "captured_at")
    versions = list(SourceVersion.objects.order_by("source__title", "number").values_list(*fields))
    anchors = list(
        PassageAnchor.objects.order_by("pk").values_list(
            "passage_id", "source_version__number", "start", "end", "status", "carried_from_id"
        )
    )
    assert sorted(number for _, number, *_ in versions) == [1, 1, 2]
    assert len(anchors) == 2

    round_trip(workspace, tmp_path)

    assert list(SourceVersion.objects.order_by("source__title", "number").values_list(*fields)) == versions
    restored = PassageAnchor.objects.order_by("pk").values_list(
        "passage_id", "source_version__number", "start", "end", "status", "carried_from_id"
    )
    assert list(restored) == anchors


def test_import_refuses_a_file_whose_hash_does_not_match(workspace, analyst, ws_admin, tmp_path):
    export_workspace(workspace=generated_workspace(workspace, analyst, ws_admin), directory=tmp_path)
    record = tmp_path / "records" / "archive.Claim.jsonl"
    record.write_text(record.read_text().replace("Daraa was shelled.", "Daraa was calm."))
    wipe_database()
    with pytest.raises(ValidationError, match="SHA-256"):
        import_archive(directory=tmp_path)
    assert not Workspace.objects.exists()


def forge_history_row(archive: Path, model: str, change) -> dict:
    """Change the first history row of `model` in an archive and re-hash it in the manifest,
    as a forger would; the ledger entry of that row, as archived."""
    name = f"records/archive.Historical{model.capitalize()}.jsonl"
    lines = (archive / name).read_bytes().splitlines(keepends=True)
    row = json.loads(lines[0])
    lines[0] = json.dumps(change(row), ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    (archive / name).write_bytes(b"".join(lines))
    manifest = json.loads((archive / "manifest.json").read_text())
    manifest["sha256"][name] = hashlib.sha256((archive / name).read_bytes()).hexdigest()
    (archive / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    entries = (archive / "records/archive.HistoryEntry.jsonl").read_text().splitlines()
    return next(
        entry
        for entry in map(json.loads, entries)
        if (entry["model"], entry["history_id"]) == (model, row["history_id"])
    )


@pytest.mark.parametrize(
    ("given", "says"),
    [("missing", "is not a directory"), ("archive.zip", "is not a directory"), (".", "has no manifest.json")],
)
def test_import_of_something_export_archive_did_not_write_says_what_it_is(db, tmp_path, given, says):
    (tmp_path / "archive.zip").write_bytes(b"PK\x03\x04")
    with pytest.raises(CommandError, match=says):
        call_command("import_archive", str(tmp_path / given), stdout=io.StringIO())
    assert not Workspace.objects.exists()


def test_import_into_a_database_not_yet_migrated_says_to_migrate_first(tmp_path):
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "manifest.json").write_text("{}")
    empty = f"sqlite:///{tmp_path / 'new-server.sqlite3'}"
    ran = run_manage(
        "import_archive",
        str(tmp_path / "archive"),
        env=fresh_env(DATABASE_URL=empty, DEBUG="true", VAR_DIR=str(tmp_path)),
    )
    assert ran.returncode == 1
    assert "The database is not migrated: run `manage.py migrate` first, then import." in ran.stderr
    assert "Traceback" not in ran.stderr


def test_import_refuses_a_forged_history_row_naming_its_entry_and_writes_nothing(db, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    export_workspace(workspace=Workspace.objects.get(), directory=tmp_path)
    entry = forge_history_row(tmp_path, "source", lambda row: {**row, "title": "A friendlier title"})
    wipe_database()
    files_before = stored_files()
    with pytest.raises(CommandError) as refused:
        call_command("import_archive", str(tmp_path), stdout=io.StringIO())
    assert str(refused.value) == (
        f"The archive's history does not verify: entry #{entry['sequence']} "
        f"(source “{entry['object_repr']}”, history row {entry['history_id']}) does not match its hash: "
        "the entry or its history row was modified."
    )
    assert not Workspace.objects.exists()
    assert not get_user_model().objects.exists()
    assert not any(model._base_manager.exists() for model in archive_models())
    assert stored_files() == files_before


def test_import_refuses_a_row_changed_outside_its_history_naming_it_and_writes_nothing(
    workspace, analyst, ws_admin, tmp_path
):
    export_workspace(workspace=generated_workspace(workspace, analyst, ws_admin), directory=tmp_path)
    name = "records/archive.Claim.jsonl"
    record = tmp_path / name
    record.write_text(record.read_text().replace("Daraa was shelled.", "Daraa was calm."))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["sha256"][name] = hashlib.sha256(record.read_bytes()).hexdigest()
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    wipe_database()
    files_before = stored_files()
    with pytest.raises(ValidationError) as refused:
        import_archive(directory=tmp_path)
    assert refused.value.messages == [
        "The archive's history does not verify: claim “Daraa was shelled.” differs from its last history row "
        "(statement): it was changed outside the history."
    ]
    assert not any(model._base_manager.exists() for model in archive_models())
    assert not get_user_model().objects.exists()
    assert stored_files() == files_before


def test_import_refuses_an_existing_workspace(workspace, analyst, ws_admin, tmp_path):
    export_workspace(workspace=generated_workspace(workspace, analyst, ws_admin), directory=tmp_path)
    with pytest.raises(ValidationError, match="exists already"):
        import_archive(directory=tmp_path)


def test_every_model_of_the_app_belongs_to_a_workspace(workspace):
    unscoped = []
    for model in archive_models():
        try:
            scope(model, workspace)
        except Exception:
            unscoped.append(model._meta.label)
    assert unscoped == []


def test_export_leaves_other_workspaces_out(workspace, analyst, ws_admin, outsider, tmp_path):
    generated_workspace(workspace, analyst, ws_admin)
    export_workspace(workspace=workspace, directory=tmp_path)
    usernames = {json.loads(line)["username"] for line in (tmp_path / "users.jsonl").read_text().splitlines()}
    assert usernames == {"analyst", "ws-admin"}
    workspaces = (tmp_path / "records" / "archive.Workspace.jsonl").read_text().splitlines()
    assert [json.loads(line)["slug"] for line in workspaces] == [workspace.slug]


def test_commands_export_and_import(workspace, analyst, ws_admin, tmp_path):
    generated_workspace(workspace, analyst, ws_admin)
    call_command("export_archive", "--workspace", workspace.slug, str(tmp_path / "out"), stdout=io.StringIO())
    wipe_database()
    call_command("import_archive", str(tmp_path / "out"), stdout=io.StringIO())
    assert Annotation.objects.get().body == "Same place."


def test_an_export_onto_a_file_is_refused_in_one_line(workspace, tmp_path):
    (tmp_path / "taken").write_text("")
    with pytest.raises(
        CommandError, match=f"^{re.escape(str(tmp_path / 'taken'))} is a file, not a directory\\.$"
    ):
        call_command("export_archive", "--workspace", workspace.slug, str(tmp_path / "taken"))


def test_an_export_where_no_directory_can_be_made_is_refused_in_one_line(workspace, tmp_path):
    (tmp_path / "taken").write_text("")
    with pytest.raises(CommandError, match=r"cannot be made: Not a directory\.$"):
        call_command("export_archive", "--workspace", workspace.slug, str(tmp_path / "taken" / "out"))


def test_an_export_missing_a_stored_file_says_which_and_leaves_nothing_behind(
    workspace, analyst, ws_admin, tmp_path
):
    generated_workspace(workspace, analyst, ws_admin)
    missing = Source.objects.filter(workspace=workspace).exclude(original="").first().original.name
    default_storage.delete(missing)
    with pytest.raises(CommandError, match=f"The stored file {re.escape(missing)} is missing"):
        call_command("export_archive", "--workspace", workspace.slug, str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_restored_workspace_gives_new_objects_ids_no_deleted_object_had(
    workspace, analyst, ws_admin, tmp_path
):
    round_trip(generated_workspace(workspace, analyst, ws_admin), tmp_path)
    remembered = set(Annotation.history.values_list("id", flat=True))
    passage = Annotation.objects.get().passages.first()
    added = create_annotation(passages=[passage], user=passage.created_by, body="New")
    assert added.pk not in remembered
