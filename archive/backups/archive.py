"""Lossless export and import of a workspace: a self-contained directory.

    manifest.json             format, the Warrant that wrote it, workspace, row counts, SHA-256 of every file
    users.jsonl               the users the records refer to (no passwords)
    records/<Model>.jsonl     every row of every model of the archive app that
                              belongs to the workspace, history tables included
    files/originals/...       the original files, under their storage names

The exporter is generic: it takes every concrete model of the `archive` app
(tracked models, their Historical* tables, many-to-many tables, the audit
ledger, whatever is added later) and finds each one's way to the workspace
through its foreign keys. Values are written as the database holds them, so
an import reproduces every row, primary keys included, byte for byte.
A model that declares `in_backups = False` (IdempotencyKey: a day's record of
API responses, in no workspace) is left out.
"""

import datetime
import decimal
import hashlib
import json
import shutil
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypeGuard, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import default_storage
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models import Model, Q

from archive import SOFTWARE
from archive.audit.ledger import live_ledger, verify_workspace
from archive.backups.sequences import advance_past
from archive.models import Claim, HistoryEntry, Outlet, SearchDocument, Source, Workspace
from archive.sources.storage import original_name, store_original

M = TypeVar("M", bound=Model)

FORMAT = "warrant-archive"
FORMAT_VERSION = 1
USER_FIELDS = ["id", "username", "first_name", "last_name", "email", "is_active", "date_joined"]
# The largest id an archive may hold: what a JSON client in JavaScript can still read
# exactly, and far below the end of a table's counter, which an import moves past it.
LARGEST_ID = 2**53 - 1
_BATCH = 1000
_IDS_PER_QUERY = 900  # below SQLite's historical limit of 999 parameters
_AS_NEW = "import it as a new workspace (import_archive --as-new-workspace SLUG)"


def archive_models() -> list[type[Model]]:
    """Every concrete model of the archive app, in a stable order."""
    found = apps.get_app_config("archive").get_models(include_auto_created=True)
    return sorted(
        (m for m in found if not m._meta.proxy and m._meta.managed and getattr(m, "in_backups", True)),
        key=lambda m: m._meta.label,
    )


def foreign_keys(model: type[Model]) -> list[models.ForeignKey]:
    """The model's foreign keys (one-to-one fields too): its concrete many-to-one or one-to-one fields."""
    return [field for field in model._meta.concrete_fields if isinstance(field, models.ForeignKey)]


def scope(model: type[Model], workspace: Workspace, depth: int = 3) -> Q:
    """A filter for the rows of `model` that belong to `workspace`."""
    if model is Workspace or getattr(model, "instance_type", None) is Workspace:
        return Q(**{"id" if model is not Workspace else "pk": workspace.pk})
    keys = foreign_keys(model)
    for field in keys:
        if field.related_model is Workspace:
            return Q(**{field.attname: workspace.pk})
    if depth > 1:
        # Through a history row first: it outlives its object (a deleted annotation's passages).
        for field in sorted(keys, key=lambda key: not hasattr(key.related_model, "instance_type")):
            if field.related_model is not model and field.related_model._meta.app_label == "archive":
                try:
                    inner = scope(field.related_model, workspace, depth - 1)
                except ImproperlyConfigured:
                    continue
                return Q(
                    **{f"{field.name}__in": field.related_model._base_manager.filter(inner).values("pk")}
                )
    raise ImproperlyConfigured(f"{model._meta.label} has no foreign key path to its workspace")


def _plain(value: object) -> object:
    """A database value as JSON, without losing precision (microseconds too)."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _line(row: dict) -> bytes:
    return (
        json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False, separators=(",", ":")).encode()
        + b"\n"
    )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Summary:
    workspace: str
    rows: dict[str, int]
    files: int


def export_workspace(
    *,
    workspace: Workspace,
    directory: Path,
    progress: Callable[[int, int], None] | None = None,
    alive: Callable[[], None] | None = None,
) -> Summary:
    """Write `workspace` with its full history and its files to `directory` (new or empty).

    `progress(done, total)` is told of each original copied: after the rows are read, outside
    their transaction, so a job recording it does not write while the export reads. `alive()`
    is called where there is nothing to count, as rows are written (in that transaction: a
    job's heartbeat writes outside it) and files hashed.

    ValidationError, leaving `directory` as it was (empty, or not there), for a directory
    that cannot be made or written, or a stored file that is missing."""
    created = _empty_directory(directory)
    try:
        return _export(workspace, directory, progress, alive)
    except BaseException:
        for path in sorted(directory.iterdir()):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        if created:
            directory.rmdir()
        raise


def _empty_directory(directory: Path) -> bool:
    """Make `directory` if it is not there (whether it did), or refuse one that is not empty."""
    if directory.exists() and not directory.is_dir():
        raise ValidationError(f"{directory} is a file, not a directory.")
    created = not directory.exists()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValidationError(f"{directory} cannot be made: {error.strerror}.") from None
    if any(directory.iterdir()):
        raise ValidationError(f"{directory} is not empty.")
    return created


def _export(
    workspace: Workspace,
    directory: Path,
    progress: Callable[[int, int], None] | None,
    alive: Callable[[], None] | None,
) -> Summary:
    try:
        (directory / "records").mkdir()
    except OSError as error:
        raise ValidationError(f"{directory} cannot be written: {error.strerror}.") from None
    user_model = get_user_model()
    rows: dict[str, int] = {}
    user_ids: set[int] = set()
    stored_files: set[str] = set()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if (
            outermost and connection.vendor == "postgresql"
        ):  # one snapshot of every table, whatever others write
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for model in archive_models():
            fields = model._meta.concrete_fields
            user_keys = [f.attname for f in foreign_keys(model) if f.related_model is user_model]
            file_fields = [f.attname for f in fields if isinstance(f, models.FileField)]
            count = 0
            with (directory / records_name(model._meta.label)).open("wb") as out:
                queryset = model._base_manager.filter(scope(model, workspace)).order_by("pk")
                for row in queryset.values(*[f.attname for f in fields]).iterator(chunk_size=_BATCH):
                    if alive is not None and count % _BATCH == 0:
                        alive()
                    out.write(_line(row))
                    user_ids.update(row[key] for key in user_keys if row[key] is not None)
                    stored_files.update(row[key] for key in file_fields if row[key])
                    count += 1
            rows[model._meta.label] = count
        with (directory / "users.jsonl").open("wb") as out:
            for row in user_model._base_manager.filter(pk__in=user_ids).order_by("pk").values(*USER_FIELDS):
                out.write(_line(row))
    for done, name in enumerate(sorted(stored_files), start=1):
        target = directory / "files" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            stored = default_storage.open(name, "rb")
        except FileNotFoundError:
            raise ValidationError(
                f"The stored file {name} is missing (verify_fixity names its source): nothing was exported."
            ) from None
        with stored, target.open("wb") as out:
            shutil.copyfileobj(stored, out, 1 << 20)
        if progress is not None:
            progress(done, len(stored_files))
    hashes = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            hashes[path.relative_to(directory).as_posix()] = sha256_file(path)
            if alive is not None:
                alive()
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "software": SOFTWARE,
        "workspace": workspace.slug,
        "rows": rows,
        "sha256": hashes,
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return Summary(workspace=workspace.slug, rows=rows, files=len(stored_files))


# --- import -------------------------------------------------------------------


def verify(directory: Path) -> dict:
    """The manifest, once every file it lists has its SHA-256 and nothing else is there."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text())
    except (OSError, ValueError):
        raise ValidationError(f"{directory}/manifest.json is missing or not JSON.") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or manifest.get("version") != FORMAT_VERSION
        or not isinstance(manifest.get("workspace"), str)
        or not isinstance(manifest.get("sha256"), dict)
        or not isinstance(manifest.get("rows"), dict)
    ):
        raise ValidationError(f"{directory} is not a {FORMAT} version {FORMAT_VERSION}.")
    present = {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()}
    unlisted = present - set(manifest["sha256"]) - {"manifest.json"}
    if unlisted:
        raise ValidationError(f"Files not in the manifest: {', '.join(sorted(unlisted))}")
    needed = ["users.jsonl", *(records_name(label) for label in manifest["rows"])]
    for name in [*needed, *manifest["sha256"]]:
        if name not in manifest["sha256"] or not (directory / name).is_file():
            raise ValidationError(f"{name} is missing.")
    for name, expected in manifest["sha256"].items():
        if sha256_file(directory / name) != expected:
            raise ValidationError(f"{name} does not match its SHA-256 in the manifest.")
    return manifest


def records_name(label: str) -> str:
    """Where an archive keeps the rows of the model with this label."""
    return f"records/{label}.jsonl"


def read_records(path: Path) -> Iterator[dict]:
    with path.open("rb") as stream:
        for number, line in enumerate(stream, 1):
            try:
                row = json.loads(line)
            except ValueError:  # not JSON, or not UTF-8
                row = None
            if not isinstance(row, dict):
                raise ValidationError(f"{path.name} line {number} is not a JSON record.")
            yield row


def build_instance(model: type[M], row: dict[str, Any]) -> M:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = set(row) - set(fields)
    if unknown:
        raise ValidationError(f"{model._meta.label} has no column {', '.join(sorted(unknown))}.")
    values = {}
    for name, value in row.items():
        try:
            values[name] = fields[name].to_python(value)
        except ValidationError as error:
            raise ValidationError(f"{model._meta.label}.{name}: {' '.join(error.messages)}") from None
    return model(**values)


def archived_models(manifest: dict) -> list[type[Model]]:
    """The models whose rows the archive holds, in its order; refused if this site lacks one."""
    known = {model._meta.label: model for model in archive_models()}
    unknown = set(manifest["rows"]) - set(known)
    if unknown:
        raise ValidationError(f"This site has no tables for {', '.join(sorted(unknown))}.")
    return [known[label] for label in manifest["rows"]]


@contextmanager
def stored_timestamps(model_list: list[type[Model]]) -> Iterator[None]:
    """Let bulk_create keep the stored created/updated times (auto_now would
    overwrite them with the time of the import)."""
    switched = [
        (field, field.auto_now, field.auto_now_add)
        for model in model_list
        for field in model._meta.concrete_fields
        # The fields with auto_now(_add): DateField (and DateTimeField) and TimeField.
        if isinstance(field, models.DateField | models.TimeField) and (field.auto_now or field.auto_now_add)
    ]
    for field, _, _ in switched:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


@contextmanager
def rows_that_fit() -> Iterator[None]:
    """Rows the database refuses (a constraint, a value out of range) refuse the archive."""
    try:
        yield
    except (IntegrityError, DataError) as error:
        raise ValidationError(f"The archive's rows do not fit together: {error}") from None


# --- What both imports check before they write anything -------------------------
#
# An archive is made by a forger as easily as by export_workspace: the manifest's
# hashes can be recomputed, and so can the ledger's chain. So before either import
# writes a row or a file, the archive must hold one workspace and nothing else: no
# row naming another workspace, ids only in the columns that hold them, users as the
# export writes them (no passwords, no site rights), originals stored under their own
# SHA-256, and no row naming a stored file the archive does not carry (another
# workspace's original, by its hash). The plain import, which keeps ids, then also
# needs every id free here (`_refuse_ids_taken_here`); the other gives every id anew.


def id_columns(model: type[Model]) -> dict[str, type[Model]]:
    """Each column of `model` that holds an id, and the model whose id it is
    (but for the columns whose model another column names: `_KIND_ID_COLUMNS`)."""
    columns: dict[str, type[Model]] = {model._meta.pk.attname: model}
    instance_type = getattr(model, "instance_type", None)
    if instance_type is not None:  # a history row: `id` is its object's
        columns["id"] = instance_type
    columns |= {field.attname: field.related_model for field in foreign_keys(model)}
    columns |= _loose_id_columns(model)
    by_kind = _KIND_ID_COLUMNS.get(model, {})
    for field in model._meta.concrete_fields:
        name = field.attname
        if name not in columns and name not in by_kind and (name == "id" or name.endswith("_id")):
            raise ImproperlyConfigured(f"{model._meta.label}.{name} looks like an id: say whose id it is.")
    return columns


def _loose_id_columns(model: type[Model]) -> dict[str, type[Model]]:
    """Ids kept without a foreign key, in the ledger and the search index."""
    if model is HistoryEntry:
        return {"source_id": Source, "claim_id": Claim}
    if model is SearchDocument:
        return {"source_id": Source, "outlet_id": Outlet, "author_id": get_user_model()}
    return {}


# Ids of the kind of object another column names ("claim"): that column, and whether
# the id is of the kind's history row rather than of the object.
_KIND_ID_COLUMNS: dict[type[Model], dict[str, tuple[str, bool]]] = {
    HistoryEntry: {"object_id": ("model", False), "history_id": ("model", True)},
    SearchDocument: {"object_id": ("kind", False)},
}


class _RowIds:
    """The ids a row of `model` holds: (column, the model whose id it is, value)."""

    def __init__(self, model: type[Model]):
        self.label = model._meta.label
        self.pk = model._meta.pk.attname
        self.columns = id_columns(model)
        self.by_kind = _KIND_ID_COLUMNS.get(model, {})
        self.history_models = live_ledger().history_models

    def __call__(self, row: dict) -> Iterator[tuple[str, type[Model], object]]:
        for column, target in self.columns.items():
            if row.get(column) is not None:
                yield column, target, row[column]
        for column, (kind_column, of_history) in self.by_kind.items():
            if row.get(column) is None:
                continue
            kind = row.get(kind_column)
            history = self.history_models.get(kind) if isinstance(kind, str) else None
            if history is None:
                raise ValidationError(f"{self.where(row)}: {kind_column} {kind!r} is no kind of object.")
            yield column, history if of_history else history.instance_type, row[column]

    def where(self, row: dict, column: str = "") -> str:
        """The row as a message names it."""
        return f"{self.label} row {row.get(self.pk)}" + (f" ({column})" if column else "")


@dataclass(frozen=True)
class Contents:
    """An archive's contents as both imports check them before writing anything."""

    workspace: dict
    """The archived workspace's row."""
    users: list[dict]
    """users.jsonl, as the export writes it."""
    ids: dict[type[Model], set[int]]
    """Every id the archive holds, by the model it is an id of (its workspace's, its users')."""
    files: list[tuple[Path, str]]
    """The originals the archive carries, and their storage names."""


def checked_contents(directory: Path, manifest: dict, model_list: list[type[Model]]) -> Contents:
    """The archive's contents (of a `verify`d archive whose rows are of `model_list`), once
    found to be one workspace's and nothing else's; else refused, saying what and why."""
    files = original_files(directory, manifest)
    users = archived_users(directory / "users.jsonl")
    if Workspace not in model_list:
        raise ValidationError("The archive holds no workspace.")
    archived = list(read_records(directory / records_name(Workspace._meta.label)))
    if len(archived) != 1:
        raise ValidationError(f"The archive holds {len(archived)} workspaces, not one.")
    workspace = archived[0]
    if type(workspace.get("id")) is not int or workspace.get("slug") != manifest["workspace"]:
        raise ValidationError(
            f"The archive's workspace row (id {workspace.get('id')!r}, slug {workspace.get('slug')!r}) "
            f"is not the workspace {manifest['workspace']!r} its manifest names."
        )
    ids: dict[type[Model], set[int]] = defaultdict(set)
    ids[get_user_model()].update(row["id"] for row in users)
    named_files: dict[str, str] = {}
    for model in model_list:
        row_ids = _RowIds(model)
        file_fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for row in read_records(directory / records_name(model._meta.label)):
            if row.get(row_ids.pk) is None:
                raise ValidationError(f"A row of {model._meta.label} has no {row_ids.pk}.")
            for column, target, value in row_ids(row):
                if not _is_id(value):
                    raise ValidationError(f"{row_ids.where(row, column)} holds {value!r}, {_NOT_AN_ID}")
                if target is Workspace and value != workspace["id"]:
                    raise ValidationError(
                        f"The archive's rows belong to more than one workspace: {row_ids.where(row, column)} "
                        f"names workspace {value}, not the archive's own ({workspace['id']}, "
                        f"{manifest['workspace']!r}). An archive may hold only its workspace's rows."
                    )
                ids[target].add(value)
            for column in file_fields:
                if row.get(column):
                    named_files.setdefault(str(row[column]), row_ids.where(row, column))
    carried = {name for _, name in files}
    missing = sorted(set(named_files) - carried)
    if missing:
        raise ValidationError(
            f"{named_files[missing[0]]} names the stored file {missing[0]}, which the archive does not "
            "carry: an export carries every file its rows name, and a row may not name a file stored "
            "here for another workspace."
        )
    return Contents(workspace, users, dict(ids), files)


_NOT_AN_ID = f"not an id: a whole number from 1 to {LARGEST_ID:,}."


def _is_id(value: object) -> TypeGuard[int]:
    return type(value) is int and 0 < value <= LARGEST_ID


def archived_users(path: Path) -> list[dict]:
    """The archive's users: an id, a username, and no other field than the export writes.
    Site rights (staff, superuser) and passwords are refused, not dropped: an archive
    never carries them, so one that does was made to give them."""
    users = []
    for number, row in enumerate(read_records(path), 1):
        if not _is_id(row.get("id")) or not row.get("username") or not isinstance(row["username"], str):
            raise ValidationError(f"users.jsonl line {number} has no id ({_NOT_AN_ID}) or no username.")
        extra = set(row) - set(USER_FIELDS)
        if extra:
            raise ValidationError(
                f"users.jsonl gives user {row['username']!r} {', '.join(sorted(extra))}, which an export "
                f"never writes: an archive carries no passwords and no site rights (only "
                f"{', '.join(USER_FIELDS)})."
            )
        users.append(row)
    return users


def unsaved_user(row: dict[str, Any]) -> User:
    """An archived user (from `archived_users`) as a new user of this site: no site rights,
    no usable password (passwords are not exported; an admin resets them)."""
    user = build_instance(get_user_model(), row)
    user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    return user


def original_files(directory: Path, manifest: dict) -> list[tuple[Path, str]]:
    """The archive's originals and their storage names, which must be their SHA-256's; none
    may be stored here already with other bytes (it is not overwritten)."""
    files = []
    for name, sha256 in manifest["sha256"].items():
        if not name.startswith("files/"):
            continue
        stored = original_name(sha256)  # `verify` found the content to have this SHA-256
        if name.removeprefix("files/") != stored:
            raise ValidationError(
                f"{name} holds bytes whose SHA-256 is {sha256}, not the one it is named for: originals "
                "are stored under their own SHA-256, and these would be served for other content."
            )
        if default_storage.exists(stored) and _stored_sha256(stored) != sha256:
            raise ValidationError(
                f"{stored} is stored here with other bytes than its name's SHA-256 (damaged here: check "
                "fixity); the import does not overwrite a stored file."
            )
        files.append((directory / name, stored))
    return files


def _stored_sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store_originals(files: list[tuple[Path, str]]) -> None:
    """Store the originals `original_files` checked: last, once everything else is written."""
    for path, name in files:
        if store_original(path.read_bytes())[0] != name:
            raise ValidationError(f"{path.name} changed while it was imported.")


# --- The plain import ----------------------------------------------------------


@transaction.atomic
def import_archive(*, directory: Path) -> Workspace:
    """Restore an exported workspace, with the same primary keys, into a
    database that does not hold it (an empty one, or another site's).

    The manifest's hashes prove only that the files are the ones it lists: a
    forger who edits a history row can re-hash it. So the archive must first hold
    one workspace and nothing else (`checked_contents`), and every id its rows hold
    must be free here (`_refuse_ids_taken_here`): no row of it can then land in,
    or point at, anything this database holds but the users it matches.

    The archive's ledger is restored verbatim with the rows, so its chain is then
    verified by the ledger's own verifier (archive.audit.ledger.verify_workspace,
    which hashes history rows as read back from the database, as the ledger does)
    before any original is stored or the transaction commits: a history that does not
    verify is refused, naming its first bad entry, and nothing is kept. The same
    verifier compares every restored live row with its newest history row, so a
    record changed in the archive outside its history is refused as well.
    """
    manifest = verify(directory)
    if Workspace.objects.filter(slug=manifest["workspace"]).exists():
        raise ValidationError(f"A workspace {manifest['workspace']!r} exists already: {_AS_NEW}.")
    model_list = archived_models(manifest)
    contents = checked_contents(directory, manifest, model_list)
    users = _new_users(contents.users)
    _refuse_ids_taken_here(directory, model_list, contents)
    user_model = get_user_model()
    with rows_that_fit():
        with stored_timestamps([user_model]):
            user_model._base_manager.bulk_create(users, batch_size=_BATCH)
        with stored_timestamps(model_list):
            for model in model_list:
                rows = read_records(directory / records_name(model._meta.label))
                for batch in _batches(rows):
                    model._base_manager.bulk_create([build_instance(model, row) for row in batch])
        # PostgreSQL checks foreign keys at COMMIT, where a refusal would be a crash.
        connection.check_constraints(table_names=[m._meta.db_table for m in [user_model, *model_list]])
    workspace = Workspace.objects.get(pk=contents.workspace["id"])
    verification = verify_workspace(workspace.pk)
    if not verification.ok:
        raise ValidationError(f"The archive's history does not verify: {verification.problem}.")
    for target, ids in contents.ids.items():
        # New rows must not take an id the archive holds: a deleted object's lives on in its
        # history, and ids of users or objects the archive does not hold are still its rows'.
        if isinstance(target._meta.pk, models.AutoField):
            advance_past(target, max(ids))
    store_originals(contents.files)
    return workspace


def _batches(rows: Iterator[dict]) -> Iterator[list[dict]]:
    while batch := list(islice(rows, _BATCH)):
        yield batch


def _new_users(archived: list[dict]) -> list[User]:
    """The archive's users this database lacks. One it has must be the same (id and
    username) and is left as it is: its password and rights are this site's."""
    existing = dict(get_user_model()._base_manager.values_list("pk", "username"))
    taken = set(existing.values())
    new = []
    for row in archived:
        if row["id"] in existing:
            if existing[row["id"]] != row["username"]:
                raise ValidationError(
                    f"User {row['id']} is {existing[row['id']]!r} here, not {row['username']!r}: "
                    f"import into an empty database or {_AS_NEW}."
                )
            continue
        if row["username"] in taken:
            raise ValidationError(
                f"The username {row['username']!r} belongs to another user here: "
                f"import into an empty database or {_AS_NEW}."
            )
        new.append(unsaved_user(row))
    return new


def _refuse_ids_taken_here(directory: Path, model_list: list[type[Model]], contents: Contents) -> None:
    """The plain import keeps ids: each the archive's rows hold must be free here, as a
    row and in history (a deleted object's), or its row would land on, or point at, what
    this database holds (another workspace's passage, say). Its users are the exception:
    those this database has, by id and username, are matched (`_new_users`)."""
    user_model = get_user_model()
    matched = {row["id"] for row in contents.users}
    for target, ids in sorted(contents.ids.items(), key=lambda item: item[0]._meta.label):
        taken = _taken(target, sorted(ids - matched if target is user_model else ids))
        if taken:
            shown = ", ".join(map(str, taken[:10])) + (", …" if len(taken) > 10 else "")
            raise ValidationError(
                f"{target._meta.label} ids exist already here: {shown} (the first named by "
                f"{_first_naming(directory, model_list, target, set(taken))}). The plain import keeps "
                f"every id, so the archive's rows would point at what this database holds: "
                f"import into an empty database or {_AS_NEW}."
            )


def _taken(model: type[Model], ids: list[int]) -> list[int]:
    """Those of `ids` that this database holds for `model`: as rows, or in their history."""
    if not ids:
        return []
    tables = [(model, "pk")] + [
        (history, "id") for history in archive_models() if getattr(history, "instance_type", None) is model
    ]
    taken: set[int] = set()
    for table, column in tables:
        rows = table._base_manager.all()
        # Into an empty database, or one whose ids are elsewhere, one query answers.
        if not rows.filter(**{f"{column}__range": (ids[0], ids[-1])}).exists():
            continue
        for start in range(0, len(ids), _IDS_PER_QUERY):
            chunk = ids[start : start + _IDS_PER_QUERY]
            taken.update(rows.filter(**{f"{column}__in": chunk}).values_list(column, flat=True))
    return sorted(taken)


def _first_naming(directory: Path, model_list: list[type[Model]], target: type[Model], ids: set) -> str:
    for model in model_list:
        row_ids = _RowIds(model)
        for row in read_records(directory / records_name(model._meta.label)):
            for column, named, value in row_ids(row):
                if named is target and value in ids:
                    return row_ids.where(row, column)
    return "no row"
