"""Outlets and their Admiralty reliability grades."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render

from archive.core.editing import StaleVersion
from archive.core.forms import show_refusal
from archive.core.text import isolated
from archive.models import Outlet
from archive.models.grading import Reliability
from archive.permissions import Action, WorkspaceRequest, can, get_in_workspace_or_404, workspace_view
from archive.sources.outlets import grade_outlet


class GradeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reliability = forms.ChoiceField(choices=Reliability.choices)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text="Why this grade? Kept in the history.",
    )


@workspace_view(Action.VIEW)
def outlet_list(request: WorkspaceRequest) -> HttpResponse:
    outlets = Outlet.objects.filter(workspace=request.workspace).annotate(source_count=Count("sources"))
    context = {"outlets": outlets, "can_grade": can(request.role, Action.MANAGE)}
    return render(request, "archive/outlet_list.html", context)


@workspace_view(Action.MANAGE)
def outlet_grade(request: WorkspaceRequest, outlet_id: int) -> HttpResponse:
    """Change an outlet's reliability grade; a reason is required."""
    outlet = get_in_workspace_or_404(Outlet.objects.all(), request.workspace, pk=outlet_id)
    initial = {"version": outlet.version, "reliability": outlet.reliability}
    form = GradeForm(request.POST or None, initial=initial)
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
            form.add_error(None, str(error))
        except ValidationError as error:
            show_refusal(form, error)
        else:
            grade = form.cleaned_data["reliability"]
            messages.success(request, f"{isolated(outlet.name)} is now graded {grade}.")
            return redirect("archive:outlets", request.workspace.slug)
    history = outlet.history.select_related("history_user").order_by("-history_date")[:20]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "archive/outlet_grade.html",
        {"form": form, "outlet": outlet, "history": history},
        status=status,
    )
