"""Concurrent writers in one workspace never share a sequence number or a
previous hash: each locks the workspace's chain head (PostgreSQL; SQLite
serializes writers itself)."""

import threading

import pytest
from django.db import connection, connections

from archive.audit.ledger import verify_workspace
from archive.claims import create_claim
from archive.models import HistoryEntry

WRITERS, CLAIMS_EACH = 4, 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_extend_one_unbroken_chain(workspace, analyst):
    errors = []
    start = threading.Barrier(WRITERS)

    def write(writer: int) -> None:
        try:
            start.wait()
            for n in range(CLAIMS_EACH):
                create_claim(workspace=workspace, user=analyst, statement=f"Writer {writer}, claim {n}")
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    claims = HistoryEntry.objects.filter(workspace=workspace, model="claim").count()
    assert claims == WRITERS * CLAIMS_EACH
    assert verify_workspace(workspace.pk).ok
