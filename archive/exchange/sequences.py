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
    return model._meta.db_table, model._meta.pk.column


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
