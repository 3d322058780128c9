"""Importing an archive as a new workspace, beside whatever the database holds.

The plain import (archive.backups.archive.import_archive) keeps every primary
key, so it needs a database that has none of them. This one copies the
archive into a new workspace of any database (the same one it came from, to
duplicate a workspace, or another site's that has other workspaces):

- ids: every object the archive mentions, live or only remembered by its
  history (deleted objects, their many-to-many rows), gets an id reserved from
  its table's sequence, in the order of the old ids, so no later row takes it;
  every column holding an id (primary keys, foreign keys, a history row's
  object id) is rewritten through these maps (`id_columns`).
- users: matched by username; the others are created as the plain import
  creates them (archived fields, no usable password).
- members: the archive's memberships, with their roles, are those of the export,
  whoever holds these usernames here. Without them (`with_members=False`) they are
  still copied, since the history that verifies the copy names them, then removed
  through archive.workspaces, each removal in the new history; `admin` (required
  then) is made the copy's admin first, as a workspace always keeps one. `Copy`
  lists who is a member of the copy, and with which role, and who was left out.
- the ledger: its hashes cover the ids, so they cannot be copied. Each
  imported history row, read back and mapped to its old ids, must hash as the
  archive's entry says, entry after entry up to the archive's head: a changed
  history is refused, not laundered into a fresh chain. The same rows are then
  chained, in the same order and with the same actions, into the new
  workspace's chain. The workspace's description and a last history row name
  the archive (its manifest's SHA-256) and the head hash it verified against.
- live rows: the chain vouches only for the history rows, so every imported
  live row must then be its newest history row (archive.audit.live, as
  verify_history checks it): a record changed in the archive outside its
  history is refused, named by its archived id, not given a history it never had.
- the search index is derived data: rebuilt for the new workspace.
- files are content-addressed: what is stored already is shared.

Every file's SHA-256 is checked before anything is written, and so is what the
archive may hold (archive.backups.archive.checked_contents, as the plain import
checks it: one workspace's rows, users without site rights, originals under their
own SHA-256); everything happens in one transaction: a refused archive leaves the
database as it was (originals are stored only once everything else checks).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC
from itertools import islice
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from archive.audit.ledger import ENTRY_FIELDS, Ledger, chain_imported, entry_hash_matches, live_ledger
from archive.audit.live import LiveRowProblem, live_rows_problem, row_problem
from archive.backups.archive import (
    Contents,
    archived_models,
    build_instance,
    checked_contents,
    id_columns,
    read_records,
    records_name,
    rows_that_fit,
    sha256_file,
    store_originals,
    stored_timestamps,
    unsaved_user,
    verify,
)
from archive.backups.sequences import reserve_ids
from archive.core.attribution import recorded_as
from archive.core.db import concrete_field
from archive.core.text import isolated
from archive.models import (
    HistoryChain,
    HistoryEntry,
    HistoryVerification,
    Membership,
    Role,
    SearchDocument,
    SearchTerm,
    Workspace,
)
from archive.models.audit import GENESIS_HASH
from archive.search.indexing import index_workspace
from archive.workspaces import DEACTIVATED, NEEDS_AN_ADMIN, add_member, remove_member, set_role

# Not copied: the ledger is re-chained over the new ids and the search index rebuilt; the
# verifications recorded vouch for the archived chain, whose hashes the copy does not have.
REBUILT = (HistoryChain, HistoryEntry, HistoryVerification, SearchDocument, SearchTerm)
_BATCH = 1000


@dataclass(frozen=True)
class Member:
    """A membership of the copy, or one of the archive's left out of it (`role` then the
    archived one): whose account, of this site, gets which role."""

    username: str
    role: str
    created: bool
    """The account was created by the import (none here had its username): no password yet."""
    active: bool


@dataclass(frozen=True)
class Copy:
    workspace: Workspace
    source_slug: str
    manifest_sha256: str
    history_length: int
    """Of the archive's chain, verified; the new chain has more entries: the import itself, and
    the membership changes `admin` and `with_members=False` make."""
    head_hash: str
    matched_users: list[str]
    created_users: list[str]
    rows: int
    files: int
    members: list[Member]
    """Every membership of the copy, by username."""
    left_out: list[Member]
    """The archive's members who have no membership in the copy (`with_members=False`)."""


class _Renumbering:
    """Old id -> new id for every id the archive mentions, per model."""

    def __init__(self, tables: dict[type[Model], dict[str, type[Model]]]):
        self.tables = tables
        self.new: dict[type[Model], dict[int, int]] = {}
        self.old: dict[type[Model], dict[int, int]] = {}

    def add(self, model: type[Model], new_ids: dict[int, int]) -> None:
        self.new[model] = new_ids
        self.old[model] = {new: old for old, new in new_ids.items()}

    def forward(self, model: type[Model], row: dict) -> dict:
        return self._map(model, row, self.new)

    def original_history_row(self, ledger: Ledger, label: str, row: dict) -> dict:
        """A history row as Ledger.serialize reads it here, with the archive's ids back."""
        original = self._map(ledger.history_models[label], row, self.old)
        for key, m2m_model in ledger.m2m_models[label]:
            original[key] = [self._map(m2m_model, m2m_row, self.old) for m2m_row in row[key]]
        return original

    def object_repr(self, ledger: Ledger, entry: dict) -> str:
        """The entry's text, renumbered where the ledger wrote "<model> #<id>" for want of one."""
        model = ledger.history_models[entry["model"]].instance_type
        old, text = entry["object_id"], entry["object_repr"]
        new = self.new.get(model, {}).get(old)
        for name in (model._meta.verbose_name, entry["model"]):
            if new is not None and text == f"{name} #{old}":
                return f"{name} #{new}"
        return text

    def _map(self, model: type[Model], row: dict, maps: dict[type[Model], dict[int, int]]) -> dict:
        mapped = dict(row)
        for column, target in self.tables[model].items():
            if mapped.get(column) is not None:
                mapped[column] = maps[target][mapped[column]]
        return mapped


@transaction.atomic
def import_as_new_workspace(
    *,
    directory: Path,
    slug: str,
    name: str | None = None,
    with_members: bool = True,
    admin: Any = None,
) -> Copy:
    """Copy an exported workspace, with its full history and files, into a new
    workspace `slug` (named `name`, else as archived), under new ids. Its members are
    the archive's (matched by username), or none but `admin` without `with_members`;
    `admin`, an active account here, is made the copy's admin either way."""
    _check_new_workspace(slug, name)
    _check_admin(admin, with_members=with_members)
    manifest = verify(directory)
    contents = checked_contents(directory, manifest, archived_models(manifest))
    with rows_that_fit():
        return _copy(
            directory, manifest, contents, slug=slug, name=name, with_members=with_members, admin=admin
        )


def _check_admin(admin: Any, *, with_members: bool) -> None:
    """Refuse, before anything is read, a copy that would have no admin to manage its members."""
    if admin is None and not with_members:
        raise ValidationError(NEEDS_AN_ADMIN)
    if admin is not None and not admin.is_active:
        raise ValidationError(DEACTIVATED.format(username=isolated(admin.username)), code="deactivated")


def _check_new_workspace(slug: str, name: str | None) -> None:
    for field_name, value in (("slug", slug), ("name", name)):
        if value is None:
            continue
        try:
            concrete_field(Workspace, field_name).clean(value, None)
            # Saved without full_clean (the workspace's archived fields are kept as they were).
            if problem := Workspace.text_problem(field_name, value):
                raise ValidationError(problem)
        except ValidationError as error:
            problem = " ".join(error.messages)
            raise ValidationError(f"The new workspace's {field_name} {value!r}: {problem}") from None
    if Workspace.objects.filter(slug=slug).exists():
        raise ValidationError(f"A workspace {slug!r} exists already: choose another slug.")


def _copy(
    directory: Path,
    manifest: dict,
    contents: Contents,
    *,
    slug: str,
    name: str | None,
    with_members: bool,
    admin: Any,
) -> Copy:
    tables = {model: id_columns(model) for model in archived_models(manifest) if model not in REBUILT}
    # The rebuilt tables' own ids are not copied; checked_contents found the workspace the only one.
    mentioned = {target: ids for target, ids in contents.ids.items() if target not in (*REBUILT, Workspace)}
    archived_id = contents.workspace["id"]
    renumbering = _Renumbering(tables)
    renumbering.add(Workspace, {archived_id: reserve_ids(Workspace, 1)[0]})
    user_model = get_user_model()
    user_ids, matched, created = _users(contents.users, mentioned.pop(user_model, set()))
    renumbering.add(user_model, user_ids)
    for target, ids in sorted(mentioned.items(), key=lambda item: item[0]._meta.label):
        if target not in tables:
            raise ImproperlyConfigured(f"Cannot renumber the ids of {target._meta.label}.")
        renumbering.add(target, dict(zip(sorted(ids), reserve_ids(target, len(ids)), strict=True)))
    rows = _insert(directory, tables, renumbering, slug=slug)
    connection.check_constraints(table_names=[model._meta.db_table for model in tables])
    length, head = _rechain(directory, manifest, renumbering)
    workspace = Workspace.objects.get(pk=renumbering.new[Workspace][archived_id])
    # The workspace row before the provenance's save records it as it stands: but for the
    # slug the import gave it, it must be its newest archived history row.
    problem = row_problem(workspace, ignoring=frozenset({"slug"}))
    if problem:
        raise _changed_outside(problem, renumbering)
    index_workspace(workspace=workspace)
    manifest_sha256 = sha256_file(directory / "manifest.json")
    _record_provenance(workspace, name, manifest["workspace"], manifest_sha256, length, head)
    left_out = _settle_members(workspace, manifest["workspace"], with_members=with_members, admin=admin)
    problem = live_rows_problem(workspace.pk)
    if problem:
        raise _changed_outside(problem, renumbering)
    store_originals(contents.files)
    return Copy(
        workspace,
        manifest["workspace"],
        manifest_sha256,
        length,
        head,
        matched,
        created,
        rows,
        len(contents.files),
        _members(workspace.memberships.select_related("user"), created),
        _members(left_out, created),
    )


ADMIN_OF_THE_COPY = "Made admin of this copy of the archive of {source!r} by whoever imported it."
LEFT_OUT = (
    "Imported without the archive's members: its memberships are those of {source!r} when it was "
    "exported, and this copy's admin chooses its own."
)


def _settle_members(workspace: Workspace, source: str, *, with_members: bool, admin: Any) -> list[Membership]:
    """Make `admin` the copy's admin, then, without `with_members`, take away every other
    membership the archive brought (returned, as they were). Through archive.workspaces, so in
    the copy's history, and its rule that a workspace keeps an admin: hence the admin first."""
    if admin is not None:
        own = Membership.objects.filter(workspace=workspace, user=admin).first()
        reason = ADMIN_OF_THE_COPY.format(source=source)
        if own is None:
            add_member(workspace=workspace, member=admin, role=Role.ADMIN, user=None, reason=reason)
        elif own.role != Role.ADMIN:
            set_role(workspace=workspace, member=admin, role=Role.ADMIN, user=None, reason=reason)
    if with_members:
        return []
    others = list(workspace.memberships.exclude(user=admin).select_related("user"))
    for membership in others:
        remove_member(membership=membership, user=None, reason=LEFT_OUT.format(source=source))
    return others


def _members(memberships: Iterable[Membership], created: list[str]) -> list[Member]:
    return sorted(
        (
            Member(
                username=membership.user.username,
                role=membership.role,
                created=membership.user.username in created,
                active=membership.user.is_active,
            )
            for membership in memberships
        ),
        key=lambda member: member.username,
    )


def _users(archived: list[dict], mentioned: set[int]) -> tuple[dict[int, int], list[str], list[str]]:
    """Archived user id -> user here (matched by username and left as it is, else created),
    and who was which."""
    user_model = get_user_model()
    here = dict(
        user_model._base_manager.filter(username__in=[row["username"] for row in archived]).values_list(
            "username", "pk"
        )
    )
    new_rows = [row for row in archived if row["username"] not in here]
    # Users deleted before the export are known by id only: they get ids no user here has.
    fresh = sorted({row["id"] for row in new_rows} | (mentioned - {row["id"] for row in archived}))
    ids = dict(zip(fresh, reserve_ids(user_model, len(fresh)), strict=True))
    ids |= {row["id"]: here[row["username"]] for row in archived if row["username"] in here}
    users = []
    for row in new_rows:
        user = unsaved_user(row)
        user.pk = ids[row["id"]]
        users.append(user)
    with stored_timestamps([user_model]):
        user_model._base_manager.bulk_create(users, batch_size=_BATCH)
    matched = sorted(row["username"] for row in archived if row["username"] in here)
    return ids, matched, sorted(row["username"] for row in new_rows)


def _insert(directory: Path, tables: dict, renumbering: _Renumbering, *, slug: str) -> int:
    """Write every archived row, renumbered; the workspace under its new slug."""
    count = 0
    with stored_timestamps(list(tables)):
        for model in tables:
            rows = (
                renumbering.forward(model, row)
                for row in read_records(directory / records_name(model._meta.label))
            )
            for batch in _batches(rows, _BATCH):
                if model is Workspace:
                    batch = [{**row, "slug": slug} for row in batch]
                model._base_manager.bulk_create([build_instance(model, row) for row in batch])
                count += len(batch)
    return count


def _rechain(directory: Path, manifest: dict, renumbering: _Renumbering) -> tuple[int, str]:
    """Check the archive's chain against the imported rows, and chain them into the new workspace's.

    Returns the archive chain's length and head hash.
    """
    ledger = live_ledger()
    covered: Counter[str] = Counter()
    expected, prev_hash = 1, GENESIS_HASH
    entries = (_entry(row) for row in _archived_rows(directory, manifest, HistoryEntry))
    for chunk in _batches(entries, _BATCH):
        ids_by_label: dict[str, list[int]] = defaultdict(list)
        for entry in chunk:
            if entry["model"] not in ledger.history_models:
                raise _unverified(entry, "names an unknown model")
            new_id = renumbering.new.get(ledger.history_models[entry["model"]], {}).get(entry["history_id"])
            if new_id is None:
                raise _unverified(entry, "has no history row in the archive")
            ids_by_label[entry["model"]].append(new_id)
        rows = {label: ledger.serialize(label, ids) for label, ids in ids_by_label.items()}
        imported = []
        for entry in chunk:
            if entry["sequence"] != expected or entry["prev_hash"] != prev_hash:
                raise _unverified(entry, f"does not follow entry #{expected - 1}")
            label = entry["model"]
            row = rows[label][renumbering.new[ledger.history_models[label]][entry["history_id"]]]
            original = renumbering.original_history_row(ledger, label, row)
            if not entry_hash_matches(prev_hash, entry, original, entry["hash"]):
                raise _unverified(entry, "does not match its hash: the entry or its history row was changed")
            imported.append((label, row, entry["action"], renumbering.object_repr(ledger, entry)))
            covered[label] += 1
            prev_hash, expected = entry["hash"], expected + 1
        chain_imported(imported)
    chain = list(_archived_rows(directory, manifest, HistoryChain))
    length, head = (chain[0]["length"], chain[0]["head_hash"]) if chain else (0, GENESIS_HASH)
    if len(chain) > 1 or (length, head) != (expected - 1, prev_hash):
        raise ValidationError(
            f"The archive's history does not verify: its chain ends at entry #{expected - 1}, "
            f"but its head records #{length} {head}."
        )
    for label, model in ledger.history_models.items():
        if covered[label] != manifest["rows"].get(model._meta.label, 0):
            raise ValidationError(
                f"The archive's history does not verify: {label} history rows are missing from its chain."
            )
    return length, head


def _archived_rows(directory: Path, manifest: dict, model: type[Model]) -> Iterator[dict]:
    if model._meta.label in manifest["rows"]:
        yield from read_records(directory / records_name(model._meta.label))


def _entry(row: dict) -> dict:
    """A ledger entry as the ledger hashes it (typed values)."""
    entry = build_instance(HistoryEntry, row)
    return {name: getattr(entry, name) for name in (*ENTRY_FIELDS, "prev_hash", "hash")}


def _unverified(entry: dict, problem: str) -> ValidationError:
    return ValidationError(
        f"The archive's history does not verify: entry #{entry['sequence']} ({entry['model']} "
        f"{entry['object_id']}, history row {entry['history_id']}) {problem}."
    )


def _changed_outside(problem: LiveRowProblem, renumbering: _Renumbering) -> ValidationError:
    """A refusal naming the object by its id in the archive: the new one is rolled back."""
    model = next(model for model in renumbering.old if model._meta.model_name == problem.label)
    archived = replace(problem, object_id=renumbering.old[model].get(problem.object_id, problem.object_id))
    return ValidationError(f"The archive's records are not what its history records: {archived}.")


def _record_provenance(
    workspace: Workspace, name: str | None, source_slug: str, manifest_sha256: str, length: int, head: str
) -> None:
    """Say in the workspace, and in its history (so in the new chain), where the copy came from."""
    now = timezone.now().astimezone(UTC)
    note = (
        f"Imported from an archive of workspace {source_slug!r} on {now:%Y-%m-%d %H:%M} UTC "
        f"(manifest SHA-256 {manifest_sha256}); its history verified up to entry #{length}, head hash {head}."
    )
    # Without a name of its own, a copy's is the original's marked as a copy: two workspaces
    # of one name could not be told apart in the menus and search results.
    workspace.name = name or f"{workspace.name} (copy)"[: Workspace._meta.get_field("name").max_length]
    workspace.description = "\n\n".join(part for part in (workspace.description, note) if part)
    with recorded_as(user=None, reason=note):
        workspace.save()


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
