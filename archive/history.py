"""Who changed what, and why: attribution for django-simple-history, and the
hash-chained audit ledger every history row enters.

Every tracked model declares `history = tracked_history()`. The acting user
and the reason for a change come from, in order:

1. the instance itself (`instance._history_user`, `instance._change_reason`),
2. an enclosing `recorded_as(user=..., reason=...)` block, which management
   commands, services and the API use,
3. the current request (simple_history's HistoryRequestMiddleware), which
   covers the browser and the Django admin.

`recorded_as(..., action=HistoryAction.X)` also names what kind of change the
block makes (reverted, re-anchored, submitted, approved, rejected); without
it, the action follows the history row: created, changed or deleted. An inner
block without a reason or action keeps the enclosing block's, so a revert that
goes through the ordinary edit path is still recorded as a revert, and a
command's reason reaches the services it calls.

The ledger (archive.models.audit, archive.audit.ledger) gets one entry per
history row, in the same transaction:

- rows written by `save()`/`delete()`/m2m changes arrive through
  simple_history's `post_create_historical_record` signal;
- rows written in bulk (`bulk_create_with_history`, `bulk_update_with_history`,
  or `Model.history.bulk_history_create(...)` directly) send no signal, so the
  history manager of every tracked model (`LedgerHistoryManager`) chains them
  right after inserting them. Bulk writers need to do nothing more; wrap the
  call in `recorded_as(...)` to give the user, reason and action (the bulk
  helpers' `default_user` / `default_change_reason` work too);
- `copy_history(objects)` has the database copy the rows of thousands of
  objects changed in bulk into their history, and chains them too.

Never write history rows any other way (other raw SQL, QuerySet.update on
history tables, `update_change_reason`): `verify_history` reports them as
tampering.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model
from django.dispatch import receiver
from django.utils import timezone
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record


@dataclass(frozen=True)
class Attribution:
    user: object | None
    reason: str
    action: str | None = None


_current: ContextVar[Attribution | None] = ContextVar("history_attribution", default=None)


@contextmanager
def recorded_as(*, user, reason: str = "", action: str | None = None) -> Iterator[None]:
    """Attribute every history row written inside the block to `user`, for `reason`.

    `action` (an archive.models.HistoryAction) names the kind of change in
    the audit ledger, else created, changed or deleted. A block without a
    reason or action keeps the enclosing block's.
    """
    outer = _current.get()
    if outer is not None:
        reason, action = reason or outer.reason, action or outer.action
    token = _current.set(Attribution(user=user, reason=reason, action=action))
    try:
        yield
    finally:
        _current.reset(token)


def current_attribution() -> Attribution | None:
    return _current.get()


def _history_user(instance, request=None, **kwargs):
    # simple_history itself prefers `instance._history_user` when it is set.
    attribution = _current.get()
    if attribution is not None and attribution.user is not None:
        return attribution.user
    request = request or getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


class LedgerHistoryManager(HistoryManager):
    """simple_history's manager, whose bulk path also chains rows into the ledger.

    `m2m` (field name -> the through rows just inserted for `objs`) adds the
    many-to-many history rows, which simple_history's bulk path leaves out.
    """

    def bulk_history_create(
        self, objs, *args, default_change_reason="", m2m: dict[str, Sequence[Model]] | None = None, **kwargs
    ):
        objs = list(objs)
        attribution = _current.get()
        if not default_change_reason and attribution is not None:
            default_change_reason = attribution.reason
        rows = super().bulk_history_create(objs, *args, default_change_reason=default_change_reason, **kwargs)
        if rows:
            for name, through_rows in (m2m or {}).items():
                self._bulk_m2m_history(rows, name, through_rows)
            from archive.audit.ledger import chain_rows

            chain_rows(rows, instances=objs)
        return rows

    def _bulk_m2m_history(self, rows: list[Model], name: str, through_rows: Sequence[Model]) -> None:
        field = self.model.instance_type._meta.get_field(name)
        history_model = _TrackedHistory.by_model[self.model.instance_type].m2m_models[field]
        row_of = {row.id: row for row in rows}  # a history row's `id` is its object's
        owner = f"{field.m2m_field_name()}_id"
        columns = [column.attname for column in field.remote_field.through._meta.concrete_fields]
        history_model.objects.bulk_create(
            history_model(history=row_of[getattr(row, owner)], **{c: getattr(row, c) for c in columns})
            for row in through_rows
        )


class _TrackedHistory(HistoricalRecords):
    """simple_history's HistoricalRecords, remembered per model (the bulk path needs its m2m models)."""

    by_model: dict[type, "_TrackedHistory"] = {}

    def finalize(self, sender, **kwargs) -> None:
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            self.by_model[sender] = self


def tracked_history(**options) -> HistoricalRecords:
    """The HistoricalRecords every Warrant model uses."""
    return _TrackedHistory(get_user=_history_user, history_manager=LedgerHistoryManager, **options)


def copy_history(objects: Sequence[Model], *, history_type: str = "~") -> None:
    """History rows for `objects` (of one model) just written in bulk, copied by
    the database from their table in one INSERT ... SELECT per 900, and chained
    into the ledger like any other. Who and why come from the enclosing
    `recorded_as` block.

    For thousands of rows (re-anchoring after a text correction) this takes a
    fraction of the bulk path's time, which builds and binds every value in
    Python. Models with many-to-many history use that path.
    """
    from archive.audit.ledger import chain_history_ids

    model = type(objects[0])
    history_model = model.history.model
    attribution = _current.get() or Attribution(user=None, reason="")
    stamped = {
        "history_date": timezone.now(),
        "history_change_reason": attribution.reason or None,
        "history_type": history_type,
        "history_user_id": getattr(attribution.user, "pk", None),
    }

    def column(of: type[Model], name: str) -> str:
        return connection.ops.quote_name(of._meta.get_field(name).column)

    tracked = [field.name for field in history_model.tracked_fields]
    targets = ", ".join(column(history_model, name) for name in [*tracked, *stamped])
    copied = ", ".join([*(column(model, name) for name in tracked), *["%s"] * len(stamped)])
    stamps = [
        history_model._meta.get_field(name).get_db_prep_save(v, connection) for name, v in stamped.items()
    ]
    history_table, table = (connection.ops.quote_name(m._meta.db_table) for m in (history_model, model))
    pk = model._meta.pk.name
    history_ids: dict[int, int] = {}
    with connection.cursor() as cursor:
        for first in range(0, len(objects), 900):
            ids = [obj.pk for obj in objects[first : first + 900]]
            # Identifiers come from the models; values are parameters.
            cursor.execute(
                f"INSERT INTO {history_table} ({targets}) SELECT {copied} FROM {table} "  # noqa: S608  # nosec B608
                f"WHERE {column(model, pk)} IN ({', '.join(['%s'] * len(ids))}) "
                f"RETURNING {column(history_model, 'history_id')}, {column(history_model, pk)}",
                [*stamps, *ids],
            )
            history_ids.update((object_id, history_id) for history_id, object_id in cursor.fetchall())
    chain_history_ids(history_model, [history_ids[obj.pk] for obj in objects], instances=objects)


@receiver(pre_create_historical_record)
def _add_reason_from_context(sender, history_instance, **kwargs) -> None:
    attribution = _current.get()
    if attribution is not None and not history_instance.history_change_reason:
        history_instance.history_change_reason = attribution.reason or None


@receiver(post_create_historical_record)
def _chain_into_ledger(sender, instance, history_instance, **kwargs) -> None:
    from archive.audit.ledger import chain_rows

    chain_rows([history_instance], instances=[instance])
