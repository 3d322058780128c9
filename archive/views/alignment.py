"""A translation or republication beside what it derives from, and marking a
divergence flag as explained (archive.alignment)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from archive.alignment import explain_divergence
from archive.audit.forms import reason_field
from archive.models import DivergenceKind, Source
from archive.permissions import Action, WorkspaceRequest, can, get_in_workspace_or_404, workspace_view
from archive.reading.side_by_side import build_side_by_side, parse_marks
from archive.views.refusals import refused


def _pair(request: WorkspaceRequest, source_id: int) -> tuple[Source, Source]:
    """The source and what it derives from; 404 if it derives from nothing."""
    source = get_in_workspace_or_404(
        Source.objects.select_related("derived_from"), request.workspace, pk=source_id
    )
    if source.derived_from is None:
        raise Http404("This source derives from no other: there is nothing to show beside it.")
    return source, source.derived_from


@workspace_view(Action.VIEW)
@require_safe
def source_aligned(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """Both texts side by side, sentence pairs linked, divergences flagged on both; `mark`
    parameters (SOURCE:START:END, code points) highlight spans, e.g. a passage and its counterpart."""
    derivative, original = _pair(request, source_id)
    try:
        marks = parse_marks(request.GET.getlist("mark"), sources=(derivative, original))
    except ValidationError as error:
        return _refused(request, error.messages[0])
    context = {
        "view": build_side_by_side(derivative, marks=marks),
        "can_explain": can(request.role, Action.CONTRIBUTE),
        "kinds": DivergenceKind.choices,
    }
    return render(request, "archive/side_by_side.html", context)


class ExplanationForm(forms.Form):
    kind = forms.ChoiceField(choices=DivergenceKind.choices)
    here = forms.CharField(required=False, strip=False, max_length=500)
    there = forms.CharField(required=False, strip=False, max_length=500)
    reason = reason_field(required=True)
    next = forms.CharField(required=False)


@workspace_view(Action.CONTRIBUTE)
@require_POST
def divergence_explain(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """Mark one of the source's divergence flags as explained, with a reason; back to the page."""
    derivative, _ = _pair(request, source_id)
    form = ExplanationForm(request.POST)
    back = reverse("archive:source_aligned", args=[request.workspace.slug, derivative.pk])
    if not form.is_valid():
        return _refused(request, _first_error(form))
    data = form.cleaned_data
    try:
        explain_divergence(
            source=derivative,
            user=request.user,
            kind=data["kind"],
            here=data["here"],
            there=data["there"],
            reason=data["reason"],
        )
    except ValidationError as error:
        return _refused(request, " ".join(error.messages))
    messages.success(request, "The divergence is marked as explained.")
    return redirect(f"{back}#divergences")


def _first_error(form: forms.Form) -> str:
    """The form's first error for people: "Reason: This field is required." (a
    non-field error alone)."""
    name, messages_ = next(iter(form.errors.items()))
    if name not in form.fields:
        return str(messages_[0])
    return f"{form.fields[name].label or name.capitalize()}: {messages_[0]}"


def _refused(request: WorkspaceRequest, problem: str) -> HttpResponse:
    """The app's refusal page (400), saying what was wrong."""
    return refused(request, problem)
