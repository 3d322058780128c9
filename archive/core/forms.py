"""Form helpers."""

from datetime import UTC, datetime
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

from archive.core.editing import StaleVersion

F = TypeVar("F", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's own copy of its field `name`, which is a `kind` (to set its queryset or choices)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}.")
    return field


def id_from(value: str) -> int | None:
    """An object's id as a form or a query string sends it (ASCII digits, short
    enough for 64 bits), or None if it is not one."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def show_refusal(form: forms.BaseForm, error: ValidationError | StaleVersion) -> None:
    """The domain's refusal of what a valid form asked (invalid, or from a stale page),
    shown above the form's fields."""
    for message in [str(error)] if isinstance(error, StaleVersion) else error.messages:
        form.add_error(None, message)


def in_utc(moment: datetime | None) -> datetime | None:
    """`moment` in UTC. ValidationError for one whose offset takes it past either end of
    the calendar (0001-01-01T00:00+05:00): the database could not store or compare it."""
    try:
        return moment.astimezone(UTC) if moment is not None else None
    except OverflowError:
        raise ValidationError("This moment is out of range.", code="invalid") from None


class MomentField(forms.DateTimeField):
    """A date and time, given in UTC or with an offset, as a moment in UTC."""

    def to_python(self, value: Any) -> datetime | None:
        return in_utc(super().to_python(value))


# What a browser does for type="url" that a text box does not by itself.
ADDRESS_ATTRS = {"inputmode": "url", "autocapitalize": "none", "spellcheck": "false"}


class AddressField(forms.URLField):
    """A web address, one typed without a scheme ("enabbaladi.net") taken as https.
    In a text box (with a phone's URL keyboard): the browser refuses such an address
    in an <input type="url"> before the server could add the scheme."""

    widget = forms.TextInput(attrs=ADDRESS_ATTRS)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(assume_scheme="https", **kwargs)


class NamesField(forms.CharField):
    """People's names, one per line (a source's authors, its translators): a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "One per line.")
        super().__init__(widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}), **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        return [name.strip() for name in text.splitlines() if name.strip()]
