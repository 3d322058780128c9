"""Query filters of the REST API (django-filter): workspace, source, claim,
tag, author, status and modified-since, as each resource has them, each named
as the field of the resource it filters on. A list refuses a query parameter it
does not take, or a single-valued one given twice, by name (`refuse_unknown`):
a misspelt filter must not quietly return every object."""

from typing import Any

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from archive.claims.tags import with_tag
from archive.core.attribution import REASON_MAX_LENGTH
from archive.core.forms import in_utc
from archive.models import Annotation, Claim, ClaimStatus, Evidence, Outlet, Passage, ReviewStatus, Source
from archive.search import QueryError, refuse_too_long
from archive.workspaces import account_called


class _IdField(forms.IntegerField):
    """A positive 64-bit id: larger numbers are a 400, not a database overflow."""

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=1, max_value=2**63 - 1, **kwargs)


class _UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, in UTC: PostgreSQL refuses offsets beyond 15:59, which ISO allows."""

    def to_python(self, value):
        return in_utc(super().to_python(value))


class SinceFilter(filters.IsoDateTimeFilter):
    field_class = _UtcDateTimeField


class IdFilter(filters.NumberFilter):
    """An object id. Not a ModelChoiceFilter, which would tell apart ids that
    exist in other workspaces from ids that exist nowhere."""

    # An integer field where NumberFilter has a DecimalField: django-filter takes any
    # form field class, the stubs only NumberFilter's own.
    field_class = _IdField  # type: ignore[assignment]


class AccountFilter(filters.CharFilter):
    """The account named, found as adding a member finds it (archive.workspaces.account_called):
    the exact username, else the one that differs only by case, as a phone keyboard capitalises
    it. Names no account: nothing; several that differ only by case: a 400 naming them."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        try:
            account = account_called(value, active_only=False)
        except DjangoValidationError as error:
            if error.code == "no_account":
                return qs.none()
            raise ValidationError({"author": error.messages}) from None
        return qs.filter(**{str(self.field_name): account})


class WorkspaceOwnedFilter(filters.FilterSet):
    # django-filter stores `data or QueryDict()`: never None, unlike the argument.
    data: QueryDict | dict[str, Any]

    def is_valid(self) -> bool:
        """Also refuse `?name=` with no value, which django-filter would ignore, and a
        value longer than any search or filter text may be (archive.search.refuse_too_long)."""
        valid = super().is_valid()
        for name in self.filters:
            value = self.data.get(name)
            if value == "":
                self.form.add_error(name, "Give a value, or leave the parameter out.")
                valid = False
                continue
            try:
                refuse_too_long(value or "")
            except QueryError as error:
                if name in self.form.errors:
                    del self.form.errors[name]  # its own complaint about the value is beside the point
                self.form.add_error(name, str(error))
                valid = False
        return valid

    workspace = filters.CharFilter(field_name="workspace__slug", help_text="Workspace slug.")
    modified_since = SinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Changed at or after (ISO 8601).",
    )


class TaggedFilter(WorkspaceOwnedFilter):
    tag = filters.CharFilter(method="filter_tag", help_text="Has this tag.")
    review_status = filters.ChoiceFilter(choices=ReviewStatus.choices)

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return with_tag(queryset, value)


class OutletFilter(WorkspaceOwnedFilter):
    class Meta:
        model = Outlet
        fields = ["workspace", "modified_since", "reliability"]


class SourceFilter(WorkspaceOwnedFilter):
    outlet = IdFilter(field_name="outlet", help_text="Published by this outlet.")
    # Tags equal ignoring case are one (stored in BCP 47's case: archive.core.text.canonical_language_tag).
    language = filters.CharFilter(
        field_name="language", lookup_expr="iexact", help_text="In this language (BCP 47 tag, any case)."
    )
    author = AccountFilter(field_name="captured_by", help_text="Captured by (username, any case).")

    class Meta:
        model = Source
        fields = ["workspace", "modified_since", "outlet", "language", "author"]


class PassageFilter(WorkspaceOwnedFilter):
    source = IdFilter(field_name="source", help_text="Of this source.")
    claim = IdFilter(field_name="evidence__claim", distinct=True, help_text="Cited for this claim.")
    author = AccountFilter(field_name="created_by", help_text="Created by (username, any case).")

    class Meta:
        model = Passage
        fields = ["workspace", "modified_since", "source", "claim", "author", "anchor_status"]


class AnnotationFilter(TaggedFilter):
    source = IdFilter(field_name="passages__source", distinct=True, help_text="On this source.")
    claim = IdFilter(
        field_name="passages__evidence__claim", distinct=True, help_text="On passages cited for this claim."
    )
    author = AccountFilter(field_name="author", help_text="Author (username, any case).")

    class Meta:
        model = Annotation
        fields = [
            *("workspace", "modified_since", "source", "claim", "tag", "author", "review_status"),
            "motivation",
        ]


class ClaimFilter(TaggedFilter):
    source = IdFilter(
        field_name="evidence__passage__source", distinct=True, help_text="With evidence from this source."
    )
    author = AccountFilter(field_name="created_by", help_text="Created by (username, any case).")
    status = filters.ChoiceFilter(choices=ClaimStatus.choices, help_text="The claim's verdict.")

    class Meta:
        model = Claim
        fields = ["workspace", "modified_since", "source", "tag", "author", "status", "review_status"]


class EvidenceFilter(WorkspaceOwnedFilter):
    claim = IdFilter(field_name="claim", help_text="For this claim.")
    source = IdFilter(field_name="passage__source", help_text="From this source.")
    author = AccountFilter(field_name="created_by", help_text="Created by (username, any case).")
    review_status = filters.ChoiceFilter(choices=ReviewStatus.choices)

    class Meta:
        model = Evidence
        fields = ["workspace", "modified_since", "claim", "source", "author", "review_status", "stance"]


class StrictOrdering(OrderingFilter):
    """DRF's ordering, refusing a field it cannot order by (DRF drops it) and
    listing the ones it can in the schema."""

    def get_ordering(self, request, queryset, view):
        # DRF takes a blank ordering as none given; the schema names no blank term.
        if (
            self.ordering_param in request.query_params
            and not request.query_params[self.ordering_param].strip()
        ):
            raise ValidationError({self.ordering_param: ["Name a field to order by, or leave ordering out."]})
        return super().get_ordering(request, queryset, view)

    def remove_invalid_fields(self, queryset, fields, view, request) -> list[str]:
        valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
        invalid = [term for term in fields if term.removeprefix("-") not in valid]
        if invalid:
            allowed = ", ".join(sorted(valid))
            raise ValidationError(
                {
                    self.ordering_param: [
                        f"Cannot order by {', '.join(invalid)}: order by one of {allowed}; "
                        "put - before it for the reverse order (-id: newest first)."
                    ]
                }
            )
        return fields

    def get_schema_operation_parameters(self, view) -> list[dict]:
        terms = [term for name in view.ordering_fields for term in (name, f"-{name}")]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Fields to order by, comma-separated; -name for descending.",
                "schema": {"type": "array", "items": {"type": "string", "enum": terms}},
                "style": "form",
                "explode": False,
            }
        ]


def query_parameters(view: Any, paginator: CursorPagination) -> set[str]:
    """The query parameters a list view takes: its filters, its ordering and its pages."""
    names = {paginator.cursor_query_param}
    if paginator.page_size_query_param:
        names.add(paginator.page_size_query_param)
    for backend in getattr(view, "filter_backends", []):
        if issubclass(backend, DjangoFilterBackend) and getattr(view, "filterset_class", None):
            names |= set(view.filterset_class.base_filters)
        if issubclass(backend, OrderingFilter):
            names.add(backend.ordering_param)
    return names


def refuse_unknown(request: Request, allowed: set[str] | frozenset[str]) -> None:
    """A 400 naming each query parameter not in `allowed`, and each given more than once
    (every one the API takes is single-valued)."""
    errors = {}
    for name, values in request.query_params.lists():
        if name not in allowed:
            takes = ", ".join(sorted(allowed)) or "none"
            errors[name] = [f"There is no such parameter here; this takes {takes}."]
        elif len(values) > 1:
            errors[name] = ["Give this parameter once."]
    if errors:
        raise ValidationError(errors)


# The one parameter an object's URL takes: a DELETE's reason (`DELETE …?reason=…`).
DELETE_REASON_PARAMETER = "reason"


def refuse_stray_parameters(request: Request, takes: frozenset[str] = frozenset()) -> None:
    """An object's URL takes no query parameter but a delete's reason (and `takes`, those its
    view names): a stray one (a list's filter sent to one object, a misspelt option) is
    refused by name, not ignored."""
    refuse_unknown(request, takes | ({DELETE_REASON_PARAMETER} if request.method == "DELETE" else set()))


def delete_reason(request: Request, default: str = "") -> str:
    """The reason a DELETE gives (`?reason=`); `default` when it gives none. A blank one
    is passed on as given, for the domain to refuse (every delete needs a reason)."""
    reason = request.query_params.get(DELETE_REASON_PARAMETER, default)
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {DELETE_REASON_PARAMETER: [f"Give a reason of at most {REASON_MAX_LENGTH} characters."]}
        )
    return reason
