"""Form helpers."""

from typing import TypeVar

from django import forms

F = TypeVar("F", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's own copy of its field `name`, which is a `kind` (to set its queryset or choices)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}.")
    return field
