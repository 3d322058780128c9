"""Reading an object's history: its versions with who, when, why and what changed."""

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet

from archive.audit.actions import shown_action
from archive.audit.diffing import Download, DownloadOf, field_changes
from archive.audit.kinds import may_see_history, object_name
from archive.audit.ledger import live_ledger
from archive.core.times import human_time
from archive.models import HistoryEntry, SourceVersion, Workspace
from archive.permissions import role_in


def history_rows(*, workspace: Workspace, model_name: str, object_id: int) -> QuerySet[Any] | None:
    """The object's history rows, newest first; None if the workspace has no history
    of such an object."""
    ledger = live_ledger()
    if model_name not in ledger.history_models:
        return None
    if not HistoryEntry.objects.filter(workspace=workspace, model=model_name, object_id=object_id).exists():
        return None
    rows = ledger.workspace_rows(model_name, workspace.pk).filter(id=object_id)
    return rows.order_by("-history_date", "-history_id")


def deleted_history(
    *, user: Any, model: type[Model], object_id: int
) -> tuple[Workspace, QuerySet[Any]] | None:
    """The workspace and history rows (newest first, as `history_rows`) of an object
    deleted from a workspace `user` is a member of, if they may see its history; None
    otherwise (never deleted, or not theirs to know)."""
    model_name = model._meta.model_name or ""
    entry = (
        HistoryEntry.objects.filter(model=model_name, object_id=object_id, workspace__memberships__user=user)
        .select_related("workspace")
        .first()
    )
    if entry is None:
        return None
    rows = history_rows(workspace=entry.workspace, model_name=model_name, object_id=object_id)
    last = rows.first() if rows is not None else None
    if rows is None or last is None or last.history_type != "-":
        return None
    if not may_see_history(role_in(user, entry.workspace), user, model_name, object_id):
        return None
    return entry.workspace, rows


def deletion_notice(*, user: Any, model: type[Model], object_id: int) -> str | None:
    """Who deleted the object, when and why, if its history, in a workspace `user` is a
    member of, ends with its deletion; None otherwise (never deleted, or not theirs to know)."""
    found = deleted_history(user=user, model=model, object_id=object_id)
    last = found[1].first() if found is not None else None
    if last is None:
        return None
    who = last.history_user.get_username() if last.history_user else "Someone"
    why = f", saying: “{last.history_change_reason}”" if last.history_change_reason else ""
    return f"{who} deleted this {model._meta.verbose_name} on {human_time(last.history_date)}{why}."


def object_versions(
    *, workspace: Workspace, model_name: str, rows: Sequence[Any], before: Any | None
) -> list[dict[str, Any]]:
    """Each of `rows` (consecutive history rows of one object, newest first, from
    `history_rows`) with its ledger entry (`entry`), its history row (`row`), what it
    changed (`changes`) and the action the activity shows for it (`action`). `before` is
    the row before the oldest of them, which that one is compared with: None if it is the
    object's first version."""
    ledger = live_ledger()
    entries = {
        entry.history_id: entry
        for entry in HistoryEntry.objects.filter(
            workspace=workspace, model=model_name, history_id__in=[row.history_id for row in rows]
        ).select_related("user")
    }
    oldest_first = [*([before] if before is not None else []), *reversed(rows)]
    model = ledger.history_models[model_name].instance_type
    passages = passages_by_version(model_name, oldest_first)
    name_of, download_of = names_in(workspace), downloads_in(workspace)
    versions, previous, deleted = [], None, False
    for row in oldest_first:
        values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
        if passages is not None:
            values["passages"] = passages.get(row.history_id, set())
        gone = row.history_type == "-"
        if row is not before:
            entry = entries.get(row.history_id)
            changes = (
                []
                if gone
                else field_changes(model, previous, values, name_of=name_of, download_of=download_of)
            )
            changed = {change.name for change in changes}
            versions.append(
                {
                    "row": row,
                    "entry": entry,
                    "action": shown_action(model_name, entry.action, changed) if entry else "",
                    "changes": changes,
                    "restored": deleted and not gone,  # the row after a deletion brings it back
                }
            )
        previous, deleted = values, gone
    return versions[::-1]


def names_in(workspace: Workspace) -> Callable[[type[Model], int], str]:
    """Name related objects as people know them: users by name, everything else by the
    name the ledger last recorded for it (so deleted objects keep theirs)."""
    known: dict[tuple[str, int], str] = {}
    User = get_user_model()

    def name_of(model: type[Model], object_id: int) -> str:
        label = model._meta.model_name or ""
        if (label, object_id) not in known:
            if model is User:
                user = User.objects.filter(pk=object_id).first()
                known[label, object_id] = str(user) if user is not None else f"user #{object_id}"
            else:
                last = (
                    HistoryEntry.objects.filter(workspace=workspace, model=label, object_id=object_id)
                    .order_by("-sequence")
                    .values_list("object_repr", flat=True)
                    .first()
                )
                verbose = model._meta.verbose_name
                known[label, object_id] = object_name(label, last) if last else f"{verbose} #{object_id}"
        return known[label, object_id]

    return name_of


def downloads_in(workspace: Workspace) -> DownloadOf:
    """Where a stored file of the workspace can be downloaded: from a source's version that
    holds it (files are stored by their hash, so a source's original is one of its versions')."""
    known: dict[str, Download | None] = {}

    def download_of(name: str) -> Download | None:
        if name not in known:
            version = (
                SourceVersion.objects.filter(Q(original=name) | Q(warc=name), workspace=workspace)
                .order_by("source_id", "number")
                .values("source_id", "number", "original")
                .first()
            )
            known[name] = (
                Download(
                    version["source_id"],
                    version["number"],
                    "original" if version["original"] == name else "warc",
                )
                if version
                else None
            )
        return known[name]

    return download_of


def passages_by_version(model_name: str, rows: Sequence[Any]) -> dict[int, set[int]] | None:
    """The passages each of `rows` (history rows of a `model_name` object) recorded, by
    history id; None for a kind of object that has no passages."""
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
