"""Lossless export and import of a workspace: a self-contained directory.

    manifest.json             format, workspace, row counts, SHA-256 of every file
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
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max, Model, Q

from archive.audit.ledger import verify_workspace
from archive.backups.sequences import advance_past
from archive.models import Workspace

M = TypeVar("M", bound=Model)

FORMAT = "warrant-archive"
FORMAT_VERSION = 1
USER_FIELDS = ["id", "username", "first_name", "last_name", "email", "is_active", "date_joined"]
_BATCH = 1000
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
    job's heartbeat writes outside it) and files hashed."""
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise ValidationError(f"{directory} is not empty.")
    (directory / "records").mkdir()
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
        with default_storage.open(name, "rb") as source, target.open("wb") as out:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                out.write(chunk)
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


def unsaved_user(row: dict[str, Any]) -> User:
    """An archived user as a new user of this site, with the archived fields."""
    user = build_instance(get_user_model(), row)
    user.set_unusable_password()  # passwords are not exported; an admin resets them
    return user


def _restore_users(path: Path) -> None:
    """Create the archive's users; an existing user must be the same (id and username)."""
    user_model = get_user_model()
    existing = dict(user_model._base_manager.values_list("pk", "username"))
    taken = set(existing.values())
    new = []
    for row in read_records(path):
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
    with stored_timestamps([user_model]):
        user_model._base_manager.bulk_create(new, batch_size=_BATCH)


@transaction.atomic
def import_archive(*, directory: Path) -> Workspace:
    """Restore an exported workspace, with the same primary keys, into a
    database that does not hold it (an empty one, or another site's).

    The manifest's hashes prove only that the files are the ones it lists: a
    forger who edits a history row can re-hash it. The archive's ledger is
    restored verbatim with the rows, so its chain is then verified by the
    ledger's own verifier (archive.audit.ledger.verify_workspace, which hashes
    history rows as read back from the database, as the ledger does) before
    any original is stored or the transaction commits: a history that does not
    verify is refused, naming its first bad entry, and nothing is kept. The same
    verifier compares every restored live row with its newest history row, so a
    record changed in the archive outside its history is refused as well.
    """
    manifest = verify(directory)
    if Workspace.objects.filter(slug=manifest["workspace"]).exists():
        raise ValidationError(f"A workspace {manifest['workspace']!r} exists already: {_AS_NEW}.")
    model_list = archived_models(manifest)
    _restore_users(directory / "users.jsonl")
    with stored_timestamps(model_list):
        for model in model_list:
            batch = []
            for row in read_records(directory / records_name(model._meta.label)):
                batch.append(build_instance(model, row))
                if len(batch) == _BATCH:
                    _insert(model, batch)
                    batch = []
            _insert(model, batch)
    workspace = Workspace.objects.filter(slug=manifest["workspace"]).first()
    if workspace is None:
        raise ValidationError(f"The archive holds no workspace {manifest['workspace']!r}.")
    verification = verify_workspace(workspace.pk)
    if not verification.ok:
        raise ValidationError(f"The archive's history does not verify: {verification.problem}.")
    for name in manifest["sha256"]:
        if name.startswith("files/"):
            restore_file(directory / name, name.removeprefix("files/"))
    with connection.cursor() as cursor:  # PostgreSQL: sequences past the restored ids
        for statement in connection.ops.sequence_reset_sql(no_style(), model_list):
            cursor.execute(statement)
    _keep_remembered_ids(model_list)
    return workspace


def _keep_remembered_ids(model_list: list[type[Model]]) -> None:
    """Ids of deleted objects live on in their history rows: new objects must not take them."""
    for model in model_list:
        instance_type = getattr(model, "instance_type", None)
        if instance_type is not None:
            largest = model._base_manager.aggregate(largest=Max("id"))["largest"]
            if largest is not None:
                advance_past(instance_type, largest)


def _insert(model: type[Model], batch: list[Model]) -> None:
    if batch and model._base_manager.filter(pk__in=[obj.pk for obj in batch]).exists():
        raise ValidationError(
            f"{model._meta.label}: rows with these ids exist already: "
            f"import into an empty database or {_AS_NEW}."
        )
    model._base_manager.bulk_create(batch)


def restore_file(path: Path, name: str) -> None:
    """Store an original under its name; one already there must be the same bytes."""
    data = path.read_bytes()
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            if stored.read() != data:
                raise ValidationError(f"{name} is stored here with other content.")
        return
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        default_storage.delete(saved)
        raise ValidationError(f"Could not store {name} under its own name.")
