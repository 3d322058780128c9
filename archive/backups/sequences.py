"""Primary key sequences, for imports that write ids themselves.

A deleted object's id lives on in its history rows (and in the ledger), so an
import must leave every id it knows of behind the table's sequence: a new
object must never take the id of one that history remembers. PostgreSQL
keeps a sequence per table; SQLite's AUTOINCREMENT keeps the largest id ever
used in sqlite_sequence and never gives one at or below it.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Model


def _table(model: type[Model]) -> tuple[str, str]:
    column = model._meta.pk.column
    if column is None:
        raise ImproperlyConfigured(f"{model._meta.label}'s primary key has no column.")
    return model._meta.db_table, column


def _unsupported() -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Imports do not know the id sequences of {connection.vendor}.")


def advance_past(model: type[Model], largest: int) -> None:
    """Make sure `model`'s table gives no new row an id up to `largest`."""
    table, column = _table(model)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sequence = [connection.ops.quote_name(table), column]
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", sequence)
            if cursor.fetchone()[0] < largest:  # never moved back: others may be writing
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [*sequence, largest])
        elif connection.vendor == "sqlite":
            cursor.execute("UPDATE sqlite_sequence SET seq = max(seq, %s) WHERE name = %s", [largest, table])
            if not cursor.rowcount:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, largest])
        else:
            raise _unsupported()


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` new primary keys of `model`'s table, ascending, that no other row will take."""
    if not count:
        return []
    table, column = _table(model)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), column, count],
            )
            return sorted(value for (value,) in cursor.fetchall())
        if connection.vendor == "sqlite":
            # The transaction holds the write lock from its start (transaction_mode IMMEDIATE).
            cursor.execute(f"SELECT max({quote(column)}) FROM {quote(table)}")  # noqa: S608  # nosec B608
            (largest,) = cursor.fetchone()
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            used = cursor.fetchone()
            first = max(largest or 0, used[0] if used else 0) + 1
            advance_past(model, first + count - 1)
            return list(range(first, first + count))
    raise _unsupported()
