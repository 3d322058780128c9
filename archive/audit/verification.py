"""Verifying a workspace's history chain on demand, and recording the result.

Verification walks the whole chain (archive.audit.ledger.verify_workspace),
which takes seconds at hundreds of thousands of entries. So it runs when a
reviewer asks for it or `manage.py verify_history` runs, each run is recorded
(HistoryVerification), and the status page shows the last record.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from archive.audit.ledger import verify_workspace
from archive.models import HistoryVerification


@contextmanager
def _snapshot() -> Iterator[None]:
    """On PostgreSQL, one consistent view of the chain while it is walked.

    Otherwise entries appended during the walk would be read past the head
    read at its start, and reported as a broken chain. (On SQLite a
    transaction would take the write lock for the whole walk: it runs as is.)
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def verify_and_record(*, workspace_id: int, user=None) -> HistoryVerification:
    """Verify the workspace's chain now and record the result; `user` None is the command."""
    started_at = timezone.now()
    with _snapshot():
        result = verify_workspace(workspace_id)
    return HistoryVerification.objects.create(
        workspace_id=workspace_id,
        started_at=started_at,
        seconds=result.seconds,
        ok=result.ok,
        checked=result.checked,
        length=result.length,
        head_hash=result.head_hash,
        problem=result.problem,
        sequence=result.sequence,
        run_by=user,
    )


def last_verification(workspace_id: int) -> HistoryVerification | None:
    return (
        HistoryVerification.objects.filter(workspace_id=workspace_id)
        .select_related("run_by")
        .order_by("-started_at", "-pk")
        .first()
    )
