"""History rows for every tracked model, and the signal that hands them on.

Every tracked model declares `history = tracked_history()` (django-simple-history).
Who and why come from archive.core.attribution.

Each history row must enter the workspace's hash-chained audit ledger in the
same transaction, and tracked objects written must reach the search index.
This module knows neither: it announces rows, and the audit ledger and the
search index listen (connected in ArchiveConfig.ready):

- rows written by `save()`/`delete()`/m2m changes: simple_history's
  `post_create_historical_record`, re-sent here as `history_written`;
- rows written in bulk (`Model.history.bulk_history_create(...)`, used by
  `bulk_create_with_history` and the domain's bulk writers): the history
  manager of every tracked model (`LedgerHistoryManager`) sends
  `history_written` right after inserting them;
- `copy_history(objects)` has the database copy the rows of thousands of
  objects changed in bulk into their history, and sends it too.

Bulk writers need to do nothing more; wrap the call in `recorded_as(...)` to
give the user, reason and action. Never write history rows any other way
(other raw SQL, QuerySet.update on history tables, `update_change_reason`):
`verify_history` reports them as tampering.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Model
from django.dispatch import Signal
from simple_history.manager import HistoryDescriptor, HistoryManager
from simple_history.models import HistoricalRecords

from archive.core.attribution import current_attribution, history_user
from archive.core.db import concrete_field
from archive.core.unit_of_work import unit_time

# Sent with `sender` (the history model), `history_ids` (rows just written, in
# order), `instances` (the objects they record, one per row) and `reindex`
# (those of them whose searchable content may have changed); `created` if the
# rows record creations; and, when the sender holds them, `rows` (the history
# rows as written, one per id) with `m2m_rows` (every many-to-many history row
# written for them), so that the ledger need not read them back.
history_written = Signal()

# A django-simple-history Historical* row: a model class made at runtime with
# the tracked model's fields plus history_id, history_date and history_type.
# simple_history ships no types, so mypy cannot know its fields.
HistoryRow = Any
# The class of such rows (`Model.history.model`).
HistoryModel = type[HistoryRow]


def history_model_of(model: type[Model]) -> HistoryModel:
    """The history model of `model`, which declares `history = tracked_history()`."""
    # The attribute is added per model class; Model (in the stubs) has no `history`.
    manager: HistoryManager = model.history  # type: ignore[attr-defined]
    return manager.model


def _quoted_column(model: type[Model], name: str) -> str:
    """The quoted database column of `model`'s field `name`."""
    column = concrete_field(model, name).column
    if column is None:
        raise TypeError(f"{model._meta.label}.{name} has no column of its own.")
    return connection.ops.quote_name(column)


class LedgerHistoryManager(HistoryManager):
    """simple_history's manager, whose bulk path also announces its rows (`history_written`).

    `m2m` (field name -> the through rows just inserted for `objs`) adds the
    many-to-many history rows, which simple_history's bulk path leaves out.
    """

    def bulk_history_create(
        self, objs, *args, default_change_reason="", m2m: dict[str, Sequence[Model]] | None = None, **kwargs
    ):
        objs = list(objs)
        attribution = current_attribution()
        if not default_change_reason and attribution is not None:
            default_change_reason = attribution.reason
        kwargs["default_date"] = kwargs.get("default_date") or unit_time()
        rows = super().bulk_history_create(objs, *args, default_change_reason=default_change_reason, **kwargs)
        if rows:
            m2m_rows = [
                m2m_row
                for name, through_rows in (m2m or {}).items()
                for m2m_row in self._bulk_m2m_history(rows, name, through_rows)
            ]
            history_written.send(
                sender=self.model,
                history_ids=[row.pk for row in rows],
                instances=objs,
                reindex=objs,
                created=not kwargs.get("update", False),
                rows=rows,
                m2m_rows=m2m_rows,
            )
        return rows

    def _bulk_m2m_history(
        self, rows: list[HistoryRow], name: str, through_rows: Sequence[Model]
    ) -> list[HistoryRow]:
        field = self.model.instance_type._meta.get_field(name)
        history_model = _TrackedHistory.by_model[self.model.instance_type].m2m_models[field]
        row_of = {row.id: row for row in rows}  # a history row's `id` is its object's
        owner = f"{field.m2m_field_name()}_id"
        columns = [column.attname for column in field.remote_field.through._meta.concrete_fields]
        return history_model.objects.bulk_create(
            history_model(history=row_of[getattr(row, owner)], **{c: getattr(row, c) for c in columns})
            for row in through_rows
        )


class _HistoryDescriptor(HistoryDescriptor):
    """simple_history's `Model.history`, whose manager class is made once: simple_history
    makes it again at every access (copying the queryset's methods by inspection),
    which cost a write a good part of a millisecond."""

    def __get__(self, instance, owner):
        manager_class = self.__dict__.get("_manager_class")
        if manager_class is None:
            manager_class = self._manager_class = self.manager_class.from_queryset(self.queryset_class)
        return manager_class(self.model, instance)


class _TrackedHistory(HistoricalRecords):
    """simple_history's HistoricalRecords, remembered per model (the bulk path needs its m2m models)."""

    by_model: dict[type, "_TrackedHistory"] = {}

    def create_historical_record(self, instance, history_type, using=None) -> None:
        if "_history_date" in instance.__dict__:  # a date the caller chose
            return super().create_historical_record(instance, history_type, using)
        instance._history_date = unit_time()
        try:
            return super().create_historical_record(instance, history_type, using)
        finally:
            del instance._history_date

    def finalize(self, sender, **kwargs) -> None:
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            self.by_model[sender] = self
            made = sender.__dict__[self.manager_name]
            setattr(
                sender,
                self.manager_name,
                _HistoryDescriptor(made.model, manager=made.manager_class, queryset=made.queryset_class),
            )


@contextmanager
def history_paused(obj: Model) -> Iterator[None]:
    """Saves of `obj` and changes to its many-to-many fields inside write no history
    row: the caller records what they leave once, with `record_history` or by saving
    it after. An annotation inserted, then given its passages, would otherwise have
    a version on no passage at all, and one more version for one change."""
    obj.skip_history_when_saving = True  # type: ignore[attr-defined]  # simple_history's switch
    try:
        yield
    finally:
        del obj.skip_history_when_saving  # type: ignore[attr-defined]


def record_history(obj: Model, history_type: str) -> None:
    """One history row of `obj` as it is now, its many-to-many links included, as a save writes."""
    _TrackedHistory.by_model[type(obj)].create_historical_record(obj, history_type)


def tracked_history(**options: Any) -> HistoricalRecords:
    """The HistoricalRecords every Warrant model uses."""
    return _TrackedHistory(get_user=history_user, history_manager=LedgerHistoryManager, **options)


def copy_history(
    objects: Sequence[Model], *, history_type: str = "~", reindex: Sequence[Model] | None = None
) -> None:
    """History rows for `objects` (of one model) just written in bulk, copied by
    the database from their table in one INSERT ... SELECT per 900, and
    announced like any other. Who and why come from the enclosing
    `recorded_as` block. `reindex` narrows what the search index re-reads to
    the objects whose searchable content changed (default: all).

    For thousands of rows (re-anchoring after a text correction) this takes a
    fraction of the bulk path's time, which builds and binds every value in
    Python. Models with many-to-many history use that path.
    """
    model = type(objects[0])
    history_model = history_model_of(model)
    attribution = current_attribution()
    stamped = {
        "history_date": unit_time(),
        "history_change_reason": (attribution.reason if attribution else "") or None,
        "history_type": history_type,
        "history_user_id": getattr(attribution.user if attribution else None, "pk", None),
    }

    tracked = [field.name for field in history_model.tracked_fields]
    targets = ", ".join(_quoted_column(history_model, name) for name in [*tracked, *stamped])
    copied = ", ".join([*(_quoted_column(model, name) for name in tracked), *["%s"] * len(stamped)])
    stamps = [
        history_model._meta.get_field(name).get_db_prep_save(v, connection) for name, v in stamped.items()
    ]
    history_table, table = (connection.ops.quote_name(m._meta.db_table) for m in (history_model, model))
    pk = model._meta.pk.name
    history_id_column = _quoted_column(history_model, "history_id")
    history_ids: dict[int, int] = {}
    with connection.cursor() as cursor:
        for first in range(0, len(objects), 900):
            ids = [obj.pk for obj in objects[first : first + 900]]
            # Identifiers come from the models; values are parameters.
            cursor.execute(
                f"INSERT INTO {history_table} ({targets}) SELECT {copied} FROM {table} "  # noqa: S608  # nosec B608
                f"WHERE {_quoted_column(model, pk)} IN ({', '.join(['%s'] * len(ids))}) "
                f"RETURNING {history_id_column}, {_quoted_column(history_model, pk)}",
                [*stamps, *ids],
            )
            history_ids.update((object_id, history_id) for history_id, object_id in cursor.fetchall())
    history_written.send(
        sender=history_model,
        history_ids=[history_ids[obj.pk] for obj in objects],
        instances=objects,
        reindex=objects if reindex is None else reindex,
    )


def add_reason_from_context(sender: HistoryModel, history_instance: HistoryRow, **kwargs: object) -> None:
    """pre_create_historical_record: the enclosing `recorded_as` block's reason."""
    attribution = current_attribution()
    if attribution is not None and not history_instance.history_change_reason:
        history_instance.history_change_reason = attribution.reason or None


def announce_saved_row(
    sender: HistoryModel, instance: Model, history_instance: HistoryRow, **kwargs: object
) -> None:
    """post_create_historical_record: one row written by save(), delete() or an m2m change.

    Its many-to-many history rows, if the model has any, were written without
    being handed on: then the ledger reads the row back instead."""
    written = {} if history_instance._history_m2m_fields else {"rows": [history_instance], "m2m_rows": []}
    history_written.send(
        sender=type(history_instance),
        history_ids=[history_instance.pk],
        instances=[instance],
        reindex=[instance],
        created=history_instance.history_type == "+",
        **written,
    )


def gradings(obj: Model) -> list[Any]:
    """The history rows of `obj` (a model with a `grade_field`, e.g. an outlet's
    reliability), oldest first, that gave it a grade: those whose grade or the grade's
    reason differs from the row before. A grade confirmed with a new reason is one. Its
    first row gives one only with a reason or a grade other than the default, which means
    "not graded yet" (an outlet an import creates is F, a claim 6): no one judged it."""
    field_name = type(obj).grade_field  # type: ignore[attr-defined]
    reason_field = f"{field_name}_reason"
    ungraded = (concrete_field(type(obj), field_name).get_default(), "")
    found, last = [], None
    rows = obj.history.select_related("history_user").order_by("history_date", "history_id")  # type: ignore[attr-defined]
    for row in rows.iterator():
        grade = (getattr(row, field_name), getattr(row, reason_field))
        if grade != (last if last is not None else ungraded):
            found.append(row)
        last = grade
    return found
