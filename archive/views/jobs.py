"""Background jobs as their starters see them, the header's job status, and schedules."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from archive.core.forms import form_field, id_from, show_refusal
from archive.jobs.running import status_for, visible_jobs
from archive.jobs.schedules import delete_schedule, schedules_with_last_job, set_schedule
from archive.jobs.tasks import (
    may_retry,
    retry,
    retryable,
    start_fixity,
    start_history_chain,
    start_search_rebuild,
)
from archive.models import JobStatus, Schedule, ScheduleKind, Source
from archive.permissions import Action, WorkspaceRequest, member_view, workspace_view
from archive.views.methods import require_form_methods

_LISTED = 100


def job_status(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the signed-in user's running jobs and last failure, for the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"job_status": status_for(user)}


@member_view
@require_form_methods
def job_list(request: HttpRequest) -> HttpResponse:
    """Your jobs, and every job of the workspaces you administer; staff may rebuild the search index."""
    user = cast(User, request.user)  # member_view: signed in
    if request.method == "POST":
        if not user.is_staff:
            raise PermissionDenied("Only site staff rebuild the search index.")
        job = start_search_rebuild(user=user)
        return redirect("archive:job", job.pk)
    jobs = visible_jobs(user)[:_LISTED]
    return render(request, "archive/jobs.html", {"jobs": jobs, "can_rebuild": user.is_staff})


@member_view
@require_form_methods
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job: its progress while it runs (the page refreshes), then its result or failure.

    With `?go=1` a job that succeeded sends the browser on to its result (a
    capture's reading page), saying what it did, so "wait here" pages land where the work is. A
    POST ("Try again") starts a failed job anew and opens the new job's page.
    """
    user = cast(User, request.user)  # member_view: signed in
    job = visible_jobs(user).filter(pk=job_id).first()
    if job is None:
        raise Http404("No such job.")
    if request.method == "POST":
        try:
            again = retry(job=job, user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("archive:job", job.pk)
        return redirect(f"{reverse('archive:job', args=[again.pk])}?go=1")
    go = request.GET.get("go") == "1"
    done = job.status == JobStatus.SUCCEEDED
    # The result is one of the archive's own paths; never follow anything else.
    if go and done and url_has_allowed_host_and_scheme(job.result_url, allowed_hosts=None):
        if job.summary:  # what it did ("Already archived: ..."), said where it lands
            messages.info(request, job.summary)
        return redirect(job.result_url)
    can_retry = retryable(job) and may_retry(job=job, user=user)
    return render(request, "archive/job_detail.html", {"job": job, "go": go, "can_retry": can_retry})


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(choices=ScheduleKind.choices)
    source = forms.ModelChoiceField(
        queryset=Source.objects.none(), required=False, help_text="For a recapture: the source to recapture."
    )
    every_hours = forms.IntegerField(min_value=1, max_value=24 * 366, initial=24, label="Every (hours)")
    enabled = forms.BooleanField(required=False, label="On")
    reason = forms.CharField(required=False, max_length=500, help_text="Optional note for the history.")

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "source", forms.ModelChoiceField).queryset = Source.objects.filter(
            workspace=workspace
        ).only("pk", "title")


_RUN_NOW = {"fixity": start_fixity, "history_chain": start_history_chain}


@workspace_view(Action.MANAGE)
@require_form_methods
def schedules(request: WorkspaceRequest) -> HttpResponse:
    """The workspace's schedules (admins): set one, or run a workspace-wide check now."""
    form = ScheduleForm(workspace=request.workspace)
    status = 200
    if request.method == "POST" and "run" in request.POST:
        start_job = _RUN_NOW.get(request.POST["run"])
        if start_job is None:
            return HttpResponse("Unknown job.", status=400)
        job = start_job(workspace=request.workspace, user=request.user)
        messages.info(request, f"Started: {job}.")
        return redirect("archive:job", job.pk)
    if request.method == "POST" and "delete" in request.POST:
        return _delete_schedule(request)
    if request.method == "POST":
        form = ScheduleForm(request.POST, workspace=request.workspace)
        if form.is_valid():
            data = form.cleaned_data
            try:
                schedule = set_schedule(
                    workspace=request.workspace,
                    user=request.user,
                    kind=data["kind"],
                    source=data["source"],
                    every_hours=data["every_hours"],
                    enabled=data["enabled"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, f"Schedule saved: {schedule}.")
                return redirect("archive:schedules", request.workspace.slug)
        status = 400
    listed = schedules_with_last_job(request.workspace)
    return render(request, "archive/schedules.html", {"form": form, "schedules": listed}, status=status)


def _delete_schedule(request: WorkspaceRequest) -> HttpResponse:
    schedule_id = id_from(request.POST["delete"])
    schedule = (
        Schedule.objects.filter(workspace=request.workspace, pk=schedule_id).first() if schedule_id else None
    )
    if schedule is None:
        raise Http404("No such schedule.")
    try:
        delete_schedule(schedule=schedule, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Schedule deleted: {schedule}.")
    return redirect("archive:schedules", request.workspace.slug)
