"""Editing and deleting tracked objects, with optimistic concurrency.

Every domain package edits and deletes through these functions, so the rules
every write obeys exist once:

- a stale edit is refused, not merged: `lock_at_version` locks the row and
  compares versions (StaleVersion carries the state that is there now); an
  object deleted meanwhile is its model's DoesNotExist;
- only the fields a package allows may change, and anything else is refused
  by name, never dropped;
- a model's grade (its `grade_field`, e.g. a claim's credibility) changes
  only with a reason, and a delete always needs one: the history keeps it;
  the grade keeps it too (`<grade_field>_reason`), unless given one of its own.
"""

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, router
from django.db.models import BaseConstraint, CharField, ForeignKey, Model, TextField
from django.db.models.deletion import Collector
from django.db.transaction import TransactionManagementError

from archive.core.attribution import recorded_as
from archive.core.compiled_query import CompiledQuery
from archive.core.db import concrete_field
from archive.core.unit_of_work import unit_of_work

DELETE_REASON_REQUIRED = "Say why it is deleted: the reason is kept in the history."
NOTHING_CHANGED = "Nothing changed: every value is as it was, so no new version was made."

M = TypeVar("M", bound=Model)

# Called with the locked object after the changes are applied and the values
# they replaced, before it is saved (e.g. the review rule of archive.claims).
BeforeSave = Callable[[Model, dict[str, Any]], None]


class StaleVersion(Exception):
    """Someone else saved the object since the editor loaded it."""

    def __init__(self, current: Any, message: str | None = None):
        # Any tracked model: callers read its version, history and editable fields.
        # `message`: said instead when the caller knows what the change was.
        changed = (
            f"The {current._meta.verbose_name} was changed by someone else (now version {current.version})."
        )
        super().__init__(message or changed)
        self.current = current


class AlreadyExists(ValidationError):
    """What a create would make is there already (`existing`): a conflict with that
    object, which the adapters answer as such (409), not as a bad value."""

    def __init__(self, message: str, *, existing: Model):
        super().__init__(message, code="duplicate")
        self.existing = existing


# PostgreSQL's codes for a transaction it aborted to let a concurrent one through: a
# deadlock (each waited for a row the other held) and a serialization failure.
_ABORTED_FOR_ANOTHER = {"40P01", "40001"}


def lost_a_race(error: BaseException) -> bool:
    """Whether `error` is a write that lost a race with another at the same moment: a
    constraint the other's row now breaks, or a transaction the database aborted for the
    other's sake. Nothing of it was saved: the adapters say so (409), not a server error."""
    if isinstance(error, IntegrityError):
        return True
    cause = error.__cause__
    return isinstance(error, DatabaseError) and getattr(cause, "sqlstate", None) in _ABORTED_FOR_ANOTHER


def lock_at_version(obj: M, expected_version: int | None) -> M:
    """`obj` read again with its row locked until the transaction ends.

    Raises StaleVersion if someone saved it since `expected_version` (None:
    any version), and the model's DoesNotExist if it was deleted meanwhile.
    """
    if not connection.in_atomic_block:  # as select_for_update() refuses: the lock would end at once
        raise TransactionManagementError("lock_at_version() must run inside a transaction.")
    found = _locked_by_id(type(obj))(pk=obj.pk)
    if not found:
        raise type(obj).DoesNotExist(f"{obj._meta.verbose_name} #{obj.pk} no longer exists.")  # type: ignore[attr-defined]
    current = found[0]
    # The related rows `obj` holds (e.g. its author, loaded for the response or its
    # name in the ledger) are those `current` points at where it still points there.
    for field in obj._meta.concrete_fields:
        if (
            isinstance(field, ForeignKey)
            and field.is_cached(obj)
            and getattr(current, field.attname) == getattr(obj, field.attname)
        ):
            field.set_cached_value(current, field.get_cached_value(obj))
    if expected_version is not None and current.version != expected_version:  # type: ignore[attr-defined]
        raise StaleVersion(current)
    return current


_LOCKED_BY_ID: dict[type[Model], CompiledQuery[Any]] = {}


def _locked_by_id(model: type[M]) -> CompiledQuery[M]:
    """The object of `model` with an id, its row locked (every edit and delete reads it)."""
    compiled = _LOCKED_BY_ID.get(model)
    if compiled is None:
        compiled = _LOCKED_BY_ID[model] = CompiledQuery(
            lambda pk: model._default_manager.select_for_update().filter(pk=pk), pk=int
        )
    return compiled


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
    try:
        value = concrete_field(type(obj), grade).to_python(changes[grade])
    except ValidationError:
        return  # a value that is no grade at all: the full clean says so, by field
    if value != getattr(obj, grade):
        required_reason(reason, f"Say why you change the {grade} grade: the reason is kept in the history.")


def grade_reason_field(model: type[Model]) -> str | None:
    """The field that keeps why a model's grade is what it is (`<grade_field>_reason`)."""
    grade = getattr(model, "grade_field", None)
    return f"{grade}_reason" if grade is not None else None


def record_grade_reason(obj: Model, before: dict[str, Any], reason: str | None) -> None:
    """A grade that changed records why as its reason (`<grade_field>_reason`): `reason`,
    unless the edit gives the grade a new reason of its own. A reason left as it was (not
    sent, or sent back unchanged as a form or a PUT does) was the old grade's, not this one's."""
    grade, field = getattr(type(obj), "grade_field", None), grade_reason_field(type(obj))
    if grade is None or field is None or grade not in before or before[grade] == getattr(obj, grade):
        return
    if field in before and before[field] != getattr(obj, field):
        return
    setattr(obj, field, (reason or "").strip())


def clean_edit(obj: Model, *, changed: Collection[str]) -> None:
    """`obj.full_clean()` after an edit of the fields `changed`, less the database
    lookups that cannot fail for the fields it left as they were (the database
    holds the row to them already): whether an unchanged relation's row exists,
    whether an unchanged unique value is still unique, and the constraints that
    name no changed field. Every field's value is still checked."""
    meta = obj._meta
    changed = {
        name
        for field in meta.concrete_fields
        if field.name in changed
        for name in (field.name, field.attname)
    }
    unchanged_lookups = [
        field.name
        for field in meta.concrete_fields
        if field.name not in changed and (field.is_relation or field.unique)
    ]
    errors: dict[str, list[ValidationError]] = {}
    try:
        obj.full_clean(exclude=unchanged_lookups, validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    using = router.db_for_write(type(obj), instance=obj)
    for model, constraints in obj.get_constraints():
        for constraint in constraints:
            named = _fields_named(constraint)
            # As full_clean() does, a constraint on a field already in error is left out.
            if named is not None and (not named & changed or named & errors.keys()):
                continue
            try:
                constraint.validate(model, obj, using=using)
            except ValidationError as error:
                fields: Sequence[str] = getattr(constraint, "fields", ())
                if error.code == "unique" and len(fields) == 1:
                    errors.setdefault(fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _fields_named(constraint: BaseConstraint) -> set[str] | None:
    """The fields a constraint names (None where it holds expressions, which are
    not looked into)."""
    if getattr(constraint, "expressions", ()):
        return None
    named = set(getattr(constraint, "fields", ()))
    condition = getattr(constraint, "condition", None)
    if condition is not None:
        named |= condition.referenced_base_fields
    return named


@unit_of_work()
def create_object(obj: M, *, user: Any, reason: str = "") -> M:
    """Save a new object after its own validation, attributed to `user` for `reason`.

    A grade given at its creation (other than its default, "not graded yet") without a
    reason of its own records `reason` as one, as a grade changed later does."""
    obj.full_clean()
    field = grade_reason_field(type(obj))
    if field is not None and not str(getattr(obj, field) or "").strip():
        grade = type(obj).grade_field  # type: ignore[attr-defined]
        if getattr(obj, grade) != concrete_field(type(obj), grade).get_default():
            setattr(obj, field, reason.strip())
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
    refused: ValidationError | None = None,
    linked_changed: bool = False,
    grade_reason: str | None = None,
) -> M:
    """Apply `changes` (only `editable` fields) to `obj` if it is still at `expected_version`.

    The row is locked while it is compared and saved, so of two concurrent
    edits from the same version exactly one succeeds. An edit that changes
    nothing (every value as it was, once cleaned) saves nothing: no new version,
    no history row; `linked_changed` says that something the caller changes
    beside these fields (an annotation's passages) makes it an edit all the same.

    `refused` holds what the caller's own rules found wrong with changes it left
    out of `changes`: the edit is refused with those errors and every one found
    here, together, so an editor sees all that is wrong at once.

    A changed grade records `grade_reason` (by default `reason`, the edit's) as its
    reason, unless `changes` give it a new one (record_grade_reason).
    """
    errors: dict[str, list[ValidationError]] = refused.update_error_dict({}) if refused else {}
    try:
        refuse_unknown_fields(changes, editable)
        refuse_wrong_types(obj, changes)
    except ValidationError as error:
        # Changes that cannot even be set on the object: nothing further is checked.
        raise ValidationError(error.update_error_dict(errors)) from None
    current = lock_at_version(obj, expected_version)
    try:
        check_grade_reason(current, changes, reason)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    before = {field: getattr(current, field) for field in changes}
    for field, value in changes.items():
        setattr(current, field, value)
    try:
        clean_edit(current, changed=changes)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    if not linked_changed and all(getattr(current, field) == value for field, value in before.items()):
        return current
    record_grade_reason(current, before, reason if grade_reason is None else grade_reason)
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
    _unlink_survivors(current, user=user, reason=reason)
    with recorded_as(user=user, reason=reason):
        current.delete()


def _unlink_survivors(obj: Model, *, user: Any, reason: str) -> None:
    """Clear, through the history, the links to `obj` and what its deletion takes with it
    that tracked objects which stay keep (SET_NULL), e.g. a rejection alert's claim.

    Django's delete clears them with a plain UPDATE: the live row would no longer be
    its newest history row, which verification reports as a change outside the history.
    """
    collector = Collector(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    deleted = {(type(each), each.pk) for found in collector.data.values() for each in found}
    for (field, value), batches in collector.field_updates.items():
        if not hasattr(field.model, "history"):
            continue
        # Batches of objects (querysets), not single objects as django-stubs has it.
        for batch in cast(list[Iterable[Model]], batches):
            for linked in batch:
                if (type(linked), linked.pk) not in deleted:
                    update_object(
                        linked,
                        user=user,
                        expected_version=None,
                        changes={field.name: value},
                        editable={field.name},
                        reason=reason,
                    )


@dataclass(frozen=True)
class DeletionEffects:
    """What deleting an object would delete with it (tracked objects only: each keeps
    its history too), and the objects that refer to it and so keep it from being deleted."""

    with_it: Counter[type[Model]]
    kept_by: list[Model]


def deletion_effects(obj: Model) -> DeletionEffects:
    """What `delete_object(obj)` would do now, as Django's own delete would find it."""
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    with_it = Counter(
        type(each)
        for found in collector.model_objs.values()
        for each in found
        if each != obj and hasattr(type(each), "history")
    )
    kept_by = sorted(collector.protected, key=lambda each: (each._meta.label, each.pk))
    return DeletionEffects(with_it=with_it, kept_by=kept_by)
