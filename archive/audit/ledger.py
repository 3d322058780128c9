"""Appending history rows to the hash-chained ledger, and verifying it.

Each workspace has one chain. Entry n's hash is

    SHA-256( prev_hash + "\\n" + canonical JSON of {entry fields..., "row": history row} )

where prev_hash is entry n-1's hash (64 zeros for entry 1), the entry fields
are ENTRY_FIELDS, and the history row is every column of the model's
history table, plus the rows of its many-to-many history tables (an
annotation's passages) under "m2m:<table>". Canonical JSON: keys sorted, no
spaces, UTF-8, datetimes as ISO 8601 in UTC with microseconds, dates as ISO
8601. The row is serialized as the database stores it, so the write path and
the verifier hash exactly the same values: the verifier reads it back; the
write path, when the writer hands over the rows it has just inserted, builds
it from their values normalised as the database stores them (`as_stored`),
and reads back only what that cannot predict exactly (floats in JSON, say)
or what a rolled-back savepoint may have taken away.

The same code runs against the live models and against a migration's
historical models (the backfill in the migration that created the ledger).
"""

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, cast
from uuid import UUID

import orjson
from django.apps import apps as live_apps
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from archive.audit.kinds import KINDS, object_name
from archive.audit.live import LiveRowProblem, live_rows_problem
from archive.core.attribution import current_attribution
from archive.core.db import concrete_field, insert_rows, prefetched
from archive.core.graphemes import shorten
from archive.core.history import HistoryModel
from archive.core.unit_of_work import defer, savepoint_rolled_back
from archive.models.audit import GENESIS_HASH, HistoryAction, HistoryChain

ENTRY_FIELDS = (
    "workspace_id",
    "sequence",
    "model",
    "object_id",
    "history_id",
    "action",
    "user_id",
    "recorded_at",
    "reason",
    "object_repr",
    "source_id",
    "claim_id",
)
ACTION_OF_HISTORY_TYPE = {"+": HistoryAction.CREATED, "~": HistoryAction.CHANGED, "-": HistoryAction.DELETED}
OBJECT_REPR_LENGTH = 200
# Columns added to a history table after chains had begun, with their default: a row
# leaves such a column out while it holds the default, so that the entries written
# before the column existed still verify (a non-default value is hashed as usual).
LATER_COLUMNS: dict[str, dict[str, object]] = {
    "annotation": {"canonical": "", "via": ""},
    "evidence": {"canonical": "", "via": ""},
    "workspace": {"verdict_scale": {}},
    "membership": {"email_alerts": False},
    "alert": {"claim_id": None, "annotation_id": None, "source_version_id": None},
    "source": {
        "translators": [],
        "unarchived_title": "",
        "unarchived_url": "",
        "unarchived_outlet": "",
        "unarchived_language": "",
        "unarchived_published_on": None,
    },
}
# Ids per `IN (...)` query: below SQLite's historical limit of 999 parameters.
_IDS_PER_QUERY = 900
_HISTORICAL = "Historical"


# --- Canonical serialization and hashing ---------------------------------------


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is not UTC:  # the database gives UTC; anything else is converted
            value = timezone.make_aware(value, UTC) if timezone.is_naive(value) else value.astimezone(UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    raise TypeError(f"cannot serialize {type(value).__name__} for the audit ledger")


# One encoder for every entry: json.dumps() with options would build one per call.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_value)


def canonical_json(payload: dict) -> str:
    return _ENCODER.encode(payload)


def entry_hash(prev_hash: str, entry: dict, row: dict) -> str:
    """The hash of an entry (a dict with ENTRY_FIELDS) and its serialized history row."""
    payload = {**{name: entry[name] for name in ENTRY_FIELDS}, "row": row}
    return hashlib.sha256(f"{prev_hash}\n{canonical_json(payload)}".encode()).hexdigest()


# orjson writes what canonical_json() writes for nearly every value a history row
# holds (keys sorted by code point, the same escapes, UTF-8), ten times as fast. It
# writes a few otherwise: a float such as 1e-05, a datetime on the whole second or
# outside UTC. Its bytes are still JSON of the same values, so they match a hash
# only where the reference's would; a mismatch is confirmed with canonical_json().
_FAST_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS


def fast_canonical_json(payload: dict) -> bytes | None:
    """canonical_json(payload) as UTF-8, nearly always; None for a value orjson cannot write."""
    try:
        return orjson.dumps(payload, default=_json_value, option=_FAST_OPTIONS)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits, say
        return None


def entry_hash_matches(prev_hash: str, entry: dict, row: dict, expected: str) -> bool:
    """Whether entry_hash(prev_hash, entry, row) is `expected`: the verifier's way."""
    text = fast_canonical_json({**{name: entry[name] for name in ENTRY_FIELDS}, "row": row})
    if text is not None and hashlib.sha256(prev_hash.encode() + b"\n" + text).hexdigest() == expected:
        return True
    return entry_hash(prev_hash, entry, row) == expected


# --- Which tables hold history ----------------------------------------------------


class Ledger:
    """The ledger's models and the history models, live or from a migration's state."""

    def __init__(self, apps=live_apps):
        self.entry_model = apps.get_model("archive", "HistoryEntry")
        self.chain_model = apps.get_model("archive", "HistoryChain")
        self.history_models: dict[str, HistoryModel] = {}
        self.m2m_models: dict[str, list[tuple[str, HistoryModel]]] = {}
        for model in apps.get_app_config("archive").get_models():
            name = model._meta.object_name
            field_names = {field.name for field in model._meta.concrete_fields}
            if name.startswith(_HISTORICAL) and "history_type" in field_names:
                label = name[len(_HISTORICAL) :].lower()
                self.history_models[label] = model
                self.m2m_models[label] = [
                    (f"m2m:{rel.related_model._meta.model_name}", rel.related_model)
                    for rel in model._meta.related_objects
                    if rel.field.name == "history"
                ]

    def workspace_rows(self, label: str, workspace_id: int):
        """A queryset of the history rows of `label` that belong to the workspace."""
        rows = self.history_models[label]._default_manager
        return (
            rows.filter(id=workspace_id) if label == "workspace" else rows.filter(workspace_id=workspace_id)
        )

    def serialize(self, label: str, history_ids: Iterable[int]) -> dict[int, dict]:
        """Every column of these history rows (and of their m2m history rows), by history id."""
        ids = list(history_ids)
        rows = _Rows.of(self.history_models[label]).where_in("history_id", ids)
        m2m = {
            key: _Rows.of(m2m_model).where_in("history_id", ids) for key, m2m_model in self.m2m_models[label]
        }
        return self._assembled(label, rows, m2m)

    def serialize_written(
        self, label: str, rows: Sequence[Model], m2m_rows: Sequence[Model]
    ) -> dict[int, dict]:
        """What `serialize` would read back for these history rows just inserted
        (with `m2m_rows`, all their m2m history rows), built from their values.

        Raises Unpredictable if a value's stored form cannot be known without reading it.
        """
        m2m: dict[str, list[dict]] = {key: [] for key, _ in self.m2m_models[label]}
        keys = {m2m_model: key for key, m2m_model in self.m2m_models[label]}
        for m2m_row in m2m_rows:
            m2m[keys[type(m2m_row)]].append(_written_values(m2m_row))
        return self._assembled(label, map(_written_values, rows), m2m)

    def _assembled(
        self, label: str, rows: Iterable[dict], m2m: Mapping[str, Iterable[dict]]
    ) -> dict[int, dict]:
        """History rows by id, with LATER_COLUMNS at their default left out and
        each row's m2m history rows (in the order of their ids) under "m2m:<table>"."""
        by_id: dict[int, dict] = {}
        later = LATER_COLUMNS.get(label, {})
        for values in rows:
            for column, default in later.items():
                if column in values and values[column] == default:
                    del values[column]
            by_id[values["history_id"]] = values
        for key, m2m_model in self.m2m_models[label]:
            for values in by_id.values():
                values[key] = []
            for values in sorted(m2m[key], key=lambda values: values[m2m_model._meta.pk.attname]):
                # Those of a history row deleted outside the history: its entry says it is missing.
                if (row := by_id.get(values["history_id"])) is not None:
                    row[key].append(values)
        return by_id

    def passage_sources(self, passage_ids: set[int]) -> dict[int, int]:
        """The source of each passage (a passage never changes source; history has deleted ones too)."""
        if not passage_ids:
            return {}
        rows = _Rows.of(self.history_models["passage"], ("id", "source_id"))
        return {
            row["id"]: row["source_id"] for row in rows.where_in("id", sorted(passage_ids), distinct=True)
        }


def _utc_datetime(value: object) -> object:
    """A datetime column as the ORM gives it with USE_TZ: aware, here in UTC."""
    if isinstance(value, str):  # SQLite's text: Django writes UTC without an offset
        try:  # aware in one step: replace(tzinfo=...) costs four times the parsing
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:  # a text Django did not write (an offset of its own, say): as the ORM reads it
            value = parse_datetime(value)
    if isinstance(value, datetime):
        if value.tzinfo is UTC:
            return value
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _date(value: object) -> object:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _boolean(value: object) -> object:
    return bool(value) if isinstance(value, int) else value


# Most JSON columns (tags, lists) hold an empty one: made without parsing.
_EMPTY_JSON: dict[str, Callable[[], object]] = {"[]": list, "{}": dict}


def _json(value: object) -> object:
    if isinstance(value, str):
        empty = _EMPTY_JSON.get(value)
        return empty() if empty is not None else json.loads(value)
    return value


# How a column read with a plain cursor becomes the value the ORM's .values()
# would give (the ledger hashes those values); other columns are taken as read.
_CONVERTERS = {
    "DateTimeField": _utc_datetime,
    "DateField": _date,
    "BooleanField": _boolean,
    "JSONField": _json,
}


class Unpredictable(Exception):
    """A value whose stored form is known only once read back from the database."""


def _refuse(text: str) -> object:
    raise Unpredictable(f"{text} in JSON")


def _json_as_stored(field: Field, value: object) -> object:
    # SQLite keeps the JSON text as written; PostgreSQL's jsonb keeps the same values
    # but may write a number another way (1e20 comes back as 100000000000000000000):
    # exact for everything but floats, NaN and the infinities, which are read back.
    text = json.dumps(value, cls=getattr(field, "encoder", None))
    return json.loads(text, parse_float=_refuse, parse_constant=_refuse)


# By field type, how the value of a field just written is read back (what _Rows
# gives): the ORM's own preparation (get_prep_value: a naive datetime made aware in
# the current time zone, a number given as text made a number...), then what the
# database's round trip does to it. Types missing here (decimals, floats, UUIDs...,
# none in history tables today) are read back.
_AS_STORED: dict[str, Callable[[Field, object], object]] = {
    **dict.fromkeys(
        ["AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "ForeignKey",
         "IntegerField", "PositiveBigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
         "SlugField", "SmallIntegerField", "TextField", "DateField"],
        lambda field, value: field.get_prep_value(value),
    ),
    "DateTimeField": lambda field, value: _utc_datetime(field.get_prep_value(value)),
    "JSONField": _json_as_stored,
}  # fmt: skip


def as_stored(field: Field, value: object) -> object:
    """`value` of `field` as read back once stored (Unpredictable if that cannot be known)."""
    if value is None:
        return None
    convert = _AS_STORED.get(field.get_internal_type())
    if convert is None:
        raise Unpredictable(f"{field.get_internal_type()} {field.name}")
    return convert(field, value)


def _written_values(row: Model) -> dict:
    """Every column of a row just inserted, as the database stores it."""
    if row.pk is None:
        raise Unpredictable("a row without its id")
    return {
        field.attname: as_stored(field, getattr(row, field.attname)) for field in row._meta.concrete_fields
    }


def _selected(field: Field, column: str) -> str:
    # SQLite's driver would parse a datetime column's text into a naive datetime,
    # which _utc_datetime would then make aware: it reads the text at half the cost.
    if connection.vendor == "sqlite" and field.get_internal_type() == "DateTimeField":
        return f"CAST({column} AS TEXT)"
    return column


class _Rows:
    """Rows of a history table as dicts of every column, read without the ORM's
    per-value machinery: the verifier reads every history row there is."""

    def __init__(self, model: type[Model], names: Sequence[str] = ()):
        fields = [concrete_field(model, name) for name in names] if names else model._meta.concrete_fields
        quote = connection.ops.quote_name
        self.attnames = [field.attname for field in fields]
        self.columns = ", ".join(_selected(field, quote(cast(str, field.column))) for field in fields)
        self.table = quote(model._meta.db_table)
        self.converters = [
            (index, _CONVERTERS[field.get_internal_type()])
            for index, field in enumerate(fields)
            if field.get_internal_type() in _CONVERTERS
        ]
        self.quote = quote

    @staticmethod
    def of(model: type[Model], names: tuple[str, ...] = ()) -> "_Rows":
        """One reader per model and columns, made when first needed."""
        reader = _READERS.get((model, names))
        if reader is None:
            reader = _READERS[model, names] = _Rows(model, names)
        return reader

    def _dicts(self, tuples: Iterable[Sequence]) -> Iterator[dict]:
        attnames, converters = self.attnames, self.converters
        for values in tuples:
            row = dict(zip(attnames, values, strict=True))
            for index, convert in converters:
                name = attnames[index]
                row[name] = convert(row[name])
            yield row

    def where_in(self, column: str, ids: Sequence[int], *, distinct: bool = False) -> Iterator[dict]:
        """The rows whose `column` is one of `ids` (`distinct`: each set of values once)."""
        column = self.quote(column)
        columns = f"DISTINCT {self.columns}" if distinct else self.columns
        select = f"SELECT {columns} FROM {self.table} WHERE {column}"  # noqa: S608  # nosec B608
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"{select} = ANY(%s)", [list(ids)])
                yield from self._dicts(cursor.fetchall())
                return
            for chunk in _chunks(ids):
                cursor.execute(f"{select} IN ({', '.join(['%s'] * len(chunk))})", list(chunk))
                yield from self._dicts(cursor.fetchall())

    def stream(self, column: str, value: int, order_by: str, chunk_size: int) -> Iterator[list[dict]]:
        """The rows whose `column` is `value`, in order, `chunk_size` at a time
        (from a server-side cursor on PostgreSQL)."""
        where, order = self.quote(column), self.quote(order_by)
        sql = f"SELECT {self.columns} FROM {self.table} WHERE {where} = %s ORDER BY {order}"  # noqa: S608  # nosec B608
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, [value])
            while chunk := cursor.fetchmany(chunk_size):
                yield list(self._dicts(chunk))


_READERS: dict[tuple[type[Model], tuple[str, ...]], _Rows] = {}


@cache
def live_ledger() -> Ledger:
    return Ledger()


def chain_head(workspace_id: int) -> str:
    """The workspace's chain as it stands: its length and last hash, or "" while it is empty.

    Every change to a tracked object of the workspace appends to the chain in
    the change's own transaction, so this moves whenever anything in the
    workspace changes (one primary-key read): what is derived from the
    workspace's rows can be cached under it."""
    # Plain SQL: every reading page asks, and building the ORM's query costs more than running it.
    table = HistoryChain._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT length, head_hash FROM {table} WHERE workspace_id = %s", [workspace_id])  # noqa: S608  # nosec B608 (a model's table name)
        head = cursor.fetchone()
    return f"{head[0]}:{head[1]}" if head else ""


def _chunks(items: Sequence, size: int = _IDS_PER_QUERY) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _label_of(history_model: HistoryModel) -> str:
    return history_model._meta.object_name[len(_HISTORICAL) :].lower()


def _passage_ids(row: dict) -> list[int]:
    if row.get("passage_id") is not None:
        return [row["passage_id"]]
    return [m2m["passage_id"] for key, value in row.items() if key.startswith("m2m:") for m2m in value]


def _links(label: str, row: dict, passage_sources: dict[int, int]) -> tuple[int | None, int | None]:
    """The source and claim an object belongs to, for the feed's filters."""
    source_id = row["id"] if label == "source" else row.get("source_id")
    claim_id = row["id"] if label == "claim" else row.get("claim_id")
    if source_id is None:  # an annotation's: its lowest passage's, as the search index files it
        source_id = next(
            (passage_sources[p] for p in sorted(_passage_ids(row)) if p in passage_sources), None
        )
    return source_id, claim_id


# --- Appending ---------------------------------------------------------------------


@dataclass
class _Pending:
    label: str
    row: dict
    action: str
    object_repr: str

    @property
    def workspace_id(self) -> int:
        workspace_id = self.row["id"] if self.label == "workspace" else self.row.get("workspace_id")
        if workspace_id is None:
            raise ImproperlyConfigured(f"{self.label} history has no workspace: the audit ledger needs one.")
        return workspace_id


def _action_of(row: dict) -> str:
    return ACTION_OF_HISTORY_TYPE[row["history_type"]]


def _object_repr(instance: Model) -> str:
    try:
        text = str(instance)
    except ObjectDoesNotExist:  # e.g. evidence whose claim went in the same cascade
        text = f"{instance._meta.verbose_name} #{instance.pk}"
    return shorten(text, OBJECT_REPR_LENGTH)


@dataclass(frozen=True)
class _Written:
    """A history row just written, waiting to enter the ledger; `row` is its
    serialized form when the writer handed it over (else it is read back)."""

    label: str
    history_id: int
    action: str | None
    object_repr: str
    row: dict | None = None
    # (passage id, source id) for its object's passages, where the writer held them.
    passage_sources: tuple[tuple[int, int], ...] = ()


def chain_history_rows(
    sender: type[Model],
    *,
    history_ids: Sequence[int],
    instances: Sequence[Model],
    rows: Sequence[Model] | None = None,
    m2m_rows: Sequence[Model] = (),
    **kwargs: object,
) -> None:
    """Append history rows just written (archive.core.history.history_written) to
    their workspaces' chains.

    Inside a unit of work (archive.core.unit_of_work) they are appended at its
    end, so the chain's lock is held only from there to COMMIT; otherwise now.
    Who, why and what kind of change are taken now, while the writer's
    `recorded_as` block is still open, and so are the rows the writer handed
    over (`rows`, `m2m_rows`), before anything can change the objects.
    """
    attribution = current_attribution()
    action = attribution.action if attribution is not None else None
    label = _label_of(sender)
    serialized: dict[int, dict] = {}
    # Unpredictable: read back at the end of the unit, like rows written without them.
    with suppress(Unpredictable):
        if rows is not None:
            serialized = live_ledger().serialize_written(label, rows, m2m_rows)
    written = [
        _Written(
            label,
            history_id,
            action,
            _object_repr(instance),
            serialized.get(history_id),
            tuple((passage.pk, passage.source_id) for passage in prefetched(instance, "passages") or ()),
        )
        for history_id, instance in zip(history_ids, instances, strict=True)
    ]
    defer(_chain_written, *written, last=True)


def _chain_written(written: list[_Written]) -> None:
    ledger = live_ledger()
    # Once per row, in the order written. A row that a rolled-back savepoint took
    # away is skipped, and if SQLite gave its id to a later row, the later one counts:
    # after such a rollback every row is read back to see which are there.
    unique: dict[tuple[str, int], _Written] = {}
    for item in written:
        unique.pop((item.label, item.history_id), None)
        unique[item.label, item.history_id] = item
    trust_written = not savepoint_rolled_back()
    ids_by_label: dict[str, list[int]] = defaultdict(list)
    for item in unique.values():
        if item.row is None or not trust_written:
            ids_by_label[item.label].append(item.history_id)
    serialized = {label: ledger.serialize(label, ids) for label, ids in ids_by_label.items()}
    pending = [
        _Pending(
            item.label, row, item.action or ACTION_OF_HISTORY_TYPE[row["history_type"]], item.object_repr
        )
        for item in unique.values()
        if (row := _row_of(item, serialized, trust_written)) is not None
    ]
    if pending:
        known = dict(pair for item in unique.values() for pair in item.passage_sources)
        _append(ledger, pending, known)


def _row_of(item: _Written, serialized: dict[str, dict[int, dict]], trust_written: bool) -> dict | None:
    if item.row is not None and trust_written:
        return item.row
    return serialized[item.label].get(item.history_id)


def _append(ledger: Ledger, pending: list[_Pending], known_sources: dict[int, int] | None = None) -> None:
    """Chain `pending`; `known_sources` gives the source of passages already known."""
    passage_sources = dict(known_sources or {})
    passage_sources |= ledger.passage_sources(
        {p for item in pending for p in _passage_ids(item.row)}.difference(passage_sources)
    )
    by_workspace: dict[int, list[_Pending]] = defaultdict(list)
    for item in pending:
        by_workspace[item.workspace_id].append(item)
    with transaction.atomic(savepoint=False):
        # Chains are locked in workspace order, so two writers cannot deadlock on them.
        for workspace_id in sorted(by_workspace):
            chain = _Head.of(ledger.chain_model)
            length, head_hash = chain.locked(workspace_id)
            entries = []
            for item in by_workspace[workspace_id]:
                length += 1
                source_id, claim_id = _links(item.label, item.row, passage_sources)
                fields = {
                    "workspace_id": workspace_id,
                    "sequence": length,
                    "model": item.label,
                    "object_id": item.row["id"],
                    "history_id": item.row["history_id"],
                    "action": str(item.action),
                    "user_id": item.row["history_user_id"],
                    "recorded_at": item.row["history_date"],
                    "reason": item.row["history_change_reason"] or "",
                    "object_repr": item.object_repr,
                    "source_id": source_id,
                    "claim_id": claim_id,
                }
                digest = entry_hash(head_hash, fields, item.row)
                entries.append({**fields, "prev_hash": head_hash, "hash": digest})
                head_hash = digest
            insert_rows(ledger.entry_model, entries)
            chain.advance(workspace_id, length, head_hash)


class _Head:
    """A workspace chain's head row, read and written with plain statements: they
    run at every write, and the ORM would spend longer building them than the
    database spends on them."""

    def __init__(self, model: type[Model]):
        self.manager = model._default_manager
        self.updated_at = concrete_field(model, "updated_at")
        quote = connection.ops.quote_name
        table, key = quote(model._meta.db_table), quote(cast(str, concrete_field(model, "workspace").column))
        length, head_hash = (
            quote(cast(str, concrete_field(model, name).column)) for name in ("length", "head_hash")
        )
        updated_at = quote(cast(str, self.updated_at.column))
        self.select = f"SELECT {length}, {head_hash} FROM {table} WHERE {key} = %s"  # noqa: S608  # nosec B608
        self.update = (
            f"UPDATE {table} SET {length} = %s, {head_hash} = %s, {updated_at} = %s WHERE {key} = %s"  # noqa: S608  # nosec B608
        )

    @staticmethod
    def of(model: type[Model]) -> "_Head":
        head = _HEADS.get(model)
        if head is None:
            head = _HEADS[model] = _Head(model)
        return head

    def locked(self, workspace_id: int) -> tuple[int, str]:
        """The chain's length and head hash, its row locked until the transaction
        ends (made at the workspace's first entry)."""
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with connection.cursor() as cursor:
            cursor.execute(self.select + lock, [workspace_id])
            found = cursor.fetchone()
        if found is None:  # a HistoryChain, live or a migration's (typed as a plain Model)
            chain: Any = self.manager.select_for_update().get_or_create(workspace_id=workspace_id)[0]
            return chain.length, chain.head_hash
        return found[0], found[1]

    def advance(self, workspace_id: int, length: int, head_hash: str) -> None:
        now = self.updated_at.get_db_prep_save(timezone.now(), connection)
        with connection.cursor() as cursor:
            cursor.execute(self.update, [length, head_hash, now, workspace_id])


_HEADS: dict[type[Model], _Head] = {}


def backfill(apps) -> None:
    """Chain every history row written before the ledger existed, oldest first (migrations)."""
    ledger = Ledger(apps)
    found = []
    for label, model in ledger.history_models.items():
        for history_id, history_date in model._default_manager.values_list("history_id", "history_date"):
            found.append((history_date, label, history_id))
    found.sort()
    for chunk in _chunks(found, 2000):
        ids_by_label: dict[str, list[int]] = defaultdict(list)
        for _, label, history_id in chunk:
            ids_by_label[label].append(history_id)
        serialized = {label: ledger.serialize(label, ids) for label, ids in ids_by_label.items()}
        pending = []
        for _, label, history_id in chunk:
            row = serialized[label][history_id]
            pending.append(_Pending(label, row, _action_of(row), f"{label} #{row['id']}"))
        _append(ledger, pending)


def chain_imported(rows: Iterable[tuple[str, dict, str, str]]) -> None:
    """Append history rows written without the ledger's hooks (an archive imported
    under new ids) to their workspaces' chains, in the order given.

    Each is (model label, the row as Ledger.serialize gives it, action, object repr):
    the action and text the rows had in the chain they come from.
    """
    _append(live_ledger(), [_Pending(label, row, action, text) for label, row, action, text in rows])


# --- Verifying ---------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    workspace_id: int
    ok: bool
    checked: int
    length: int
    head_hash: str
    problem: str = ""
    sequence: int | None = None
    """The first entry found wrong, or the last entry of an object whose live row is not
    what it records (None when the problem is not one entry)."""
    seconds: float = 0.0


def _describe(entry: dict) -> str:
    # The object as the activity names it, which an auditor can look for there.
    row = f"{object_name(entry['model'], entry['object_repr'])}, history row {entry['history_id']}"
    return f"entry #{entry['sequence']} ({row})"


def verify_workspace(workspace_id: int, *, chunk_size: int = 2000) -> Verification:
    """The workspace's chain verified (verify_chain), then, if it is intact, its live rows
    compared with their history (archive.audit.live): changed, inserted or deleted outside it."""
    started = time.perf_counter()
    chained = verify_chain(workspace_id, chunk_size=chunk_size)
    found = live_rows_problem(workspace_id) if chained.ok else None
    if found is None:
        return replace(chained, seconds=time.perf_counter() - started)
    problem, sequence = _live_problem(workspace_id, found)
    return replace(
        chained, ok=False, problem=problem, sequence=sequence, seconds=time.perf_counter() - started
    )


def _live_problem(workspace_id: int, found: LiveRowProblem) -> tuple[str, int | None]:
    """A live row unlike its history, its object named as the activity names it, and the
    object's last entry (None if it has none: inserted outside the history)."""
    last = (
        live_ledger()
        .entry_model._default_manager.filter(
            workspace_id=workspace_id, model=found.label, object_id=found.object_id
        )
        .order_by("-sequence")
        .values("sequence", "object_repr")
        .first()
    )
    if last is not None:
        return f"{object_name(found.label, last['object_repr'])} {found.what}", last["sequence"]
    kind = KINDS.get(found.label)
    live = kind.model._default_manager.filter(pk=found.object_id).first() if kind else None
    name = (
        object_name(found.label, _object_repr(live))
        if live is not None
        else f"{found.label} {found.object_id}"
    )
    return f"{name} {found.what}", None


def verify_chain(workspace_id: int, *, chunk_size: int = 2000) -> Verification:
    """Walk the workspace's chain from entry 1, recomputing every hash; stop at the first problem.

    On PostgreSQL the database makes the same checks first (verified_in_database)
    and the walk runs only to find and describe a problem it saw.

    Finds modified entries and history rows (hash mismatch), deleted entries
    (a gap in the sequence, or a head beyond the last entry), deleted history
    rows (an entry without its row), entries inserted out of order (a
    previous hash that does not link), and history rows inserted without an
    entry.
    """
    started = time.perf_counter()
    ledger = live_ledger()
    chain = ledger.chain_model._default_manager.filter(workspace_id=workspace_id).first()
    length, head = (chain.length, chain.head_hash) if chain else (0, GENESIS_HASH)

    def result(problem: str = "", sequence: int | None = None, checked: int = 0) -> Verification:
        return Verification(
            workspace_id, not problem, checked, length, head, problem, sequence, time.perf_counter() - started
        )

    if connection.vendor == "postgresql" and verified_in_database(workspace_id, length=length, head=head):
        return result(checked=length)
    # The walk: everywhere else, and on PostgreSQL to find and describe the first problem.

    columns = (*ENTRY_FIELDS, "prev_hash", "hash")
    reader = _Rows.of(ledger.entry_model, columns)
    entries = reader.stream("workspace_id", workspace_id, "sequence", chunk_size)
    seen: dict[str, set[int]] = defaultdict(set)
    expected, prev_hash = 1, GENESIS_HASH
    for chunk in entries:
        unknown = next((entry for entry in chunk if entry["model"] not in ledger.history_models), None)
        if unknown is not None:
            return result(f"{_describe(unknown)} names an unknown model", unknown["sequence"], expected - 1)
        ids_by_label: dict[str, list[int]] = defaultdict(list)
        for entry in chunk:
            ids_by_label[entry["model"]].append(entry["history_id"])
        rows = {label: ledger.serialize(label, ids) for label, ids in ids_by_label.items()}
        for entry in chunk:
            sequence = entry["sequence"]
            if sequence != expected:
                return result(
                    f"entry #{expected} is missing (deleted): "
                    f"the chain goes from #{expected - 1} to #{sequence}",
                    expected,
                    expected - 1,
                )
            if entry["prev_hash"] != prev_hash:
                return result(
                    f"{_describe(entry)} does not link to entry #{sequence - 1}: inserted out of order",
                    sequence,
                    expected - 1,
                )
            row = rows[entry["model"]].get(entry["history_id"])
            if row is None:
                return result(
                    f"the history row of {_describe(entry)} is missing (deleted)", sequence, expected - 1
                )
            if not entry_hash_matches(prev_hash, entry, row, entry["hash"]):
                return result(
                    f"{_describe(entry)} does not match its hash: the entry or its history row was modified",
                    sequence,
                    expected - 1,
                )
            seen[entry["model"]].add(entry["history_id"])
            prev_hash = entry["hash"]
            expected += 1
    checked = expected - 1
    if checked != length or prev_hash != head:
        return result(
            f"the chain ends at entry #{checked} but its head records #{length}: "
            "entries were deleted from the end, or the head was altered",
            checked + 1 if checked < length else None,
            checked,
        )
    for label in sorted(ledger.history_models):
        ids = ledger.workspace_rows(label, workspace_id).values_list("history_id", flat=True).order_by("pk")
        stray = next((history_id for history_id in ids.iterator() if history_id not in seen[label]), None)
        if stray is not None:
            return result(
                f"{label} history row {stray} is in no entry: inserted outside the chain", None, checked
            )
    return result(checked=checked)


# --- Verifying in the database (PostgreSQL) ------------------------------------------
#
# The database builds each entry's canonical text and hashes it itself (sha256(),
# built in since PostgreSQL 11), so no row leaves it. The text is the one
# canonical_json() writes for what the ORM reads; where a value's text could
# still differ (a JSON float, say), the hash does not match and the walk above,
# which is the definition, decides. So a chain passes here only if every hash is
# recomputed from the rows as they are now: the checks are the walk's.

# A column's canonical JSON by its type in PostgreSQL, `{0}` being the column;
# NULL gives NULL (made "null" where the value is placed).
_SQL_JSON = {
    "integer": "{0}::text",
    "bigint": "{0}::text",
    "smallint": "{0}::text",
    "text": "to_json({0})::text",
    "varchar": "to_json({0})::text",
    "timestamp with time zone": "to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')",
    "date": "to_char({0}, 'YYYY-MM-DD')",
    "boolean": "CASE WHEN {0} THEN 'true' WHEN NOT {0} THEN 'false' END",
    # Migration 0018's function; empty ones (most tags and lists) without calling it.
    "jsonb": (
        "CASE WHEN {0} = '[]' THEN '[]' WHEN {0} = '{{}}' THEN '{{}}' ELSE ledger_canonical_json({0}) END"
    ),
}
_SQL_QUOTED = {"timestamp with time zone", "date"}  # JSON strings: the quotes go around


class _Unsupported(Exception):
    """A column type the database cannot write canonically here: the walk verifies."""


# Text built in SQL: pieces that are either constant text (True) or an SQL expression
# (False). Constants next to each other become one literal: fewer concatenations per row.
_Pieces = list[tuple[str, bool]]
# A JSON object's member: key, value, and the SQL condition to leave it out (or None).
_Member = tuple[str, _Pieces, str | None]


def _sql_literal(value: object) -> str:
    """A text, boolean or JSON value (a constant, a LATER_COLUMNS default) as an SQL literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else json.dumps(value)
    literal = "'" + text.replace("'", "''") + "'"
    return literal if isinstance(value, str) else f"{literal}::jsonb"


def _sql_is(column: str, value: object) -> str:
    """The SQL condition that `column` holds `value` (a LATER_COLUMNS default)."""
    return f"{column} IS NULL" if value is None else f"{column} = {_sql_literal(value)}"


def _sql_text(pieces: _Pieces) -> str:
    """The SQL expression concatenating these pieces."""
    merged: list[tuple[str, bool]] = []
    for text, constant in pieces:
        if constant and merged and merged[-1][1]:
            merged[-1] = (merged[-1][0] + text, True)
        else:
            merged.append((text, constant))
    return " || ".join(_sql_literal(text) if constant else text for text, constant in merged)


def _sql_value(field: Field, alias: str) -> _Pieces:
    db_type = (field.db_type(connection) or "").split("(")[0]
    if db_type not in _SQL_JSON:
        raise _Unsupported(f"{field.model._meta.label}.{field.name}: {db_type}")
    value = _SQL_JSON[db_type].format(f"{alias}.{connection.ops.quote_name(cast(str, field.column))}")
    quoted = db_type in _SQL_QUOTED
    if field.null:
        value = f"""'"' || {value} || '"'""" if quoted else value
        return [(f"coalesce({value}, 'null')", False)]
    return [('"', True), (value, False), ('"', True)] if quoted else [(value, False)]


def _sql_object(members: list[_Member]) -> _Pieces:
    """A JSON object of these members in key order, as canonical_json() writes it."""
    pieces: _Pieces = []
    for key, value, left_out in sorted(members, key=lambda member: member[0]):
        member: _Pieces = [(f",{json.dumps(key, ensure_ascii=False)}:", True), *value]
        if left_out is None:
            pieces.extend(member)
        else:
            pieces.append((f"CASE WHEN {left_out} THEN '' ELSE {_sql_text(member)} END", False))
    if all(left_out is None for *_, left_out in members):  # the first comma is known: leave it out
        return [("{" + pieces[0][0][1:], True), *pieces[1:], ("}", True)]
    return [("{", True), (f"substr({_sql_text(pieces)}, 2)", False), ("}", True)]


def _sql_row(model: type[Model], alias: str, later: dict[str, object]) -> list[_Member]:
    quote = connection.ops.quote_name
    return [
        (
            field.attname,
            _sql_value(field, alias),
            _sql_is(f"{alias}.{quote(cast(str, field.column))}", later[field.attname])
            if field.attname in later
            else None,
        )
        for field in model._meta.concrete_fields
    ]


@cache
def _sql_mismatch(label: str) -> str:
    """SELECT, of a workspace's entries of `label`, how many have no history row or a
    hash the database does not recompute, how many have a history row of the
    workspace, and how many history rows of `label` the workspace has: fewer with
    an entry than in all means rows outside the chain, since an entry names one row
    (parameters: the workspace three times, then `label`)."""
    ledger = live_ledger()
    quote = connection.ops.quote_name
    model = ledger.history_models[label]
    table = quote(model._meta.db_table)
    owner = "h." + quote("id" if label == "workspace" else "workspace_id")
    row = _sql_row(model, "h", LATER_COLUMNS.get(label, {}))
    for key, m2m_model in ledger.m2m_models[label]:
        m2m_row = _sql_text(_sql_object(_sql_row(m2m_model, "m", {})))
        order = quote(m2m_model._meta.pk.column)
        m2m_table = quote(m2m_model._meta.db_table)
        where = "WHERE m.history_id = h.history_id"
        rows = f"SELECT string_agg({m2m_row}, ',' ORDER BY m.{order}) FROM {m2m_table} m {where}"  # noqa: S608  # nosec B608
        row.append((key, [("[", True), (f"coalesce(({rows}), '')", False), ("]", True)], None))
    fields = {field.attname: field for field in ledger.entry_model._meta.concrete_fields}
    payload: list[_Member] = [(name, _sql_value(fields[name], "e"), None) for name in ENTRY_FIELDS]
    payload.append(("row", _sql_object(row), None))
    text = _sql_text([("e.prev_hash", False), ("\n", True), *_sql_object(payload)])
    return (
        "SELECT count(*) FILTER (WHERE h.history_id IS NULL OR "  # noqa: S608  # nosec B608
        f"e.hash IS DISTINCT FROM encode(sha256(convert_to({text}, 'UTF8')), 'hex')), "
        f"count(*) FILTER (WHERE {owner} = %s), "
        f"(SELECT count(*) FROM {table} h WHERE {owner} = %s) "
        f"FROM {quote(ledger.entry_model._meta.db_table)} e "
        f"LEFT JOIN {table} h ON h.history_id = e.history_id "
        "WHERE e.workspace_id = %s AND e.model = %s"
    )


def verified_in_database(workspace_id: int, *, length: int, head: str) -> bool:
    """Whether the database finds the workspace's chain intact: every entry's hash
    recomputed from its history row, each linking to the one before, the sequence
    without gaps up to the head, and no history row outside the chain.

    False also when it cannot tell (a column type it does not write): the walk decides.
    """
    ledger = live_ledger()
    quote = connection.ops.quote_name
    entries = quote(ledger.entry_model._meta.db_table)
    labels = sorted(ledger.history_models)
    try:
        mismatches = [_sql_mismatch(label) for label in labels]
    except _Unsupported:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE sequence <> position OR prev_hash <> before "  # noqa: S608  # nosec B608
            "OR model <> ALL(%s)), max(sequence) FROM (SELECT sequence, prev_hash, model, "
            "row_number() OVER w AS position, lag(hash, 1, %s) OVER w AS before "
            f"FROM {entries} WHERE workspace_id = %s WINDOW w AS (ORDER BY sequence)) AS chain",
            [labels, GENESIS_HASH, workspace_id],
        )
        count, broken, last = cursor.fetchone()
        if broken or count != length:
            return False
        cursor.execute(
            f"SELECT hash FROM {entries} WHERE workspace_id = %s AND sequence = %s",  # noqa: S608  # nosec B608
            [workspace_id, last],
        )
        found = cursor.fetchone()
        if (found[0] if found else GENESIS_HASH) != head:
            return False
        for label, mismatch in zip(labels, mismatches, strict=True):
            cursor.execute(mismatch, [workspace_id, workspace_id, workspace_id, label])
            mismatched, chained, rows = cursor.fetchone()
            if mismatched or chained != rows:
                return False
    return True
