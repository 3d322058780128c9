"""Query filters of the REST API (django-filter): workspace, source, claim,
tag, author, status and modified-since, as each resource has them."""

import datetime
from typing import Any

import django_filters as filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django_filters.fields import IsoDateTimeField

from archive.claims.tags import with_tag
from archive.models import Annotation, Claim, ClaimStatus, Evidence, Outlet, Passage, ReviewStatus, Source


class _IdField(forms.IntegerField):
    """A positive 64-bit id: larger numbers are a 400, not a database overflow."""

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=1, max_value=2**63 - 1, **kwargs)


class _UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, in UTC: PostgreSQL refuses offsets beyond 15:59, which ISO allows."""

    def to_python(self, value):
        moment = super().to_python(value)
        try:
            return moment.astimezone(datetime.UTC) if moment is not None else None
        except OverflowError:
            raise forms.ValidationError("This moment is out of range.", code="invalid") from None


class SinceFilter(filters.IsoDateTimeFilter):
    field_class = _UtcDateTimeField


class IdFilter(filters.NumberFilter):
    """An object id. Not a ModelChoiceFilter, which would tell apart ids that
    exist in other workspaces from ids that exist nowhere."""

    # An integer field where NumberFilter has a DecimalField: django-filter takes any
    # form field class, the stubs only NumberFilter's own.
    field_class = _IdField  # type: ignore[assignment]


class WorkspaceOwnedFilter(filters.FilterSet):
    # django-filter stores `data or QueryDict()`: never None, unlike the argument.
    data: QueryDict | dict[str, Any]

    def is_valid(self) -> bool:
        """Also refuse `?name=` with no value, which django-filter would ignore."""
        valid = super().is_valid()
        for name in self.filters:
            if self.data.get(name) == "":
                self.form.add_error(name, "Give a value, or leave the parameter out.")
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
    status = filters.ChoiceFilter(field_name="review_status", choices=ReviewStatus.choices)

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return with_tag(queryset, value)


class OutletFilter(WorkspaceOwnedFilter):
    class Meta:
        model = Outlet
        fields = ["workspace", "modified_since", "reliability"]


class SourceFilter(WorkspaceOwnedFilter):
    outlet = IdFilter(field_name="outlet", help_text="Published by this outlet.")
    author = filters.CharFilter(field_name="captured_by__username", help_text="Captured by (username).")

    class Meta:
        model = Source
        fields = ["workspace", "modified_since", "outlet", "language", "author"]


class PassageFilter(WorkspaceOwnedFilter):
    source = IdFilter(field_name="source", help_text="Of this source.")
    claim = IdFilter(field_name="evidence__claim", distinct=True, help_text="Cited for this claim.")
    author = filters.CharFilter(field_name="created_by__username", help_text="Created by (username).")

    class Meta:
        model = Passage
        fields = ["workspace", "modified_since", "source", "claim", "author", "anchor_status"]


class AnnotationFilter(TaggedFilter):
    source = IdFilter(field_name="passages__source", distinct=True, help_text="On this source.")
    claim = IdFilter(
        field_name="passages__evidence__claim", distinct=True, help_text="On passages cited for this claim."
    )
    author = filters.CharFilter(field_name="author__username", help_text="Author (username).")

    class Meta:
        model = Annotation
        fields = ["workspace", "modified_since", "source", "claim", "tag", "author", "status", "motivation"]


class ClaimFilter(TaggedFilter):
    source = IdFilter(
        field_name="evidence__passage__source", distinct=True, help_text="With evidence from this source."
    )
    author = filters.CharFilter(field_name="created_by__username", help_text="Created by (username).")
    claim_status = filters.ChoiceFilter(field_name="status", choices=ClaimStatus.choices)

    class Meta:
        model = Claim
        fields = ["workspace", "modified_since", "source", "tag", "author", "status", "claim_status"]


class EvidenceFilter(WorkspaceOwnedFilter):
    claim = IdFilter(field_name="claim", help_text="For this claim.")
    source = IdFilter(field_name="passage__source", help_text="From this source.")
    author = filters.CharFilter(field_name="created_by__username", help_text="Created by (username).")
    status = filters.ChoiceFilter(field_name="review_status", choices=ReviewStatus.choices)

    class Meta:
        model = Evidence
        fields = ["workspace", "modified_since", "claim", "source", "author", "status", "stance"]
