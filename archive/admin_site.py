"""The admin site: Django's, guarding its views and widgets against input they would fail on.

Installed in place of django.contrib.admin (WarrantAdminConfig, in
INSTALLED_APPS), its site is the default one: every `admin.register` and
`admin.site` is this site.
"""

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.options import TO_FIELD_VAR, BaseModelAdmin
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import AutocompleteMixin, AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import CharField, Field, JSONField, QuerySet, TextField
from django.forms.fields import InvalidJSONInput
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from archive.core.json_input import JSONInputError, check_text

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class WarrantAdminSite(admin.AdminSite):
    def admin_view(self, view: View, cacheable: bool = False) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            # The field a related-object popup selects by: given but empty, Django's
            # change and delete views look up a field named "" and fail with a 500.
            if request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR)) == "":
                raise DisallowedModelAdminToField("The field '' cannot be referenced.")
            # A list's search and an autocomplete box's term, each word a LIKE
            # pattern: SQLite fails on one over 50,000 bytes. (Imported here:
            # this module loads with the app registry, before any model.)
            from archive.search import QueryError, refuse_too_long

            try:
                for name in (SEARCH_VAR, "term"):
                    refuse_too_long(request.GET.get(name, "").strip())
            except QueryError as error:
                return render(request, "refused.html", {"problem": str(error)}, status=400)
            return view(request, *args, **kwargs)

        # Inside Django's own wrapper, so that who may see the admin is checked first.
        return super().admin_view(cast(View, guarded), cacheable)


def _holds(field: Field, value: object) -> bool:
    """Whether `field` could hold `value`: an id in range, not a word. (SQLite
    cannot even bind an integer beyond 64 bits to compare it: OverflowError.)"""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


def _holdable(widget: AutocompleteMixin, values: Sequence[str]) -> list[str]:
    """Of the values submitted to an autocomplete box, those its field could
    hold. Shown again on a form sent back with errors: Django's box looks up
    every one, and a word where an id goes fails there with a 500 instead of
    the form's own error."""
    target = widget.field.remote_field.get_related_field()
    return [value for value in values if _holds(target, value)]


class CheckedAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name: str, value: Sequence[str], attr: Any = None) -> list:
        return super().optgroups(name, _holdable(self, value), attr)


class CheckedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(self, name: str, value: Sequence[str], attr: Any = None) -> list:
        return super().optgroups(name, _holdable(self, value), attr)


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several objects that refuses, as not valid, a value their
    key could not hold, before Django looks it up."""

    def clean(self, value: Any) -> Any:
        meta = cast(QuerySet, self.queryset).model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        for pk in value if isinstance(value, list | tuple) else ():
            if isinstance(key, Field) and not _holds(key, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)


class CheckedJSONField(forms.JSONField):
    """A JSON box held to the rules of every JSON endpoint (archive.core.json_input):
    a NUL or a lone surrogate written as an escape (\\u0000) is refused with the
    form's error, where PostgreSQL would fail on it."""

    def to_python(self, value: Any) -> Any:
        converted = super().to_python(value)
        try:
            check_text(converted)
        except JSONInputError as error:
            raise ValidationError(str(error), code="invalid_text") from None
        return converted

    def bound_data(self, data: Any, initial: Any) -> Any:
        # Shown again as typed: decoded, a lone surrogate cannot be written into the page.
        value = super().bound_data(data, initial)
        try:
            check_text(value)
        except JSONInputError:
            return InvalidJSONInput(data)
        return value


class OnePerLineField(forms.CharField):
    """A list of texts (a source's authors and translators, tags) typed one per line, as
    people write them; a JSON list is read as one too. Held to CheckedJSONField's rules."""

    def __init__(self, *, encoder: Any = None, decoder: Any = None, **kwargs: Any) -> None:
        # (A JSONField's form field is given its encoder and decoder: a list of lines needs neither.)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "dir": "auto"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(str(item) for item in value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value) or ""
        if text.startswith("["):
            items = CheckedJSONField().to_python(text)
        else:
            items = [line.strip() for line in text.splitlines() if line.strip()]
            try:
                check_text(items)
            except JSONInputError as error:
                raise ValidationError(str(error), code="invalid_text") from None
        return items


class CheckedRelations(BaseModelAdmin):
    """Model admins and inlines whose fields naming other objects check what is
    submitted (the autocomplete boxes and the choice of several above), whose
    JSON boxes are checked as JSON bodies are, and whose text boxes (names, titles,
    bodies, quotes) run in the direction of what is typed in them (dir="auto"):
    Arabic right to left, as on the app's pages. Every admin in archive/admin.py is one."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, JSONField) and db_field.default is list:
            kwargs.setdefault("form_class", OnePerLineField)
            kwargs.setdefault("help_text", f"{db_field.help_text} One per line.".strip())
        elif isinstance(db_field, JSONField):
            kwargs.setdefault("form_class", CheckedJSONField)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # Free text, typed in a box (not a choice, nor an address or e-mail box: left to right).
        widget = getattr(formfield, "widget", None)
        if isinstance(db_field, CharField | TextField) and isinstance(
            widget, forms.TextInput | forms.Textarea
        ):
            widget.attrs.setdefault("dir", "auto")
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            using = kwargs.get("using")
            kwargs.setdefault("widget", CheckedAutocompleteSelect(db_field, self.admin_site, using=using))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        if request is not None and db_field.name in self.get_autocomplete_fields(request):
            using = kwargs.get("using")
            kwargs.setdefault(
                "widget", CheckedAutocompleteSelectMultiple(db_field, self.admin_site, using=using)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class WarrantAdminConfig(AdminConfig):
    default_site = "archive.admin_site.WarrantAdminSite"
