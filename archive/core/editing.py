"""Editing and deleting tracked objects, with optimistic concurrency.

Every domain package edits and deletes through these functions, so the rules
every write obeys exist once:

- a stale edit is refused, not merged: `lock_at_version` locks the row and
  compares versions (StaleVersion carries the state that is there now); an
  object deleted meanwhile is its model's DoesNotExist;
- only the fields a package allows may change, and anything else is refused
  by name, never dropped;
- a model's grade (its `grade_field`, e.g. a claim's credibility) changes
  only with a reason, and a delete always needs one: the history keeps it.
"""

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import CharField, Model, TextField

from archive.core.attribution import recorded_as
from archive.core.db import concrete_field
from archive.core.unit_of_work import unit_of_work

DELETE_REASON_REQUIRED = "Say why it is deleted: the reason is kept in the history."

M = TypeVar("M", bound=Model)

# Called with the locked object after the changes are applied and the values
# they replaced, before it is saved (e.g. the review rule of archive.claims).
BeforeSave = Callable[[Model, dict[str, Any]], None]


class StaleVersion(Exception):
    """Someone else saved the object since the editor loaded it."""

    def __init__(self, current: Any):
        # Any tracked model: callers read its version, history and editable fields.
        super().__init__(
            f"{current._meta.verbose_name} was changed by someone else (now version {current.version})."
        )
        self.current = current


def lock_at_version(obj: M, expected_version: int | None) -> M:
    """`obj` read again with its row locked until the transaction ends.

    Raises StaleVersion if someone saved it since `expected_version` (None:
    any version), and the model's DoesNotExist if it was deleted meanwhile.
    """
    current = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first()
    if current is None:
        raise type(obj).DoesNotExist(f"{obj._meta.verbose_name} #{obj.pk} no longer exists.")  # type: ignore[attr-defined]
    if expected_version is not None and current.version != expected_version:  # type: ignore[attr-defined]
        raise StaleVersion(current)
    return current


def required_reason(reason: str | None, message: str) -> str:
    """`reason` without surrounding blanks; a ValidationError on `reason` if there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    return reason


def refuse_unknown_fields(changes: Collection[str], allowed: Collection[str]) -> None:
    """A ValidationError naming every field of `changes` that is not `allowed`."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})


def refuse_wrong_types(obj: Model, changes: dict[str, Any]) -> None:
    """A ValidationError naming every change to None of a field that cannot be
    null, and every non-text value for a text field.

    Model.full_clean does not check a blank-allowed field whose value is
    "empty" (None, [], {}): the save, or code reading the field, would fail instead.
    """
    errors = {}
    for name, value in changes.items():
        field = obj._meta.get_field(name)
        if value is None and not field.null:
            errors[name] = "This field cannot be empty (null)."
        elif value is not None and isinstance(field, CharField | TextField) and not isinstance(value, str):
            errors[name] = "This must be text."
    if errors:
        raise ValidationError(errors)


def check_grade_reason(obj: Model, changes: dict[str, Any], reason: str | None) -> None:
    """Refuse `changes` that change `obj`'s grade (its model's `grade_field`) without a reason."""
    grade = getattr(type(obj), "grade_field", None)
    if grade is None or grade not in changes:
        return
    if concrete_field(type(obj), grade).to_python(changes[grade]) != getattr(obj, grade):
        required_reason(reason, f"Say why you change the {grade} grade: the reason is kept in the history.")


@unit_of_work()
def create_object(obj: M, *, user: Any, reason: str = "") -> M:
    """Save a new object after its own validation, attributed to `user` for `reason`."""
    obj.full_clean()
    with recorded_as(user=user, reason=reason):
        obj.save()
    return obj


@unit_of_work()
def update_object(
    obj: M,
    *,
    user: Any,
    expected_version: int | None,
    changes: dict[str, Any],
    editable: Collection[str],
    reason: str = "",
    before_save: BeforeSave | None = None,
) -> M:
    """Apply `changes` (only `editable` fields) to `obj` if it is still at `expected_version`.

    The row is locked while it is compared and saved, so of two concurrent
    edits from the same version exactly one succeeds.
    """
    refuse_unknown_fields(changes, editable)
    refuse_wrong_types(obj, changes)
    current = lock_at_version(obj, expected_version)
    check_grade_reason(current, changes, reason)
    before = {field: getattr(current, field) for field in changes}
    for field, value in changes.items():
        setattr(current, field, value)
    current.full_clean()
    if before_save is not None:
        before_save(current, before)
    with recorded_as(user=user, reason=reason):
        current.save()
    return current


@unit_of_work()
def delete_object(obj: Model, *, user: Any, reason: str, expected_version: int | None = None) -> None:
    """Delete `obj` if it is still at `expected_version` (None: unconditionally),
    keeping its last state in history with who and why (a reason is required)."""
    reason = required_reason(reason, DELETE_REASON_REQUIRED)
    current = lock_at_version(obj, expected_version)
    with recorded_as(user=user, reason=reason):
        current.delete()
