"""The search page's form: the query, the kind of result, the filters."""

from django import forms
from django.contrib.auth import get_user_model

from archive.models import Outlet, ReviewStatus, SearchKind, Source, Stance
from archive.permissions import scoped, workspaces_for
from archive.search.normalize import primary_language
from archive.search.query import MAX_QUERY_LENGTH
from archive.search.service import SearchFilters

FILTER_FIELDS = [
    "workspace",
    "outlet",
    "language",
    "date_from",
    "date_to",
    "tag",
    "stance",
    "review_status",
    "author",
]


class _DateInput(forms.DateInput):
    input_type = "date"


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, label="Search for")
    kind = forms.ChoiceField(required=False, choices=[("", "all"), *SearchKind.choices])
    workspace = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="slug", empty_label="all your workspaces"
    )
    outlet = forms.ModelChoiceField(queryset=None, required=False, empty_label="any outlet")
    language = forms.ChoiceField(required=False)
    date_from = forms.DateField(required=False, label="Published from", widget=_DateInput)
    date_to = forms.DateField(required=False, label="Published until", widget=_DateInput)
    tag = forms.CharField(required=False, max_length=100)
    stance = forms.ChoiceField(
        required=False, label="Evidence", choices=[("", "any stance"), *Stance.choices]
    )
    review_status = forms.ChoiceField(
        required=False, label="Review status", choices=[("", "any status"), *ReviewStatus.choices]
    )
    author = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="username", empty_label="anyone"
    )
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        workspaces = workspaces_for(user)
        self.fields["workspace"].queryset = workspaces.order_by("name")
        self.fields["outlet"].queryset = scoped(Outlet.objects.select_related("workspace"), user)
        self.fields["outlet"].label_from_instance = lambda outlet: f"{outlet.name} ({outlet.workspace.name})"
        languages = scoped(Source.objects.all(), user).values_list("language", flat=True).distinct()
        self.fields["language"].choices = [
            ("", "any language"),
            *((code, code) for code in sorted({primary_language(language) for language in languages})),
        ]
        self.fields["author"].queryset = (
            get_user_model()
            .objects.filter(memberships__workspace__in=workspaces.values("pk"))
            .distinct()
            .order_by("username")
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data

    @property
    def filtered(self) -> bool:
        return any(self.data.get(name) for name in FILTER_FIELDS)

    def filter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in FILTER_FIELDS]

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            workspace=data["workspace"],
            outlet=data["outlet"],
            language=data["language"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            tag=data["tag"],
            stance=data["stance"],
            review_status=data["review_status"],
            author=data["author"],
        )
