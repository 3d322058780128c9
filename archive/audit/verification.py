"""Verifying a workspace's history chain on demand, and recording the result.

Verification walks the whole chain (archive.audit.ledger.verify_workspace),
which takes seconds at hundreds of thousands of entries. So it runs when a
reviewer asks for it or `manage.py verify_history` runs, each run is recorded
(HistoryVerification), and the status page shows the last record. A run that finds
the chain broken alerts the workspace's reviewers and admins, unless the run before
found the same problem (a scheduled command would alert every hour).

A chain cut short, or rewritten from some entry on with every hash recomputed,
still links up by itself. So each run also holds the chain to the last run
that found it intact: the chain must still have that run's length, and its
entry at that length the head hash recorded then (`departure`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import Enum

from django.db import connection, transaction
from django.utils import timezone

from archive.alerts import members_who_may, record
from archive.audit.ledger import Verification, verify_workspace
from archive.core.times import human_time
from archive.core.unit_of_work import unit_of_work
from archive.models import Alert, AlertKind, HistoryEntry, HistoryVerification, Workspace
from archive.models.audit import GENESIS_HASH
from archive.permissions import Action


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
    before = last_verification(workspace_id)
    with _snapshot():
        result = verify_workspace(workspace_id)
        if result.ok:
            result = _held_to_last_intact(result)
    run = HistoryVerification.objects.create(
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
    if not run.ok and (before is None or before.ok or before.problem != run.problem):
        _alert_auditors(run)
    return run


@unit_of_work()
def _alert_auditors(run: HistoryVerification) -> None:
    """An alert to each active reviewer and admin of the workspace that `run` found its chain broken."""
    if not Workspace.objects.filter(pk=run.workspace_id).exists():
        return  # the chain of a deleted workspace: nobody to tell but whoever ran it
    who = run.run_by.username if run.run_by else "the verify_history command"
    where = f" at entry #{run.sequence}" if run.sequence is not None else ""
    message = f"The history chain failed verification{where} (run by {who}): {run.problem}"
    auditors = members_who_may(Action.AUDIT, workspace_id=run.workspace_id)
    alerts = [
        Alert(
            workspace_id=run.workspace_id,
            recipient_id=member.user_id,
            kind=AlertKind.HISTORY_BROKEN,
            message=message,
        )
        for member in auditors
    ]
    record(alerts, user=run.run_by, reason="history chain verification failed")


def last_verification(workspace_id: int, *, intact: bool = False) -> HistoryVerification | None:
    """The workspace's last recorded run; with `intact`, the last that found the chain intact."""
    runs = HistoryVerification.objects.filter(workspace_id=workspace_id)
    if intact:
        runs = runs.filter(ok=True)
    return runs.select_related("run_by").order_by("-started_at", "-pk").first()


class Departure(Enum):
    """How a chain found intact departs from a length and head hash known earlier."""

    SHORTENED = "shortened"  # fewer entries now: its end was removed
    REWRITTEN = "rewritten"  # the entry at that length has another hash now


def departure(workspace_id: int, *, length: int, then_length: int, then_hash: str) -> Departure | None:
    """How the workspace's chain, found intact with `length` entries, departs from having had
    `then_length` entries ending in `then_hash`; None if it still has them. Each hash covers
    the one before, so the entry at `then_length` keeping its hash keeps the chain up to it."""
    if length < then_length:
        return Departure.SHORTENED
    entry = HistoryEntry.objects.filter(workspace_id=workspace_id, sequence=then_length)
    found = entry.values_list("hash", flat=True).first() if then_length else GENESIS_HASH
    return Departure.REWRITTEN if found != then_hash else None


def _held_to_last_intact(result: Verification) -> Verification:
    """`result`, an intact chain, failed if it departs from the last run that found it intact.
    A failed run records the chain as it found it, which may be what was tampered with."""
    last = last_verification(result.workspace_id, intact=True)
    if last is None:
        return result
    found = departure(
        result.workspace_id, length=result.length, then_length=last.length, then_hash=last.head_hash
    )
    if found is None:
        return result
    who = last.run_by.username if last.run_by else "the verify_history command"
    then = (
        f"the chain had {last.length} entries ending in {last.head_hash} at the verification of "
        f"{human_time(last.started_at, exact=True)} by {who}"
    )
    if found is Departure.SHORTENED:
        problem = f"{then}; now it has {result.length}: its end was removed"
        return replace(result, ok=False, problem=problem, sequence=result.length + 1)
    # Where the rewrite begins is not known: no entry up to it is vouched for.
    problem = f"{then}; entry #{last.length} no longer has the hash recorded then: the history was rewritten"
    return replace(result, ok=False, problem=problem, sequence=last.length, checked=0)
