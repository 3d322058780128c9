import json
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from archive.audit.forms import SubmitDraftsForm, reason_field, submit_drafts_form_name
from archive.core.editing import NOTHING_CHANGED, StaleVersion
from archive.core.forms import NamesField, form_field, show_refusal
from archive.models import Motivation, Outlet, ReviewStatus, Source, Stance, TextDirection
from archive.models.source import bcp47_validator
from archive.permissions import Action, WorkspaceRequest, can, get_in_workspace_or_404, workspace_view
from archive.reading.cached import rendered_reading
from archive.reading.kinds import FORM_MOTIVATIONS, LABELS, HighlightRole
from archive.sources.writes import delete_source, edit_source
from archive.views.asof import AsOfForm
from archive.views.deleting import Deleting, delete_page
from archive.views.methods import require_form_methods
from archive.views.rebasing import rebased
from archive.views.redirects import take_refused

DELETING = Deleting(
    kind="source",
    title_field="title",
    page="archive:source",
    listed="archive:workspace",
    to_free_it=(
        "Passages keep their source: a passage goes with the last annotation or evidence on it. "
        "Sources derived from it keep it too."
    ),
)


@workspace_view(Action.VIEW)
@require_safe
def source_detail(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """The reading page: metadata, the text with its highlights, and the sidebar."""
    source = get_in_workspace_or_404(
        # Its capture says how its versions came in (archive.sources.versions.version_entries).
        Source.objects.select_related("outlet", "derived_from", "captured_by", "capture")
        # The texts are read only to render the page anew (archive.reading.cached).
        .defer("text", "derived_from__text")
        .annotate(has_derivatives=Exists(Source.objects.filter(derived_from=OuterRef("pk")))),
        request.workspace,
        pk=source_id,
    )
    # The side-by-side pages this source is in: with what it derives from, with each derivative.
    derivatives = list(source.derivatives.order_by("id")) if getattr(source, "has_derivatives", True) else []
    aligned_with = ([source] if source.derived_from_id else []) + derivatives
    reading = rendered_reading(
        source,
        user=request.user,
        user_role=request.role,
        slug=request.workspace.slug,
        aligned=bool(aligned_with),
    )
    chain = source.derivation_chain()
    context = {
        "source": source,
        # Each link of the chain up to the original: "translation of X", "republication of Y",
        # and, when the original is not archived, what is known of it.
        "derivation": chain[:-1],
        "unarchived_from": chain[-1] if chain[-1].unarchived_original else None,
        "reading": reading,
        "can_contribute": can(request.role, Action.CONTRIBUTE),
        "my_drafts": reading.my_drafts,
        # Bound when the last one was refused: what was typed, with why.
        "submit_drafts_form": SubmitDraftsForm(take_refused(request, submit_drafts_form_name(source.pk))),
        "motivations": [(m.value, m.label) for m in FORM_MOTIVATIONS],
        "stances": Stance.choices,
        "workspace_tags": reading.workspace_tags,
        # The words the sidebar's filters show for the values items carry (js/filters.js).
        "filter_names": [
            ("person", "Author"),
            ("tag", "Tag"),
            ("motivation", "Motivation"),
            ("stance", "Stance"),
            ("status", "Review status"),
        ],
        "filter_labels": json.dumps(
            {
                "motivation": dict(Motivation.choices),
                "stance": {stance.value: LABELS[HighlightRole(stance)] for stance in Stance},
                "status": dict(ReviewStatus.choices),
            }
        ),
        "as_of_form": AsOfForm(),
        "versions": reading.versions,
        "review": reading.review,
        "aligned_with": aligned_with,
    }
    page = render_to_string("archive/source_detail.html", context, request)
    return HttpResponse(reading.page(page, csrf_token=get_token(request)))


class SourceMetadataForm(forms.Form):
    """A source's record as an admin corrects it (its text: the text correction page)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"dir": "auto"}))
    authors = NamesField()
    translators = NamesField(help_text="For a translation: who translated it, one per line.")
    outlet = forms.ModelChoiceField(queryset=Outlet.objects.none(), required=False)
    published_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.CharField(max_length=35, validators=[bcp47_validator], help_text="BCP 47, e.g. ar or en")
    direction = forms.ChoiceField(choices=TextDirection.choices)
    reason = reason_field(required=True, label="Why (kept in the history)")

    def __init__(self, *args: Any, source: Source, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outlets = Outlet.objects.filter(workspace_id=source.workspace_id)
        form_field(self, "outlet", forms.ModelChoiceField).queryset = outlets

    FIELDS = ("title", "authors", "translators", "outlet", "published_on", "language", "direction")

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


def _record(source: Any) -> dict[str, Any]:
    """A source's record (or one of its past versions') as the form shows it."""
    return {name: getattr(source, name) for name in SourceMetadataForm.FIELDS}


@workspace_view(Action.MANAGE)
@require_form_methods
def source_edit(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """Correct a source's title, authors, outlet, date, language or direction, with a reason."""
    source = get_in_workspace_or_404(Source.objects.select_related("outlet"), request.workspace, pk=source_id)
    initial = _record(source) | {"version": source.version}
    form = SourceMetadataForm(request.POST or None, initial=initial, source=source)
    status, conflict = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                edited = edit_source(
                    source,
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                    changes=form.changes(),
                    reason=form.cleaned_data["reason"],
                )
            except StaleVersion as error:
                build = partial(SourceMetadataForm, source=error.current)
                form, conflict = rebased(form, error, initial_of=_record, build=build)
                source, status = error.current, 409
            except ValidationError as error:
                show_refusal(form, error)
            else:
                corrected = edited.version != form.cleaned_data["version"]
                messages.success(
                    request, "The source's record is corrected." if corrected else NOTHING_CHANGED
                )
                return redirect("archive:source", request.workspace.slug, source.pk)
    context = {"source": source, "form": form, "conflict": conflict}
    return render(request, "archive/source_edit.html", context, status=status)


@workspace_view(Action.MANAGE)
@require_form_methods
def source_delete(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """Delete a source nothing refers to any more (an import made by mistake), with a reason."""
    source = get_in_workspace_or_404(Source.objects.all(), request.workspace, pk=source_id)
    return delete_page(request, source, DELETING, partial(delete_source, source=source))
