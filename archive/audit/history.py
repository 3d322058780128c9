"""Reading an object's history: its versions with who, when, why and what changed."""

from typing import Any

from archive.audit.diffing import field_changes
from archive.audit.ledger import live_ledger
from archive.models import HistoryEntry, Workspace


def object_versions(*, workspace: Workspace, model_name: str, object_id: int) -> list[dict[str, Any]] | None:
    """Each version of the object, oldest first, with its ledger entry (`entry`),
    its history row (`row`) and what it changed (`changes`); None if the
    workspace has no history of such an object."""
    ledger = live_ledger()
    if model_name not in ledger.history_models:
        return None
    entries = {
        entry.history_id: entry
        for entry in HistoryEntry.objects.filter(
            workspace=workspace, model=model_name, object_id=object_id
        ).select_related("user")
    }
    if not entries:
        return None
    rows = ledger.workspace_rows(model_name, workspace.pk).filter(id=object_id)
    rows = list(rows.order_by("history_date", "history_id"))
    model = ledger.history_models[model_name].instance_type
    passages = _passages_by_version(model_name, rows)
    versions, previous = [], None
    for row in rows:
        values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
        if passages is not None:
            values["passages"] = passages.get(row.history_id, set())
        changes = [] if row.history_type == "-" else field_changes(model, previous, values)
        versions.append({"row": row, "entry": entries.get(row.history_id), "changes": changes})
        previous = values
    return versions


def _passages_by_version(model_name: str, rows: list[Any]) -> dict[int, set[int]] | None:
    m2m = live_ledger().m2m_models[model_name]
    if not m2m:
        return None
    [(_, through)] = m2m
    found: dict[int, set[int]] = {}
    for history_id, passage_id in through.objects.filter(
        history_id__in=[row.history_id for row in rows]
    ).values_list("history_id", "passage_id"):
        found.setdefault(history_id, set()).add(passage_id)
    return found
