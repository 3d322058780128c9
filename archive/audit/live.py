"""Whether the live rows are what their history last recorded.

The chain vouches for the history rows; the pages, exports and evidence
packages show the live rows. A row changed, inserted or deleted in the
database directly, outside the history, would leave the chain intact while
the archive shows something its history never recorded. So verification
also compares every live row of a tracked model with its newest history row
(each column the history keeps, and an annotation's passages), and finds
objects whose history does not say they were deleted but whose row is gone.
"""

from dataclasses import dataclass
from functools import cache
from typing import cast

from django.apps import apps
from django.db import connection
from django.db.models import ManyToManyField, Model

from archive.core.history import HistoryModel


@dataclass(frozen=True)
class _Tracked:
    """A tracked model, its history model, and the SQL that finds its rows outside the history."""

    label: str
    live: type[Model]
    history: HistoryModel
    changed_sql: str  # a live row unlike its newest history row (or without one): its id, and that row's type
    deleted_sql: str  # an object whose newest history row is no deletion, with no live row: its id


@dataclass(frozen=True)
class LiveRowProblem:
    """A live row that is not what its history last recorded."""

    label: str  # the model's name: "claim"
    object_id: int
    what: str  # "differs from its last history row (statement): it was changed outside the history"

    def __str__(self) -> str:
        return f"{self.label} {self.object_id} {self.what}"


def live_rows_problem(workspace_id: int) -> LiveRowProblem | None:
    """The first of the workspace's live rows that is not its newest history row, if any."""
    with connection.cursor() as cursor:
        for tracked in _tracked():
            cursor.execute(tracked.changed_sql, [workspace_id])
            found = cursor.fetchone()
            if found is not None:
                return row_problem(tracked.live._default_manager.get(pk=found[0]))
            cursor.execute(tracked.deleted_sql, [workspace_id])
            found = cursor.fetchone()
            if found is not None:
                what = "is gone, but its history does not record its deletion"
                return LiveRowProblem(tracked.label, found[0], f"{what}: it was deleted outside the history")
    return None


def row_problem(live: Model, *, ignoring: frozenset[str] = frozenset()) -> LiveRowProblem | None:
    """Whether one live row is its newest history row (but for the columns `ignoring`)."""
    history = cast(HistoryModel, live.history.model)  # type: ignore[attr-defined]
    label = cast(str, live._meta.model_name)
    newest = history._default_manager.filter(id=live.pk).order_by("-history_id").first()
    if newest is None:
        return LiveRowProblem(label, live.pk, "has no history: it was inserted outside the history")
    if newest.history_type == "-":
        what = "exists, but its history records its deletion: it was restored outside the history"
        return LiveRowProblem(label, live.pk, what)
    differing = [
        field.name
        for field in _compared_fields(type(live), history)
        if field.name not in ignoring and getattr(live, field.attname) != getattr(newest, field.attname)
    ]
    for field in history._history_m2m_fields:
        now = set(getattr(live, field.name).values_list("pk", flat=True))
        then = {getattr(row, field.m2m_reverse_name()) for row in getattr(newest, field.name).all()}
        if now != then:
            differing.append(field.name)
    if not differing:
        return None
    what = f"differs from its last history row ({', '.join(differing)}): it was changed outside the history"
    return LiveRowProblem(label, live.pk, what)


def _compared_fields(live: type[Model], history: HistoryModel) -> list:
    """The live model's columns that its history keeps (less those it changes without a history row)."""
    kept = {field.attname for field in history._meta.concrete_fields}
    unrecorded = getattr(live, "unrecorded_fields", ())
    return [
        field
        for field in live._meta.concrete_fields
        if field.attname in kept and field.name not in unrecorded
    ]


@cache
def _tracked() -> list[_Tracked]:
    found = []
    for history in apps.get_app_config("archive").get_models():
        live = getattr(history, "instance_type", None)
        if live is None or not hasattr(history, "_history_m2m_fields"):  # not a model's history table
            continue
        found.append(_tracked_model(live, history))
    return sorted(found, key=lambda tracked: tracked.label)


def _tracked_model(live: type[Model], history: HistoryModel) -> _Tracked:
    quote = connection.ops.quote_name
    same = "IS NOT DISTINCT FROM" if connection.vendor == "postgresql" else "IS"
    live_table, history_table = quote(live._meta.db_table), quote(history._meta.db_table)
    label = live._meta.model_name or ""
    owner = "id" if label == "workspace" else "workspace_id"
    alike = [f"l.{quote(f.column)} {same} h.{quote(f.column)}" for f in _compared_fields(live, history)]
    alike += [_same_links(history, field) for field in history._history_m2m_fields]
    newest = f"(SELECT MAX(n.history_id) FROM {history_table} n WHERE n.id = l.id)"  # noqa: S608  # nosec B608
    changed_sql = (
        f"SELECT l.id, h.history_type FROM {live_table} l "  # noqa: S608  # nosec B608
        f"LEFT JOIN {history_table} h ON h.history_id = {newest} "
        f"WHERE l.{owner} = %s AND (h.history_id IS NULL OR h.history_type = '-' "
        f"OR NOT ({' AND '.join(alike)})) ORDER BY l.id LIMIT 1"
    )
    # Objects without a live row whose newest history row is no deletion.
    deleted = "MAX(CASE WHEN h.history_type = '-' THEN h.history_id END)"
    deleted_sql = (
        f"SELECT h.id FROM {history_table} h "  # noqa: S608  # nosec B608
        f"WHERE h.{owner} = %s AND NOT EXISTS (SELECT 1 FROM {live_table} l WHERE l.id = h.id) "
        f"GROUP BY h.id HAVING NOT ({deleted} {same} MAX(h.history_id)) ORDER BY h.id LIMIT 1"
    )
    return _Tracked(label, live, history, changed_sql, deleted_sql)


def _same_links(history: HistoryModel, field: ManyToManyField) -> str:
    """SQL: the live row's links of a many-to-many field are those its newest history row recorded."""
    quote = connection.ops.quote_name
    through = cast(type[Model], field.remote_field.through)
    links = next(
        rel.related_model
        for rel in history._meta.related_objects
        if rel.field.name == "history" and rel.related_model.__name__ == f"Historical{through.__name__}"
    )
    owner, target = quote(field.m2m_column_name()), quote(field.m2m_reverse_name())
    now = f"SELECT t.{target} FROM {quote(through._meta.db_table)} t WHERE t.{owner} = l.id"  # noqa: S608  # nosec B608
    then = f"SELECT r.{target} FROM {quote(links._meta.db_table)} r WHERE r.history_id = h.history_id"  # noqa: S608  # nosec B608
    return f"NOT EXISTS ({now} EXCEPT {then}) AND NOT EXISTS ({then} EXCEPT {now})"
