"""The search page's form: the query, the kind of result, the filters."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User

from archive.core.forms import form_field
from archive.core.text import isolated
from archive.models import Outlet, ReviewStatus, Source, Stance, Workspace
from archive.permissions import scoped, workspaces_for
from archive.search.normalize import primary_language
from archive.search.query import MAX_QUERY_LENGTH, QueryError, parse_query
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


# Only sources have a publication date, so the page says what the dates
# filter for each kind (SearchFilters.published()).
DATES_HELP_ID = "search-dates-help"
DATES_HELP = (
    "Dates are when a source was published: for passages and annotations, the date of their source; "
    "for claims, of any source their evidence quotes (a claim without evidence has none)."
)


class _DateInput(forms.DateInput):
    input_type = "date"


class _SearchInput(forms.TextInput):
    input_type = "search"


class _OutletChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Outlet) -> str:
        return f"{isolated(obj.name)} ({isolated(obj.workspace.name)})"


class SearchForm(forms.Form):
    # The query is read as archive.search reads it, so the page refuses it with the same words
    # as every other search, as the field's error (which marks the field and describes it);
    # the kind is checked where it is searched.
    q = forms.CharField(
        required=False,
        label="Search for",
        widget=_SearchInput(
            {
                "id": "search-page-q",
                "aria-keyshortcuts": "/",  # js/search.js
                "maxlength": MAX_QUERY_LENGTH,
                "dir": "auto",
                "autocomplete": "off",
                "placeholder": 'Words, "a phrase", this OR that, -not, pref*',
            }
        ),
    )
    kind = forms.CharField(required=False)
    # Querysets are set per user in __init__.
    workspace = forms.ModelChoiceField(
        queryset=Workspace.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="all your workspaces",
    )
    outlet = _OutletChoiceField(queryset=Outlet.objects.none(), required=False, empty_label="any outlet")
    language = forms.ChoiceField(required=False)
    date_from = forms.DateField(
        required=False, label="Published from", widget=_DateInput({"aria-describedby": DATES_HELP_ID})
    )
    date_to = forms.DateField(
        required=False, label="Published until", widget=_DateInput({"aria-describedby": DATES_HELP_ID})
    )
    tag = forms.CharField(required=False, max_length=100)
    stance = forms.ChoiceField(
        required=False, label="Evidence", choices=[("", "any stance"), *Stance.choices]
    )
    review_status = forms.ChoiceField(
        required=False, label="Review status", choices=[("", "any status"), *ReviewStatus.choices]
    )
    author = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        to_field_name="username",
        empty_label="anyone",
    )
    page = forms.IntegerField(required=False, min_value=1)
    dates_help = DATES_HELP
    dates_help_id = DATES_HELP_ID

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workspaces = workspaces_for(user)
        form_field(self, "workspace", forms.ModelChoiceField).queryset = workspaces.order_by("name")
        form_field(self, "outlet", forms.ModelChoiceField).queryset = scoped(
            Outlet.objects.select_related("workspace"), user
        )
        languages = scoped(Source.objects.all(), user).values_list("language", flat=True).distinct()
        form_field(self, "language", forms.ChoiceField).choices = [
            ("", "any language"),
            *((code, code) for code in sorted({primary_language(language) for language in languages})),
        ]
        form_field(self, "author", forms.ModelChoiceField).queryset = (
            get_user_model()
            .objects.filter(memberships__workspace__in=workspaces.values("pk"))
            .distinct()
            .order_by("username")
        )

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if query:  # none: the page without a search
            try:
                parse_query(query)
            except QueryError as error:
                raise forms.ValidationError(str(error)) from None
        return query

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
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
