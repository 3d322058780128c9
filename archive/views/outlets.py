"""Outlets and their Admiralty reliability grades."""

from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from archive.audit.forms import reason_field
from archive.core.editing import StaleVersion
from archive.core.forms import AddressField, show_refusal
from archive.core.text import isolated
from archive.models import Outlet
from archive.models.grading import Reliability
from archive.permissions import Action, WorkspaceRequest, can, get_in_workspace_or_404, workspace_view
from archive.sources.outlets import create_outlet, delete_outlet, edit_outlet, grade_history, grade_outlet
from archive.views.deleting import Deleting, delete_page
from archive.views.methods import require_form_methods
from archive.views.rebasing import rebased

DELETING = Deleting(
    kind="outlet",
    title_field="name",
    page=None,
    listed="archive:outlets",
    to_free_it="Give those sources another outlet, or none, with “Correct record” on their pages first.",
)


class GradeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reliability = forms.ChoiceField(choices=Reliability.choices)
    reason = reason_field(required=True, label="Why this grade (kept in the history)")


class OutletForm(forms.Form):
    """An outlet's details; its grade has its own page (a new grade needs its reason)."""

    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))
    url = AddressField(required=False, label="Address (URL)")
    country = forms.CharField(max_length=100, required=False, widget=forms.TextInput(attrs={"dir": "auto"}))
    language = forms.CharField(max_length=35, required=False, help_text="BCP 47 tag, e.g. ar or en-GB")
    reason = reason_field(required=False, label="Reason (optional, kept in the history)")

    FIELDS = ("name", "url", "country", "language")

    def details(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class OutletEditForm(OutletForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


@workspace_view(Action.MANAGE)
@require_form_methods
def outlet_create(request: WorkspaceRequest) -> HttpResponse:
    """Add an outlet by hand (imports propose them too)."""
    return _outlet_form(request, None)


@workspace_view(Action.MANAGE)
@require_form_methods
def outlet_edit(request: WorkspaceRequest, outlet_id: int) -> HttpResponse:
    """Correct an outlet's name, address, country or language."""
    return _outlet_form(
        request, get_in_workspace_or_404(Outlet.objects.all(), request.workspace, pk=outlet_id)
    )


@workspace_view(Action.MANAGE)
@require_form_methods
def outlet_delete(request: WorkspaceRequest, outlet_id: int) -> HttpResponse:
    """Delete an outlet no source names any more, with a reason."""
    outlet = get_in_workspace_or_404(Outlet.objects.all(), request.workspace, pk=outlet_id)
    return delete_page(request, outlet, DELETING, partial(delete_outlet, outlet=outlet))


def _details(outlet: Outlet) -> dict[str, Any]:
    return {name: getattr(outlet, name) for name in OutletForm.FIELDS}


def _grade(outlet: Outlet) -> dict[str, Any]:
    return {"reliability": outlet.reliability}


def _outlet_form(request: WorkspaceRequest, outlet: Outlet | None) -> HttpResponse:
    conflict = None
    if outlet is None:
        form: OutletForm = OutletForm(request.POST or None)
    else:
        form = OutletEditForm(request.POST or None, initial=_details(outlet) | {"version": outlet.version})
    if request.method == "POST" and form.is_valid():
        data, reason = form.details(), form.cleaned_data["reason"]
        try:
            if outlet is None:
                saved = create_outlet(workspace=request.workspace, user=request.user, reason=reason, **data)
            else:
                version = form.cleaned_data["version"]
                saved = edit_outlet(
                    outlet, user=request.user, expected_version=version, changes=data, reason=reason
                )
        except StaleVersion as error:
            form, conflict = rebased(form, error, initial_of=_details, build=OutletEditForm)
            outlet = error.current
        except ValidationError as error:
            show_refusal(form, error)
        else:
            done = "Saved" if outlet else "Added, ungraded until someone grades it:"
            messages.success(request, f"{done} {isolated(saved.name)}.")
            return redirect("archive:outlets", request.workspace.slug)
    status = (409 if conflict else 400) if request.method == "POST" else 200
    context = {"form": form, "outlet": outlet, "conflict": conflict}
    return render(request, "archive/outlet_form.html", context, status=status)


@workspace_view(Action.VIEW)
@require_safe
def outlet_list(request: WorkspaceRequest) -> HttpResponse:
    outlets = Outlet.objects.filter(workspace=request.workspace).annotate(source_count=Count("sources"))
    context = {"outlets": outlets, "can_grade": can(request.role, Action.MANAGE)}
    return render(request, "archive/outlet_list.html", context)


@workspace_view(Action.MANAGE)
@require_form_methods
def outlet_grade(request: WorkspaceRequest, outlet_id: int) -> HttpResponse:
    """Change an outlet's reliability grade; a reason is required."""
    outlet = get_in_workspace_or_404(Outlet.objects.all(), request.workspace, pk=outlet_id)
    form = GradeForm(request.POST or None, initial=_grade(outlet) | {"version": outlet.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            grade_outlet(
                outlet=outlet,
                user=request.user,
                reliability=form.cleaned_data["reliability"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as error:
            form, conflict = rebased(form, error, initial_of=_grade, build=GradeForm)
            outlet = error.current
        except ValidationError as error:
            show_refusal(form, error)
        else:
            grade = form.cleaned_data["reliability"]
            # The same grade with a new reason is a re-assessment, kept as such.
            graded = "stays graded" if grade == outlet.reliability else "is now graded"
            messages.success(request, f"{isolated(outlet.name)} {graded} {grade}.")
            return redirect("archive:outlets", request.workspace.slug)
    history = grade_history(outlet)
    status = (409 if conflict else 400) if request.method == "POST" else 200
    context = {"form": form, "outlet": outlet, "history": history, "conflict": conflict}
    return render(request, "archive/outlet_grade.html", context, status=status)
