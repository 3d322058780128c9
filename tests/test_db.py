"""archive.core.db: the bulk writers that bypass Model.save, on either database."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from psycopg.postgres import types
from psycopg.pq import Format

from archive.core.db import insert_rows, prefetched, set_prefetched, update_rows, upsert_rows
from archive.models import Annotation, HistoryEntry, Passage, SearchDocument, SearchKind
from tests.factories import AnnotationFactory, PassageFactory, SourceFactory

pytestmark = pytest.mark.django_db


def search_document(workspace, object_id: int, body: str) -> SearchDocument:
    return SearchDocument(
        workspace=workspace, kind=SearchKind.PASSAGE, object_id=object_id, body=body, digest=body
    )


def test_upsert_rows_inserts_new_rows_and_updates_existing_ones(workspace):
    upsert_rows(
        SearchDocument,
        [search_document(workspace, 1, "siege")],
        unique_fields=["kind", "object_id"],
        update_fields=["body", "digest"],
    )
    upsert_rows(
        SearchDocument,
        [search_document(workspace, 1, "siege of aleppo"), search_document(workspace, 2, "daraa")],
        unique_fields=["kind", "object_id"],
        update_fields=["body", "digest"],
    )
    rows = dict(SearchDocument.objects.filter(workspace=workspace).values_list("object_id", "body"))
    assert rows == {1: "siege of aleppo", 2: "daraa"}


def test_insert_rows_stores_rows_in_order_with_datetimes_as_the_orm_does(workspace):
    recorded_at = datetime(2017, 3, 15, 9, 30, 0, 123456, tzinfo=UTC)
    entry = {
        "workspace_id": workspace.pk, "model": "passage", "object_id": 7, "action": "changed",
        "user_id": None, "recorded_at": recorded_at, "reason": "فصائل 🌊", "object_repr": "“siege”",
        "source_id": None, "claim_id": None, "prev_hash": "0" * 64, "hash": "1" * 64,
    }  # fmt: skip
    insert_rows(HistoryEntry, [{**entry, "sequence": n, "history_id": n} for n in (1001, 1002)])
    stored = HistoryEntry.objects.filter(workspace=workspace, recorded_at=recorded_at).order_by("id")
    assert [(row.sequence, row.reason) for row in stored] == [(1001, "فصائل 🌊"), (1002, "فصائل 🌊")]


def test_update_rows_writes_only_the_fields_named(workspace):
    source = SourceFactory(workspace=workspace)
    passages = [
        PassageFactory(source=source, start=0, length=7),
        PassageFactory(source=source, start=8, length=10),
    ]
    for passage in passages:
        passage.start += 1
        passage.prefix = "not written"
    update_rows(passages, ["start"])
    stored = list(
        Passage.objects.filter(pk__in=[p.pk for p in passages]).order_by("pk").values("start", "prefix")
    )
    assert [row["start"] for row in stored] == [1, 9]
    assert all(row["prefix"] != "not written" for row in stored)


def test_update_rows_stores_datetimes_as_the_orm_does(workspace):
    passage = PassageFactory(source=SourceFactory(workspace=workspace))
    passage.updated_at = datetime(2017, 3, 15, 9, 30, 0, 123456, tzinfo=UTC)
    update_rows([passage], ["updated_at"])
    assert Passage.objects.filter(updated_at=passage.updated_at).get() == passage


def test_update_rows_prepares_json_values_as_the_orm_does(workspace):
    annotation = AnnotationFactory(workspace=workspace, tags=["old"])
    annotation.tags = ["siege", "حلب", "🌊"]
    update_rows([annotation], ["tags"])
    assert Annotation.objects.get(pk=annotation.pk).tags == ["siege", "حلب", "🌊"]


TIMESTAMPTZ_OID = types["timestamptz"].oid
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's loaders")


@postgresql_only
def test_timestamps_are_read_by_psycopgs_compiled_loader():
    with connection.cursor():  # connects
        loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    assert loader.__name__ == "CompiledUtcLoader"


@postgresql_only
def test_compiled_loader_reads_timestamps_in_utc_as_django_would():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT '2017-03-15 09:30:00.123456+05:30'::timestamptz, '0001-01-01 00:00:00+00'::timestamptz, "
            "'9999-12-31 23:59:59.999999+00'::timestamptz, NULL::timestamptz"
        )
        values = cursor.fetchone()
    assert values == (
        datetime(2017, 3, 15, 4, 0, 0, 123456, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        None,
    )
    assert all(value.tzinfo is UTC for value in values[:3])


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def run_probe(value: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT CAST(%s AS integer) + 1 AS prepared_probe", [value])
        return cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_postgresql_prepares_a_statement_its_connection_runs_again():
    assert [run_probe(value) for value in (1, 2, 3)] == [[(2,)], [(3,)], [(4,)]]
    assert sum("prepared_probe" in statement for statement in prepared_statements()) == 1


def test_a_statement_bound_on_the_server_is_logged_with_its_values():
    with CaptureQueriesContext(connection) as queries:
        run_probe(7)
    assert (
        "7" in queries.captured_queries[-1]["sql"] and "prepared_probe" in queries.captured_queries[-1]["sql"]
    )


def test_a_many_to_many_set_as_prefetched_is_read_without_a_query_until_it_changes(source):
    annotation = AnnotationFactory(workspace=source.workspace)
    passages = [PassageFactory(source=source) for _ in range(2)]
    annotation.passages.add(passages[0])
    set_prefetched(annotation, "passages", passages[:1])
    with CaptureQueriesContext(connection) as queries:
        held = (prefetched(annotation, "passages"), list(annotation.passages.all()))
    assert (held, len(queries)) == ((passages[:1], passages[:1]), 0)
    annotation.passages.add(passages[1])
    assert prefetched(annotation, "passages") is None
    assert set(annotation.passages.all()) == set(passages)
