"""Reverting an object to an earlier version, or bringing a deleted one back.

A revert never rewrites history: it is a new change, recorded with the
reviewer's reason and the action "reverted". Links are restored where what
they point to still exists; what could not be restored is reported.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ForeignKey, Max, Model, QuerySet

from archive.alignment import refresh_later
from archive.audit.kinds import KINDS, object_name
from archive.audit.ledger import OBJECT_REPR_LENGTH, live_ledger
from archive.audit.review import changes_since_approved, tell_the_author
from archive.claims.editing import reopen_review
from archive.core.attribution import recorded_as
from archive.core.editing import update_object
from archive.core.graphemes import shorten
from archive.core.history import HistoryRow, history_paused, record_history
from archive.core.unit_of_work import unit_of_work
from archive.models import (
    AlertKind,
    Annotation,
    Claim,
    Evidence,
    HistoryAction,
    HistoryEntry,
    Membership,
    Passage,
    ReviewStatus,
    Role,
    Source,
    Workspace,
)
from archive.models.base import WorkspaceOwned
from archive.passages.correction import revert_source_text
from archive.permissions import can, role_in
from archive.workspaces import keep_an_admin

# Set by saving, never restored from an old version.
_BOOKKEEPING = {"id", "version", "created_at", "updated_at", "workspace", "review_status"}


@dataclass
class RevertOutcome:
    obj: Model
    restored: bool
    """True when the object had been deleted and is back."""
    notes: list[str] = field(default_factory=list)
    """What else came back, and what could not be restored."""


def may_revert(role: str | None, model_name: str) -> bool:
    kind = KINDS.get(model_name)
    return kind is not None and kind.revert is not None and can(role, kind.revert)


def _history(model_name: str, workspace: Workspace, object_id: int) -> QuerySet:
    return live_ledger().workspace_rows(model_name, workspace.pk).filter(id=object_id)


def _model_name(model: type[Model]) -> str:
    # Options types it str | None; a model class's is always set.
    return cast(str, model._meta.model_name)


def _workspace_of(obj: Model) -> Workspace:
    """The workspace `obj` belongs to (a workspace is its own)."""
    if isinstance(obj, Workspace):
        return obj
    if isinstance(obj, WorkspaceOwned | Membership):
        return obj.workspace
    raise TypeError(f"{obj._meta.label} belongs to no workspace.")


def _values(row: HistoryRow) -> dict[str, Any]:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


def _name(obj: Model) -> str:
    """What a note calls an object that is back, as the activity names it (a source's version
    by the number people see on its pages, "version 1 of …"), never by its id."""
    try:
        text = shorten(str(obj), OBJECT_REPR_LENGTH)  # as the ledger records it
    except ObjectDoesNotExist:  # it names something not back (yet)
        return _name_of(type(obj), obj.pk, _workspace_of(obj))
    return object_name(_model_name(type(obj)), text)


def _name_of(model: type[Model], pk: int, workspace: Workspace) -> str:
    """What a note calls an object that is not there: by the name the ledger last recorded
    for it, as the activity names it (its id only if the ledger has none)."""
    label = _model_name(model)
    last = (
        HistoryEntry.objects.filter(workspace=workspace, model=label, object_id=pk)
        .order_by("-sequence")
        .values_list("object_repr", flat=True)
        .first()
    )
    return object_name(label, last) if last else f"{model._meta.verbose_name} #{pk}"


def _without_lost_derivation(
    values: dict[str, Any], workspace: Workspace, notes: list[str]
) -> dict[str, Any]:
    """A source's version derived from a source deleted since: the link and its kind
    go together (Source.clean), so both are left empty, and the note says why."""
    original = values.get("derived_from_id")
    if original is None or Source.objects.filter(pk=original).exists():
        return values
    notes.append(
        f"It was derived from {_name_of(Source, original, workspace)}, which no longer exists: "
        "restore that source from its history first to link them again."
    )
    return {**values, "derived_from_id": None, "derivation": ""}


@unit_of_work()
def revert_object(
    *,
    workspace: Workspace,
    model_name: str,
    object_id: int,
    history_id: int,
    user: Any,
    reason: str,
    latest_history_id: int | None = None,
) -> RevertOutcome:
    """Make the object what it was in history row `history_id`, or bring it back if deleted.

    `latest_history_id` is the newest version the reviewer saw; if the object
    changed since, the revert is refused rather than undoing an unseen change.
    """
    if not reason.strip():
        raise ValidationError("Say why you revert: the reason is kept in the history.")
    if model_name not in KINDS or KINDS[model_name].revert is None:
        raise ValidationError(f"A {model_name} cannot be reverted.")
    if not may_revert(role_in(user, workspace), model_name):
        raise PermissionDenied("Your role in this workspace cannot revert this.")
    model = KINDS[model_name].model
    history = _history(model_name, workspace, object_id)
    target = history.filter(history_id=history_id).first()
    if target is None:
        raise ValidationError("That version does not exist.")
    if target.history_type == "-":
        # A deletion row holds the last state, but its many-to-many snapshot is
        # taken after the links were removed: go back to the version before it.
        target = history.filter(history_id__lt=target.history_id).order_by("-history_id").first() or target
    current = model._default_manager.select_for_update().filter(pk=object_id).first()  # None: deleted
    latest = history.order_by("-history_date", "-history_id").first()
    if latest_history_id is not None and (latest is None or latest.history_id != latest_history_id):
        raise ValidationError("It changed since you opened its history: look at the new version first.")
    with recorded_as(user=user, reason=reason, action=HistoryAction.REVERTED):
        if current is None:
            outcome = _restore(model, target, workspace)
        else:
            outcome = _revert_changes(current, target, user=user, reason=reason)
    if isinstance(outcome.obj, Annotation | Claim | Evidence):
        # Its author learns that their work is not as they left it.
        done = "restored" if outcome.restored else "reverted"
        tell_the_author(outcome.obj, by=user, kind=AlertKind.REVERTED, done=done, reason=reason)
    return outcome


def _linked_value(fk: ForeignKey, value: int | None, workspace: Workspace, notes: list[str]) -> int | None:
    """`value` if what it points to still exists (restoring a deleted passage); else None, noted."""
    if value is None or fk.name == "workspace" or fk.related_model._default_manager.filter(pk=value).exists():
        return value
    if fk.related_model is Passage and _restore_linked(Passage, value, workspace, notes):
        return value
    missing = f"Its {fk.verbose_name} ({_name_of(fk.related_model, value, workspace)}) no longer exists"
    if not fk.null:
        if fk.related_model is Claim:  # evidence deleted with its claim comes back with it
            missing += ". Restore the claim from its history: the evidence deleted with it comes back too"
        raise ValidationError(f"{missing}.")
    notes.append(f"{missing}: left empty.")
    return None


def _revert_changes(current: Model, target: HistoryRow, *, user: Any, reason: str) -> RevertOutcome:
    notes: list[str] = []
    old = _without_lost_derivation(_values(target), _workspace_of(current), notes)
    changes = {}
    for model_field in current._meta.concrete_fields:
        if model_field.name in _BOOKKEEPING or not model_field.editable:
            continue
        value = old[model_field.attname]
        if isinstance(model_field, ForeignKey):
            value = _linked_value(model_field, value, _workspace_of(current), notes)
        if getattr(current, model_field.attname) != value:
            changes[model_field.attname] = value
    text = changes.pop("text", None) if isinstance(current, Source) else None
    passages_changed = isinstance(current, Annotation) and _set_passages(current, target, notes, dry_run=True)
    if not changes and text is None and not passages_changed:
        status = getattr(current, "review_status", None)
        if status is not None and old.get("review_status") != status:
            raise ValidationError(
                "It is already as it was in that version, but for its review status "
                f"(now {cast(Any, current).get_review_status_display()}), which a revert leaves alone: "
                "it changes only by submitting for review and reviewing."
            )
        raise ValidationError(" ".join(["It is already as it was in that version.", *notes]))
    if isinstance(current, Membership) and changes.get("role", Role.ADMIN) != Role.ADMIN:
        keep_an_admin(current)  # an old version may be from before anyone else was admin
    if passages_changed and isinstance(current, Annotation):
        with history_paused(current):  # the save below records them, as one new version
            _set_passages(current, target, notes)
    if changes or passages_changed:
        current = update_object(
            # The row is locked: no version to compare (memberships and workspaces have none).
            current,
            user=user,
            expected_version=None,
            changes=changes,
            # A revert restores every field an old version holds, by the ordinary edit rules.
            editable=changes.keys(),
            reason=reason,
            before_save=_review_after_revert(_model_name(type(current)), notes),
            linked_changed=passages_changed,
        )
    if changes and isinstance(current, Source):
        refresh_later(source_id=current.pk)  # the derivation or language may be restored
    if text is not None and isinstance(current, Source):
        # A text change moves passages: the text service re-anchors them.
        report = revert_source_text(source=current, user=user, text=text, reason=reason)
        current = report.source
        notes.append(report.describe())  # where the passages are, and the reviews that changed with them
    return RevertOutcome(current, restored=False, notes=notes)


def _review_after_revert(kind: str, notes: list[str]) -> Callable[[Model, dict[str, Any]], None]:
    """As any edit, a revert sends an approved item back to the reviewers; but one that
    makes it read again as the version last approved makes it approved again: nothing
    in it is new to review (and its reverter, who changed it, could not decide on it)."""

    def before_save(obj: Model, before: dict[str, Any]) -> None:
        reopen_review(obj, before)
        if getattr(obj, "review_status", ReviewStatus.APPROVED) == ReviewStatus.APPROVED:
            return
        approved, changes = changes_since_approved(obj, kind=kind)
        if approved is not None and not changes:
            obj.review_status = ReviewStatus.APPROVED  # type: ignore[attr-defined]
            notes.append(f"It reads again as version {approved}, which was approved: it is approved again.")

    return before_save


def _set_passages(
    annotation: Annotation, target: HistoryRow, notes: list[str], *, dry_run: bool = False
) -> bool:
    """Give the annotation the passages it had in `target`, restoring deleted ones where possible.

    With `dry_run`, only say whether its passages differ from those.
    """
    wanted = sorted(row.passage_id for row in target.passages.all())
    # A version recorded between an annotation's save and its passages' (a move; a restore
    # before restores were one row) would leave it on none: shown nowhere.
    if not wanted:
        raise ValidationError(
            "That version is on no passage, and an annotation needs one: choose another version."
        )
    if dry_run:
        return set(wanted) != set(annotation.passages.values_list("pk", flat=True))
    existing = set(Passage.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    kept = [
        pk for pk in wanted if pk in existing or _restore_linked(Passage, pk, annotation.workspace, notes)
    ]
    annotation.passages.set(kept)
    return True


def _restore(
    model: type[Model], target: HistoryRow, workspace: Workspace, *, cascade: bool = True
) -> RevertOutcome:
    """Insert the object again, with its id, as it was in `target`; with `cascade`, and
    what its deletion took with it (what that brings back brings back nothing more)."""
    notes: list[str] = []
    values = _without_lost_derivation(_values(target), workspace, notes)
    history = _history(_model_name(model), workspace, values["id"])
    kwargs = {}
    for model_field in model._meta.concrete_fields:
        if model_field.name == "updated_at":  # now: the restore is a change; it keeps when it was made
            continue
        value = values[model_field.attname]
        if isinstance(model_field, ForeignKey):
            value = _linked_value(model_field, value, workspace, notes)
        kwargs[model_field.attname] = value
    if "version" in kwargs:
        # Versions keep growing: an edit form from before the deletion stays stale.
        kwargs["version"] = history.aggregate(Max("version"))["version__max"] + 1
    obj = model(**kwargs)
    if isinstance(obj, Passage):
        _orphan_if_text_moved(obj, notes)
    obj.full_clean()
    if (
        notes
        and isinstance(obj, Annotation | Claim | Evidence)
        and obj.review_status == ReviewStatus.APPROVED
    ):
        obj.review_status = ReviewStatus.SUBMITTED  # not what was approved any more
    with history_paused(obj):  # one restore, one version: with its passages
        obj.save(force_insert=True)
        if isinstance(obj, Annotation):
            _set_passages(obj, target, notes)
    record_history(obj, "+")
    if cascade:
        _restore_cascade(obj, workspace, notes)
    return RevertOutcome(obj, restored=True, notes=notes)


def _orphan_if_text_moved(passage: Passage, notes: list[str]) -> None:
    try:
        passage.check_invariants()
    except ValidationError:
        passage.anchor_status = "orphaned"
        notes.append(f"{_name(passage)} no longer matches its source's text: restored as orphaned.")


def _restore_linked(model: type[Model], pk: int, workspace: Workspace, notes: list[str]) -> bool:
    """Bring back a deleted object something restored points to; False (noted) if it cannot be."""
    last = _history(_model_name(model), workspace, pk).order_by("-history_date", "-history_id").first()
    if last is None:
        notes.append(f"{_name_of(model, pk, workspace)} no longer exists.")
        return False
    try:
        with transaction.atomic():
            outcome = _restore(model, last, workspace, cascade=False)
    except ValidationError as error:
        notes.append(f"{_name_of(model, pk, workspace)} could not be restored: {' '.join(error.messages)}")
        return False
    notes.append(f"{_name(outcome.obj)} was restored too.")
    notes.extend(outcome.notes)
    return True


def _restore_cascade(root: Model, workspace: Workspace, notes: list[str]) -> None:
    """What the root's deletion took with it (a claim's evidence and discussion, and the
    discussion's replies; a question's hypotheses, evidence items and ratings; ...): the
    other deletions of the same write (same user, reason and time), of rows that pointed
    at the root or at one of those, restored before what points at them.

    The ledger holds a write's deletions in the order Django's collector made them,
    not parents first (a claim's discussion comes after the claim, its replies before
    it), so they are taken all at once whatever their order. What was deleted on purpose
    before, by a request of its own (another reason), is not part of it and stays
    deleted. One write records one time on all its rows; rows recorded before that was
    so differ by microseconds, hence the second's margin.
    """
    label = _model_name(type(root))
    deletion = (
        HistoryEntry.objects.filter(
            workspace=workspace, model=label, object_id=root.pk, action=HistoryAction.DELETED
        )
        .order_by("-sequence")
        .first()
    )
    if deletion is None:
        return
    margin = timedelta(seconds=1)
    taken = HistoryEntry.objects.filter(
        workspace=workspace,
        action=HistoryAction.DELETED,
        user=deletion.user_id,
        reason=deletion.reason,
        recorded_at__range=(deletion.recorded_at - margin, deletion.recorded_at + margin),
    ).exclude(pk=deletion.pk)
    pending = {(name, pk) for name, pk in taken.values_list("model", "object_id") if name in KINDS}
    restored = {(label, root.pk)}
    # Each round restores what points at what is back: parents before their children.
    while ready := {
        (name, pk) for name, pk in pending if _points_at(KINDS[name].model, pk, workspace, restored)
    }:
        pending -= ready
        for name, pk in sorted(ready):
            if _restore_linked(KINDS[name].model, pk, workspace, notes):
                restored.add((name, pk))


def _points_at(model: type[Model], pk: int, workspace: Workspace, objects: set[tuple[str, int]]) -> bool:
    """Whether the deleted object's last state pointed at one of `objects` (kind, id)."""
    last = _history(_model_name(model), workspace, pk).order_by("-history_date", "-history_id").first()
    return last is not None and any(
        (_model_name(fk.related_model), getattr(last, fk.attname)) in objects
        for fk in model._meta.concrete_fields
        if isinstance(fk, ForeignKey)
    )
