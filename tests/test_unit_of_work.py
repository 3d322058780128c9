"""The unit of work: ledger appends and index updates wait for the end of the
outermost unit, happen once, and vanish with whatever a rollback takes away."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from simple_history.utils import bulk_create_with_history

from archive.audit.ledger import verify_workspace
from archive.claims import add_evidence, create_annotation, create_claim
from archive.core.attribution import recorded_as
from archive.core.editing import delete_object
from archive.core.unit_of_work import defer, unit_of_work
from archive.models import Claim, Evidence, HistoryChain, HistoryEntry, SearchDocument, SearchKind
from archive.search import indexing
from tests.factories import PassageFactory


def entry_count(workspace) -> int:
    return HistoryEntry.objects.filter(workspace=workspace).count()


def test_ledger_entries_wait_for_the_end_of_the_unit(workspace, analyst):
    before = entry_count(workspace)
    with unit_of_work():
        create_claim(workspace=workspace, user=analyst, statement="Shelling resumed at dawn.")
        assert entry_count(workspace) == before
    assert entry_count(workspace) == before + 1


def test_outside_a_unit_deferred_work_runs_at_once_with_all_its_items():
    calls = []
    defer(calls.append, "one", "two")
    assert calls == [["one", "two"]]


def test_each_task_runs_once_with_all_its_items_and_last_tasks_after_the_others(db):
    calls = []
    with unit_of_work():
        defer(lambda items: calls.append(("ledger", items)), 1, last=True)
        defer(lambda items: calls.append(("index", items)), "a")
        assert calls == []
    assert [name for name, _ in calls] == ["index", "ledger"]


def test_an_object_saved_several_times_in_a_unit_is_indexed_once(workspace, analyst, monkeypatch):
    indexed = []
    index_kind = indexing.index_kind
    monkeypatch.setattr(indexing, "index_kind", lambda **kw: (indexed.append(kw), index_kind(**kw))[1])
    with unit_of_work(), recorded_as(user=analyst):
        claim = Claim.objects.create(workspace=workspace, statement="First wording.", created_by=analyst)
        claim.statement = "Second wording."
        claim.save()
    assert [(kw["kind"], kw["ids"]) for kw in indexed if kw["ids"]] == [(SearchKind.CLAIM, {claim.pk})]
    assert "second" in SearchDocument.objects.get(kind=SearchKind.CLAIM, object_id=claim.pk).head


def test_a_failed_unit_leaves_neither_rows_nor_entries(workspace, analyst):
    before = entry_count(workspace)
    with pytest.raises(RuntimeError), unit_of_work():
        create_claim(workspace=workspace, user=analyst, statement="Never kept.")
        raise RuntimeError("the request failed")
    assert entry_count(workspace) == before
    assert not Claim.objects.filter(statement="Never kept.").exists()
    assert not Claim.history.filter(statement="Never kept.").exists()


def test_history_rolled_back_with_a_savepoint_never_enters_the_chain(workspace, analyst):
    with unit_of_work():
        try:
            with transaction.atomic():
                create_claim(workspace=workspace, user=analyst, statement="Rolled back.")
                raise DatabaseError("inner failure")
        except DatabaseError:
            pass
        kept = create_claim(workspace=workspace, user=analyst, statement="Kept.")
    claims = HistoryEntry.objects.filter(workspace=workspace, model="claim")
    assert list(claims.values_list("object_id", flat=True)) == [kept.pk]
    assert verify_workspace(workspace.pk).ok


def test_a_new_annotation_has_one_history_row_holding_its_passages(workspace, analyst, source):
    passages = [PassageFactory(source=source, start=0), PassageFactory(source=source, start=12)]
    annotation = create_annotation(passages=passages, user=analyst, body="Both figures disagree.")
    (row,) = annotation.history.all()
    assert row.history_type == "+"
    assert sorted(link.passage_id for link in row.passages.all()) == sorted(p.pk for p in passages)
    entry = HistoryEntry.objects.get(workspace=workspace, model="annotation", object_id=annotation.pk)
    assert (entry.history_id, entry.source_id) == (row.history_id, source.pk)
    assert verify_workspace(workspace.pk).ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_writer_holds_the_chain_lock_only_at_the_end_of_its_unit(workspace, analyst):
    create_claim(workspace=workspace, user=analyst, statement="The chain exists now.")
    locked_meanwhile = []

    def try_lock() -> None:
        try:
            with transaction.atomic():
                HistoryChain.objects.select_for_update(nowait=True).get(workspace=workspace)
            locked_meanwhile.append(False)
        except DatabaseError:
            locked_meanwhile.append(True)
        finally:
            connections.close_all()

    with unit_of_work():
        create_claim(workspace=workspace, user=analyst, statement="Written in the middle of a unit.")
        other = threading.Thread(target=try_lock)
        other.start()
        other.join()
    assert locked_meanwhile == [False]
    assert verify_workspace(workspace.pk).ok


def test_bulk_history_outside_a_unit_enters_the_ledger_in_one_append(workspace, analyst):
    def queries_for(count: int) -> int:
        claims = [
            Claim(workspace=workspace, statement=f"Claim {n}", created_by=analyst) for n in range(count)
        ]
        with CaptureQueriesContext(connection) as queries:
            bulk_create_with_history(claims, Claim, default_user=analyst)
        return len(queries)

    assert queries_for(2) == queries_for(30)
    assert verify_workspace(workspace.pk).ok


def test_every_history_row_of_one_write_records_the_same_time(workspace, analyst, source):
    """So that an "as of" view at that time sees all of the write or none of it."""
    claim = create_claim(workspace=workspace, user=analyst, statement="The station stopped on Tuesday.")
    for start in (0, 20):
        add_evidence(
            claim=claim, passage=PassageFactory(source=source, start=start), user=analyst, stance="supports"
        )
    delete_object(Claim.objects.get(pk=claim.pk), user=analyst, reason="A duplicate")
    deleted = [
        *Evidence.history.filter(claim_id=claim.pk, history_type="-"),
        *Claim.history.filter(id=claim.pk, history_type="-"),
    ]
    assert len(deleted) == 3
    assert len({row.history_date for row in deleted}) == 1
