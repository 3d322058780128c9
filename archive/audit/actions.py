"""What kind of change a ledger entry is, as the activity shows and filters it.

An entry's action is hashed with it, so it stays as it was recorded. Grades of a kind
that lists its grade's fields (archive.audit.kinds, an outlet's reliability) were
recorded as "changed" before they were recorded as "graded": the activity tells
those apart by what the history row changed, so a filter on "graded" finds every grade.
"""

from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, Value, When

from archive.audit.kinds import KINDS
from archive.audit.ledger import live_ledger
from archive.models import HistoryAction, HistoryEntry


def regraded_rows(workspace_id: int) -> dict[str, list[int]]:
    """By kind, the history ids of the workspace's changes that changed a grade."""
    ledger = live_ledger()
    found: dict[str, list[int]] = {}
    for kind in KINDS.values():
        if not kind.grade:
            continue
        history = ledger.history_models[kind.name]._default_manager
        earlier = history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by(
            "-history_id"
        )
        changes = ledger.workspace_rows(kind.name, workspace_id).filter(history_type="~")
        changes = changes.annotate(
            **{f"was_{name}": Subquery(earlier.values(name)[:1]) for name in kind.grade}
        )
        differs = Q(pk__in=[])
        for name in kind.grade:
            differs |= ~Q(**{f"was_{name}": F(name)})
        found[kind.name] = list(changes.filter(differs).values_list("history_id", flat=True))
    return found


class Actions:
    """The actions the activity shows for one workspace's entries (read once, when first needed)."""

    def __init__(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        self._regraded: Q | None = None

    @property
    def regraded(self) -> Q:
        """Entries recorded as "changed" that changed a grade."""
        if self._regraded is None:
            condition = Q(pk__in=[])
            for name, history_ids in regraded_rows(self.workspace_id).items():
                if history_ids:
                    condition |= Q(model=name, history_id__in=history_ids)
            self._regraded = condition & Q(action=HistoryAction.CHANGED)
        return self._regraded

    def shown_as(self, action: str) -> Q:
        """Entries the activity shows with `action`."""
        if action == HistoryAction.GRADED:
            return Q(action=action) | self.regraded
        if action == HistoryAction.CHANGED:
            return Q(action=action) & ~self.regraded
        return Q(action=action)

    def annotate(self, entries: QuerySet[HistoryEntry]) -> QuerySet[HistoryEntry]:
        """`entries`, each with the action the activity shows (`shown_action`)."""
        shown = Case(
            When(self.regraded, then=Value(HistoryAction.GRADED.value)),
            default=F("action"),
            output_field=CharField(),
        )
        return entries.annotate(shown_action=shown)


def shown_action(model_name: str, action: str, changed: set[str]) -> str:
    """The action the activity shows for an entry of `model_name` recorded as `action`
    that changed the fields `changed`."""
    kind = KINDS.get(model_name)
    if action == HistoryAction.CHANGED and kind is not None and changed & set(kind.grade):
        return HistoryAction.GRADED
    return action


def action_label(action: str) -> str:
    """An action as pages write it ("re-anchored"), whatever was recorded."""
    return str(HistoryAction(action).label) if action in HistoryAction.values else action
