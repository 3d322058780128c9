"""Importing an archive as a new workspace: beside the data already there, under
new ids everywhere, users matched by username, the history re-chained and
still verifiable; a bad archive is refused and leaves nothing behind."""

import hashlib
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.audit.ledger import live_ledger, verify_workspace
from archive.audit.verification import verify_and_record
from archive.backups.archive import archive_models, export_workspace, import_archive
from archive.backups.new_workspace import REBUILT, _Renumbering, id_columns, import_as_new_workspace
from archive.claims import create_annotation
from archive.models import (
    Annotation,
    HistoryChain,
    HistoryEntry,
    HistoryVerification,
    SearchDocument,
    Source,
    Workspace,
)
from tests.test_exchange import files_of, generated_workspace

COPIED = [model for model in archive_models() if model not in REBUILT]


@pytest.fixture
def archive(workspace, analyst, ws_admin, tmp_path) -> Path:
    """The generated workspace, exported; the workspace stays in the database."""
    export_workspace(
        workspace=generated_workspace(workspace, analyst, ws_admin), directory=tmp_path / "archive"
    )
    return tmp_path / "archive"


def database_state() -> dict:
    """How many rows every table holds, and which originals are stored."""
    media = Path(settings.MEDIA_ROOT)
    return {
        **{model._meta.label: model._base_manager.count() for model in archive_models()},
        "users": get_user_model()._base_manager.count(),
        "files": sorted(path.relative_to(media).as_posix() for path in media.rglob("*") if path.is_file()),
    }


def rewrite(archive: Path, name: str, change) -> None:
    """Change one of the archive's files and give the manifest its new SHA-256, as a forger would."""
    path = archive / name
    path.write_bytes(change(path.read_bytes()))
    manifest = json.loads((archive / "manifest.json").read_text())
    manifest["sha256"][name] = hashlib.sha256(path.read_bytes()).hexdigest()
    (archive / "manifest.json").write_text(json.dumps(manifest))


def _targets(model) -> dict:
    """The columns that hold ids, worked out here independently of the importer."""
    targets = {model._meta.pk.attname: model}
    if hasattr(model, "instance_type"):
        targets["id"] = model.instance_type
    for field in model._meta.concrete_fields:
        if field.is_relation:
            targets[field.attname] = field.related_model
    return targets


def canonical_records(directory: Path, *, drop_last_workspace_history: bool = False) -> dict:
    """An export's rows with each id replaced by its rank among the ids of its model
    (users by username, the workspace by a constant): equal for two exports whose
    rows are the same but for a consistent, order-keeping renumbering."""
    records = {
        model: [json.loads(line) for line in (directory / f"records/{model._meta.label}.jsonl").open()]
        for model in COPIED
    }
    if drop_last_workspace_history:  # the row the import writes to record where the copy came from
        history = Workspace.history.model
        records[history] = records[history][:-1]
    user_model = get_user_model()
    usernames = {
        row["id"]: row["username"]
        for row in map(json.loads, (directory / "users.jsonl").read_text().splitlines())
    }
    seen: dict = {}
    for model, rows in records.items():
        for column, target in _targets(model).items():
            seen.setdefault(target, set()).update(row[column] for row in rows if row[column] is not None)
    rank = {target: {value: index for index, value in enumerate(sorted(ids))} for target, ids in seen.items()}

    def canonical(target, value):
        if value is None:
            return None
        if target is Workspace:
            return "W"
        if target is user_model and value in usernames:
            return usernames[value]
        return rank[target][value]

    out = {}
    for model, rows in records.items():
        targets = _targets(model)
        out[model._meta.label] = [
            {
                column: canonical(targets[column], value) if column in targets else value
                for column, value in row.items()
            }
            for row in rows
        ]
    for row in out["archive.Workspace"]:
        row.pop("slug"), row.pop("description")
    return out


def test_copy_beside_the_original_has_every_row_and_history_row_with_new_ids(archive, workspace, tmp_path):
    # Under the original's name: the records compared are then the same, but for ids.
    copy = import_as_new_workspace(directory=archive, slug="copy", name=workspace.name).workspace
    export_workspace(workspace=copy, directory=tmp_path / "copy")
    assert canonical_records(tmp_path / "copy", drop_last_workspace_history=True) == canonical_records(
        archive
    )
    for model in COPIED:
        original_ids = set(
            model._base_manager.filter(pk__in=_pks(archive, model)).values_list("pk", flat=True)
        )
        assert original_ids.isdisjoint(_pks(tmp_path / "copy", model)), model._meta.label


def _pks(directory: Path, model) -> set:
    path = directory / f"records/{model._meta.label}.jsonl"
    return {json.loads(line)[model._meta.pk.attname] for line in path.read_text().splitlines()}


def test_copy_links_objects_within_itself(archive, workspace):
    copy = import_as_new_workspace(directory=archive, slug="copy").workspace
    annotation = Annotation.objects.get(workspace=copy)
    assert annotation.body == "Same place."
    assert {passage.source.workspace_id for passage in annotation.passages.all()} == {copy.pk}
    translation = Source.objects.get(workspace=copy, language="en")
    assert translation.derived_from.workspace_id == copy.pk
    assert [row.body for row in annotation.history.order_by("history_id")] == list(
        Annotation.objects.get(workspace=workspace)
        .history.order_by("history_id")
        .values_list("body", flat=True)
    )


def test_deleted_objects_keep_ids_that_new_objects_do_not_take(archive, analyst):
    copy = import_as_new_workspace(directory=archive, slug="copy").workspace
    remembered = set(Annotation.history.filter(workspace=copy).values_list("id", flat=True))
    assert len(remembered) == 2  # the kept annotation and the deleted one
    passage = Annotation.objects.get(workspace=copy).passages.first()
    added = create_annotation(passages=[passage], user=analyst, body="New")
    assert added.pk not in remembered


def test_copy_chain_verifies_and_keeps_the_original_order_and_actions(archive, workspace):
    copy = import_as_new_workspace(directory=archive, slug="copy").workspace
    result = verify_workspace(copy.pk)
    assert result.ok, result.problem
    fields = ("sequence", "model", "action", "recorded_at", "reason")
    original = list(
        HistoryEntry.objects.filter(workspace=workspace).order_by("sequence").values_list(*fields)
    )
    copied = list(HistoryEntry.objects.filter(workspace=copy).order_by("sequence").values_list(*fields))
    assert copied[:-1] == original
    assert copied[-1][1:3] == ("workspace", "changed")
    call_command("verify_history", "--workspace", "copy", stdout=io.StringIO())


def test_a_copy_of_a_workspace_verified_before_its_export_verifies(workspace, analyst, ws_admin, tmp_path):
    # The original's recorded verifications vouch for its chain, not the copy's re-chained one.
    generated_workspace(workspace, analyst, ws_admin)
    assert verify_and_record(workspace_id=workspace.pk).ok
    export_workspace(workspace=workspace, directory=tmp_path / "archive")
    copy = import_as_new_workspace(directory=tmp_path / "archive", slug="copy").workspace
    assert not HistoryVerification.objects.filter(workspace_id=copy.pk).exists()
    run = verify_and_record(workspace_id=copy.pk)
    assert run.ok, run.problem


def test_copy_records_the_archive_and_the_head_it_verified(archive, workspace):
    chain = HistoryChain.objects.get(workspace=workspace)
    copy = import_as_new_workspace(directory=archive, slug="copy").workspace
    manifest_sha256 = hashlib.sha256((archive / "manifest.json").read_bytes()).hexdigest()
    for text in (copy.description, HistoryEntry.objects.filter(workspace=copy).latest("sequence").reason):
        assert manifest_sha256 in text
        assert f"#{chain.length}, head hash {chain.head_hash}" in text
        assert repr(workspace.slug) in text


def test_copy_takes_the_given_name_else_the_archived_one_marked_as_a_copy(archive, workspace):
    copy = import_as_new_workspace(directory=archive, slug="copy").workspace
    assert copy.name == f"{workspace.name} (copy)"
    named = import_as_new_workspace(directory=archive, slug="other", name="Daraa, copied").workspace
    assert named.name == "Daraa, copied"
    assert named.history.latest().name == "Daraa, copied"


def test_the_original_workspace_is_untouched(archive, workspace, tmp_path):
    chain = HistoryChain.objects.values("length", "head_hash").get(workspace=workspace)
    import_as_new_workspace(directory=archive, slug="copy")
    export_workspace(workspace=workspace, directory=tmp_path / "after")
    assert files_of(tmp_path / "after") == files_of(archive)
    assert HistoryChain.objects.values("length", "head_hash").get(workspace=workspace) == chain
    assert verify_workspace(workspace.pk).ok


def test_importing_twice_gives_two_independent_copies(archive):
    first = import_as_new_workspace(directory=archive, slug="first").workspace
    second = import_as_new_workspace(directory=archive, slug="second").workspace
    assert verify_workspace(first.pk).ok and verify_workspace(second.pk).ok
    firsts = set(Annotation.history.filter(workspace=first).values_list("history_id", flat=True))
    seconds = set(Annotation.history.filter(workspace=second).values_list("history_id", flat=True))
    assert len(firsts) == len(seconds) >= 4 and firsts.isdisjoint(seconds)


def test_users_are_matched_by_username(archive, analyst):
    users = get_user_model().objects.count()
    result = import_as_new_workspace(directory=archive, slug="copy")
    assert get_user_model().objects.count() == users
    assert result.matched_users == ["analyst", "ws-admin"] and result.created_users == []
    assert Annotation.objects.get(workspace=result.workspace).author == analyst
    assert result.workspace.memberships.get(user=analyst).role == "analyst"


def test_users_missing_here_are_created_without_a_usable_password(archive, analyst):
    analyst.username = "analyst-renamed"
    analyst.save()
    result = import_as_new_workspace(directory=archive, slug="copy")
    created = get_user_model().objects.get(username="analyst")
    assert result.created_users == ["analyst"]
    assert not created.has_usable_password()
    assert created.is_active == analyst.is_active  # as the plain import does: the archived fields
    assert Annotation.objects.get(workspace=result.workspace).author == created
    assert verify_workspace(result.workspace.pk).ok


def test_originals_already_stored_are_shared(archive, workspace):
    before = database_state()["files"]
    copy = import_as_new_workspace(directory=archive, slug="copy").workspace
    assert database_state()["files"] == before
    names = {source.original.name for source in Source.objects.filter(workspace=workspace)}
    assert {source.original.name for source in Source.objects.filter(workspace=copy)} == names


def test_originals_missing_here_are_stored(archive, workspace):
    source = Source.objects.get(workspace=workspace, language="ar")
    kept = default_storage.open(source.original.name).read()
    default_storage.delete(source.original.name)
    import_as_new_workspace(directory=archive, slug="copy")
    assert default_storage.open(source.original.name).read() == kept


def test_search_index_is_rebuilt_for_the_copy(archive, workspace):
    copy = import_as_new_workspace(directory=archive, slug="copy").workspace

    def documents(of):
        return sorted(SearchDocument.objects.filter(workspace=of).values_list("kind", "head", "body", "tags"))

    assert documents(copy) == documents(workspace)
    indexed = set(
        SearchDocument.objects.filter(workspace=copy, kind="source").values_list("object_id", flat=True)
    )
    assert indexed == set(Source.objects.filter(workspace=copy).values_list("pk", flat=True))


def test_ledger_text_that_names_an_old_id_is_renumbered():
    renumbering = _Renumbering({})
    renumbering.add(Annotation, {2: 57})
    entry = {"model": "annotation", "object_id": 2}
    assert (
        renumbering.object_repr(live_ledger(), {**entry, "object_repr": "annotation #2"}) == "annotation #57"
    )
    assert renumbering.object_repr(live_ledger(), {**entry, "object_repr": "Note #2"}) == "Note #2"


def test_every_copied_table_has_its_id_columns_known():
    assert all(id_columns(model) for model in COPIED)


# --- Refusals -------------------------------------------------------------------


def refused(archive: Path, match: str, slug: str = "copy") -> None:
    before = database_state()
    with pytest.raises(ValidationError, match=match):
        import_as_new_workspace(directory=archive, slug=slug)
    assert database_state() == before


@pytest.mark.parametrize("slug", ["southern-syria-2017", "other"])
def test_an_existing_slug_is_refused(archive, slug):
    import_as_new_workspace(directory=archive, slug="other")
    refused(archive, "exists already", slug=slug)


def test_a_slug_that_is_not_one_is_refused(archive):
    refused(archive, "slug", slug="not a slug")


def test_a_changed_byte_is_refused(archive):
    record = archive / "records" / "archive.Claim.jsonl"
    record.write_bytes(record.read_bytes().replace(b"shelled", b"shellex"))
    refused(archive, "archive.Claim.jsonl does not match its SHA-256")


def test_a_missing_file_is_refused(archive):
    next(path for path in (archive / "files").rglob("*") if path.is_file()).unlink()
    refused(archive, "is missing")


def test_a_malformed_line_is_refused(archive):
    rewrite(archive, "records/archive.Passage.jsonl", lambda data: data + b"{not json\n")
    refused(archive, r"archive.Passage.jsonl line 3 is not a JSON record")


def test_a_changed_history_row_is_refused_even_with_a_matching_manifest(archive):
    rewrite(archive, "records/archive.HistoricalClaim.jsonl", lambda data: data.replace(b"shelled", b"calm"))
    refused(archive, "history does not verify: entry #.* does not match its hash")


def test_a_row_the_database_refuses_is_refused_cleanly(archive):
    rewrite(
        archive,
        "records/archive.Claim.jsonl",
        lambda data: data.replace(b'"credibility":6', b'"credibility":9'),
    )
    refused(archive, "do not fit together")


def _archived_id(archive: Path, label: str) -> int:
    return json.loads((archive / f"records/{label}.jsonl").read_text().splitlines()[0])["id"]


def test_a_row_changed_outside_its_history_is_refused_naming_it_as_archived(archive):
    rewrite(archive, "records/archive.Claim.jsonl", lambda data: data.replace(b"shelled", b"calm"))
    claim = _archived_id(archive, "archive.Claim")
    before = database_state()
    with pytest.raises(CommandError) as refusal:
        call_command("import_archive", str(archive), "--as-new-workspace", "copy", stdout=io.StringIO())
    assert str(refusal.value) == (
        f"The archive's records are not what its history records: claim {claim} differs from its "
        "last history row (statement): it was changed outside the history."
    )
    assert database_state() == before
    assert not Workspace.objects.filter(slug="copy").exists()


def test_a_workspace_row_changed_outside_its_history_is_refused(archive):
    rewrite(
        archive,
        "records/archive.Workspace.jsonl",
        lambda data: data.replace(b'"verdict_scale":{}', b'"verdict_scale":{"debunked":[2,"Mostly false"]}'),
    )
    workspace = _archived_id(archive, "archive.Workspace")
    refused(archive, rf"workspace {workspace} differs from its last history row \(verdict_scale\)")


def test_a_history_row_left_out_of_the_chain_is_refused(archive):
    def drop_last_entry(data: bytes) -> bytes:
        return b"".join(data.splitlines(keepends=True)[:-1])

    rewrite(archive, "records/archive.HistoryEntry.jsonl", drop_last_entry)
    refused(archive, "history does not verify")


# --- The command ----------------------------------------------------------------


def test_command_imports_as_a_new_workspace(archive):
    out = io.StringIO()
    call_command("import_archive", str(archive), "--as-new-workspace", "copy", "--name", "Copy", stdout=out)
    assert Workspace.objects.get(slug="copy").name == "Copy"
    assert "as 'copy'" in out.getvalue() and "matched by username: analyst, ws-admin" in out.getvalue()


def test_command_refuses_a_name_without_a_new_workspace(archive):
    with pytest.raises(CommandError, match="--name needs --as-new-workspace"):
        call_command("import_archive", str(archive), "--name", "Copy", stdout=io.StringIO())


def test_command_refuses_an_existing_slug_clearly(archive):
    with pytest.raises(CommandError, match="'southern-syria-2017' exists already"):
        call_command("import_archive", str(archive), "--as-new-workspace", "southern-syria-2017")


def test_plain_import_still_refuses_a_database_that_holds_the_workspace(archive):
    before = database_state()
    with pytest.raises(CommandError, match=r"exists already.*--as-new-workspace"):
        call_command("import_archive", str(archive), stdout=io.StringIO())
    assert database_state() == before


def test_plain_import_refuses_rows_whose_ids_are_taken(archive, workspace):
    workspace.slug = "renamed"
    workspace.save()
    before = database_state()
    with pytest.raises(ValidationError, match=r"ids exist already.*as a new workspace"):
        import_archive(directory=archive)
    assert database_state() == before


def test_demo_data_copies_beside_itself_and_verifies(db, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    demo = Workspace.objects.get()
    export_workspace(workspace=demo, directory=tmp_path / "demo")
    copy = import_as_new_workspace(directory=tmp_path / "demo", slug="demo-copy", name=demo.name).workspace
    assert verify_workspace(copy.pk).ok
    export_workspace(workspace=copy, directory=tmp_path / "copy")
    assert canonical_records(tmp_path / "copy", drop_last_workspace_history=True) == canonical_records(
        tmp_path / "demo"
    )
