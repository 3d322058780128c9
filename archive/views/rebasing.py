"""A form refused because someone saved the object since it was opened (StaleVersion),
shown again on top of what is there now, so nothing typed is lost and nothing of
theirs is undone unseen.

The form is compared field by field with the version its editor opened (from the
object's history) and with the current one:

- a field only they changed takes their value, so saving again keeps their change;
- a field only the editor changed keeps the editor's value;
- a field both changed keeps the editor's value and is listed beside theirs: saving
  again ("Save mine over theirs") replaces theirs knowingly.

The form comes back at the current version, so the next save is not refused again
for the same change.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.http import QueryDict

from archive.core.editing import StaleVersion

# The form's initial values for an object (or one of its historical versions): the
# fields compared, under the form's names.
Initial = Callable[[Any], Mapping[str, Any]]
EMPTY = "—"

F = TypeVar("F", bound=forms.Form)


@dataclass(frozen=True)
class Clash:
    label: str
    theirs: str
    yours: str


@dataclass(frozen=True)
class EditConflict:
    """What the page says about the refused save."""

    current: Model
    by: Any  # who saved the current version (None when the history does not say)
    clashes: list[Clash]  # fields both changed, to the values shown
    taken: list[str]  # labels of the fields only they changed, now their values in the form


def _shown(field: forms.Field, value: Any) -> str:
    if value in (None, "", [], ()):
        return EMPTY
    if isinstance(value, list):
        return ", ".join(str(each) for each in value)
    choices = dict(getattr(field, "choices", ()) or ())
    if not isinstance(field, forms.ModelChoiceField) and value in choices:
        return str(choices[value])
    return str(value)


def _posted(field: forms.Field, value: Any) -> str:
    """A value as the browser would post it in this field."""
    prepared = field.prepare_value(value)
    return "" if prepared is None else str(prepared)


def _same(field: forms.Field, one: Any, other: Any) -> bool:
    return _posted(field, one) == _posted(field, other)


def _opened(current: Any, version: int, initial_of: Initial) -> Mapping[str, Any] | None:
    """The form's values as the editor opened them; None when the history lacks that
    version or it names an object deleted since (every field then counts as changed)."""
    opened = current.history.filter(version=version).order_by("-history_id").first()
    try:
        return dict(initial_of(opened)) if opened is not None else None
    except ObjectDoesNotExist:
        return None


def rebased(
    form: forms.Form,
    error: StaleVersion,
    *,
    initial_of: Initial,
    build: Callable[..., F],
) -> tuple[F, EditConflict]:
    """`form` (bound and valid, refused with `error`) again, on top of the current
    version; `build(data, initial=...)` makes a form of the same kind."""
    current = error.current
    theirs = dict(initial_of(current))
    loaded_at = form.cleaned_data["version"]
    before = _opened(current, loaded_at, initial_of)
    data = QueryDict(mutable=True)
    data.update(form.data)  # every value of a field sent more than once, too
    data["version"] = str(current.version)
    clashes, taken = [], []
    for name, their_value in theirs.items():
        field, yours = form.fields[name], form.cleaned_data[name]
        label = str(field.label or name.replace("_", " ").capitalize())
        they_changed = before is None or not _same(field, before[name], their_value)
        you_changed = before is None or not _same(field, before[name], yours)
        if _same(field, yours, their_value) or not they_changed:
            continue
        if you_changed:
            clashes.append(Clash(label, _shown(field, their_value), _shown(field, yours)))
        else:
            data[name] = _posted(field, their_value)
            taken.append(label)
    last = current.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    conflict = EditConflict(current, last.history_user if last else None, clashes, taken)
    return build(data, initial=theirs), conflict
