"""Database helpers the ORM has no fast path for.

Each writes rows without Model.save, so no signal or history sees them:
callers index and record history themselves. On PostgreSQL one statement
takes whole columns as arrays (COPY, or unnest() of array parameters);
elsewhere the ORM's bulk methods or executemany do the same work.
"""

from collections.abc import Sequence
from datetime import UTC
from typing import Any, cast

from django.db import connection
from django.db.models import Field, Model
from django.db.models.options import Options

# Fields whose Python values the database driver takes as they are, by
# vendor; others are prepared as the ORM would (JSON, say, or datetimes on
# SQLite, which stores them as text in Django's format).
_NUMBERS_AND_TEXT = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "ForeignKey",
    "IntegerField", "PositiveBigIntegerField", "PositiveIntegerField", "SmallIntegerField", "TextField",
}  # fmt: skip
_TAKEN_AS_THEY_ARE = {
    "postgresql": _NUMBERS_AND_TEXT | {"DateField", "DateTimeField"},
    "sqlite": _NUMBERS_AND_TEXT,
}
# Rows per statement where the ORM batches (below SQLite's variable limit).
_BATCH_SIZE = 500


def concrete_field(model: type[Model], name: str) -> Field:
    """The field `name` of `model`: one of its own, not a relation pointing at it."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model._meta.label}.{name} is a relation to it, not one of its fields.")
    return field


def set_prefetched(obj: Model, name: str, related: Sequence[Model]) -> None:
    """Give `obj` its many-to-many `name` as just written, as prefetch_related()
    leaves it: reading it again in the same request needs no query (adding to or
    removing from it drops this, as it drops what prefetch_related() fetched)."""
    queryset = getattr(obj, name).all()
    queryset._result_cache = list(related)
    queryset._prefetch_done = True
    # Django's own attribute for this (prefetch_related_objects), which the stubs leave out.
    obj._prefetched_objects_cache = {**getattr(obj, "_prefetched_objects_cache", {}), name: queryset}  # type: ignore[attr-defined]


def prefetched(obj: Model, name: str) -> list[Any] | None:
    """`obj`'s many-to-many `name` where it is known without a query (prefetched), else None."""
    queryset = getattr(obj, "_prefetched_objects_cache", {}).get(name)
    return None if queryset is None else list(queryset)


def _concrete(meta: Options, name: str) -> Field:
    """The field `name` of a model; callers here name only concrete, column-backed fields."""
    return cast(Field, meta.get_field(name))


def _column(field: Field) -> str:
    """A concrete field's column name, quoted."""
    return connection.ops.quote_name(cast(str, field.column))


def insert_rows(model: type[Model], rows: list[dict]) -> None:
    """Insert `rows` (column attname -> value) into `model`'s table, in order.

    For tables whose values are numbers, text, timestamps or null, written by
    the thousand (the audit ledger's entries after a text correction):
    PostgreSQL's COPY takes a fifth of the time bulk_create spends preparing
    every value, and elsewhere one parameterized INSERT run for every row
    a fifth of its time building model instances.
    """
    if not rows:
        return
    fields = [_concrete(model._meta, attname) for attname in rows[0]]
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(_column(field) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[field.attname] for field in fields])
            return
        values = [_prepared(field, [row[field.attname] for row in rows]) for field in fields]
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608  # nosec B608
        cursor.executemany(sql, list(zip(*values, strict=True)))


def upsert_rows(
    model: type[Model], objects: Sequence[Model], *, unique_fields: list[str], update_fields: list[str]
) -> None:
    """Insert `objects`, or update `update_fields` of the rows already holding
    their `unique_fields`: bulk_create(update_conflicts=True), which on
    PostgreSQL spends longer binding one parameter per value than the
    database spends writing."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            objects,
            batch_size=_BATCH_SIZE,
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )
        return
    fields = [field for field in model._meta.concrete_fields if field is not model._meta.auto_field]
    quote = connection.ops.quote_name
    columns = ", ".join(_column(field) for field in fields)
    conflict = ", ".join(_column(_concrete(model._meta, name)) for name in unique_fields)
    updates = ", ".join(
        f"{column} = EXCLUDED.{column}"
        for column in (_column(_concrete(model._meta, name)) for name in update_fields)
    )
    # Identifiers and types come from the model, values are parameters.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608  # nosec B608
        f"SELECT * FROM {_unnest(fields)} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, _columns(objects, fields))


def update_rows(objects: Sequence[Model], fields: list[str]) -> None:
    """Write `fields` of `objects` (all of one model) to their rows.

    QuerySet.bulk_update builds a CASE expression per field and row, which
    takes seconds for thousands of rows. PostgreSQL takes one UPDATE from
    arrays of the new values; elsewhere one parameterized UPDATE runs per row.
    """
    if not objects:
        return
    meta = objects[0]._meta
    columns = [_concrete(meta, name) for name in fields]
    key = meta.pk
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            assignments = ", ".join(f"{_column(field)} = new.{_column(field)}" for field in columns)
            sql = (
                f"UPDATE {table} SET {assignments} FROM {_unnest([*columns, key])} "  # noqa: S608  # nosec B608
                f"WHERE {table}.{_column(key)} = new.{_column(key)}"
            )
            cursor.execute(sql, _columns(objects, [*columns, key]))
            return
        assignments = ", ".join(f"{_column(field)} = %s" for field in columns)
        sql = f"UPDATE {table} SET {assignments} WHERE {_column(key)} = %s"  # noqa: S608  # nosec B608
        cursor.executemany(sql, list(zip(*_columns(objects, [*columns, key]), strict=True)))


def _unnest(fields: list[Field]) -> str:
    """PostgreSQL: a table `new` of one array parameter per field (_columns)."""
    arrays = ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in fields)
    return f"unnest({arrays}) AS new({', '.join(_column(field) for field in fields)})"


def _columns(objects: Sequence[Model], fields: list[Field]) -> list[list]:
    """One list of database values per field, in the order of `objects`."""
    return [_prepared(field, [getattr(obj, field.attname) for obj in objects]) for field in fields]


def _prepared(field: Field, values: list) -> list:
    """`values` of `field` as the database driver takes them."""
    if field.get_internal_type() in _TAKEN_AS_THEY_ARE.get(connection.vendor, ()):
        return values
    return [field.get_db_prep_save(value, connection) for value in values]


def use_compiled_timestamptz_loader(*, connection, **kwargs) -> None:
    """On a new PostgreSQL connection in UTC, read timestamptz values with
    psycopg's compiled loader (connection_created receiver).

    Django registers a subclass of psycopg's pure-Python loader, to set the
    time zone it wants, so every timestamp is parsed by a regular expression
    (Django ticket #36960): about 6 µs each, a tenth of a second for the
    15,000 that the ledger reads back after a large text correction. When
    the session is in UTC and Django wants UTC, the compiled loader gives the
    same values. psycopg names it only through a private lookup; if that is
    gone, or psycopg runs without its C extension, Django's loader stays.
    """
    if connection.vendor != "postgresql" or connection.timezone is not UTC:
        return
    from psycopg.adapt import Loader
    from psycopg.types.datetime import TimestamptzLoader

    adapters = connection.connection.adapters
    if connection.connection.info.parameter_status("TimeZone") != "UTC":
        return
    compiled = getattr(adapters, "_get_optimised", lambda loader: loader)(TimestamptzLoader)
    if compiled is TimestamptzLoader:
        return

    class CompiledUtcLoader(Loader):
        timezone = UTC  # what Django compares with the time zone it wants

        def __init__(self, oid: int, context=None):
            super().__init__(oid, context)
            self._compiled = compiled(oid, context)

        def load(self, data):
            return self._compiled.load(data)

    adapters.register_loader("timestamptz", CompiledUtcLoader)
