"""A write's transaction, with the work every write implies done once, at its end.

Saving a tracked object implies more writes: its history rows enter the
workspace's audit ledger (archive.audit.ledger), and the search index follows
the change (archive.search). Done at each save, that work repeats (an
annotation saved, then given its passages, would be indexed twice) and the
ledger's lock on the workspace's chain, taken at the first history row, would
be held for the rest of the transaction, so every other writer to the
workspace would queue behind it.

Inside `unit_of_work()` (a `transaction.atomic` block; the services use it as
a decorator) that work is `defer()`-ed and done at the end of the outermost
unit, still inside its transaction: each task once, with everything deferred
to it, and the ledger last, so its lock is held only until COMMIT. A unit
inside a unit is a savepoint; the outermost one does the work. Outside any
unit (the Django admin, plain saves in scripts and tests) deferred work runs
at once.

A task must tolerate items whose rows a rolled-back savepoint took away
(the ledger skips history rows it cannot read back; the index drops documents
of objects that are gone). `savepoint_rolled_back()` tells a task whether that
can have happened: until then, rows the unit wrote are still as written.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TypeVar

from django.db import connection, transaction
from django.utils import timezone

Item = TypeVar("Item")
Task = Callable[[list], None]


class _Deferred:
    """The work deferred in one outermost unit: items per task, in order."""

    def __init__(self) -> None:
        self.began = timezone.now()
        self.items: dict[Task, list] = {}
        self.last: set[Task] = set()
        self.rolled_back = False

    def watch(self, execute, sql, params, many, context):
        """A connection execute wrapper: notes a rollback to a savepoint."""
        if sql.startswith("ROLLBACK TO SAVEPOINT"):
            self.rolled_back = True
        return execute(sql, params, many, context)

    def add(self, task: Task, items: tuple, *, last: bool) -> None:
        self.items.setdefault(task, []).extend(items)
        if last:
            self.last.add(task)

    def run(self) -> None:
        # A task may defer more work (to itself or another): loop until none is left.
        while self.items:
            task = next((task for task in self.items if task not in self.last), next(iter(self.items)))
            task(self.items.pop(task))


_deferred: ContextVar[_Deferred | None] = ContextVar("unit_of_work", default=None)


@contextmanager
def unit_of_work() -> Iterator[None]:
    """A transaction whose deferred work is done once, at the end of the outermost unit."""
    with transaction.atomic():
        if _deferred.get() is not None:
            yield
            return
        deferred = _Deferred()
        token = _deferred.set(deferred)
        try:
            with connection.execute_wrapper(deferred.watch):
                yield
                deferred.run()
        finally:
            _deferred.reset(token)


def unit_time() -> datetime:
    """When the current outermost unit began (outside a unit: now). Every history row
    a unit writes records this time, so that an "as of" view sees all of a write or
    none of it (a text correction's source and the passages it re-anchored, say)."""
    deferred = _deferred.get()
    return timezone.now() if deferred is None else deferred.began


def savepoint_rolled_back() -> bool:
    """Whether a savepoint was rolled back in the current unit (outside a unit: True,
    since nothing is known), so that rows written in it may be gone."""
    deferred = _deferred.get()
    return deferred is None or deferred.rolled_back


def defer(task: Callable[[list[Item]], None], *items: Item, last: bool = False) -> None:
    """Have `task` called with `items` (and the others deferred to it) at the end of
    the current unit, after the tasks not marked `last`; outside a unit, now."""
    deferred = _deferred.get()
    if deferred is None:
        task(list(items))
    else:
        deferred.add(task, items, last=last)
