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

from archive.audit.forms import reason_field
from archive.core.attribution import REASON_MAX_LENGTH
from archive.core.editing import NOTHING_CHANGED, AlreadyExists, StaleVersion
from archive.core.forms import form_field, id_from, show_refusal
from archive.jobs.running import status_for, visible_jobs
from archive.jobs.schedules import (
    change_schedule,
    delete_schedule,
    describe,
    pause_schedule,
    resume_schedule,
    schedules_with_last_job,
    set_schedule,
)
from archive.jobs.tasks import (
    download_refused,
    may_retry,
    retry,
    retryable,
    start_fixity,
    start_history_chain,
    start_search_rebuild,
)
from archive.models import JobKind, JobStatus, Schedule, ScheduleKind, Source
from archive.permissions import Action, WorkspaceRequest, get_in_workspace_or_404, member_view, workspace_view
from archive.views.methods import require_form_methods

_LISTED = 100
MAX_HOURS = 24 * 366


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
    context = {"job": job, "go": go, "can_retry": can_retry}
    if done and job.kind == JobKind.EXPORT:
        context["download_refused"] = download_refused(job=job, user=user)
    return render(request, "archive/job_detail.html", context)


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(choices=ScheduleKind.choices)
    source = forms.ModelChoiceField(
        queryset=Source.objects.none(), required=False, help_text="For a recapture: the source to recapture."
    )
    every_hours = forms.IntegerField(min_value=1, max_value=MAX_HOURS, initial=24, label="Every (hours)")
    enabled = forms.BooleanField(
        required=False, label="On", help_text="Unticked, it is saved paused: it starts nothing until resumed."
    )
    reason = reason_field(required=False, label="Reason (optional, kept in the history)")

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "source", forms.ModelChoiceField).queryset = Source.objects.filter(
            workspace=workspace
        ).only("pk", "title")


class ScheduleEditForm(forms.Form):
    """What a schedule's change sets; its kind and source stay (another is a new schedule)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    every_hours = forms.IntegerField(min_value=1, max_value=MAX_HOURS, label="Every (hours)")
    enabled = forms.BooleanField(required=False, label="On", help_text="Unticked: paused, it starts nothing.")
    reason = reason_field(required=True, label="Why (kept in the history)")


_RUN_NOW = {"fixity": start_fixity, "history_chain": start_history_chain}
_SWITCH = {"pause": pause_schedule, "resume": resume_schedule}


@workspace_view(Action.MANAGE)
@require_form_methods
def schedules(request: WorkspaceRequest) -> HttpResponse:
    """The workspace's schedules (admins): add one, pause, resume or delete one, or run a
    workspace-wide check now. Adding one of a kind there is already shows that one, to change."""
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
    switch = next((name for name in _SWITCH if name in request.POST), None)
    if request.method == "POST" and switch is not None:
        return _switch_schedule(request, switch)
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
            except AlreadyExists as exists:
                return _offer_to_replace(request, cast(Schedule, exists.existing), data)
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, f"Schedule saved: {schedule}.")
                return redirect("archive:schedules", request.workspace.slug)
        status = 400
    listed = schedules_with_last_job(request.workspace)
    context = {"form": form, "schedules": listed, "reason_max_length": REASON_MAX_LENGTH}
    return render(request, "archive/schedules.html", context, status=status)


def _offer_to_replace(request: WorkspaceRequest, existing: Schedule, data: dict[str, Any]) -> HttpResponse:
    """The schedule there is, with the change form filled in with what was asked:
    nothing is replaced until the admin confirms it, with a reason."""
    initial = {"version": existing.version, "every_hours": data["every_hours"], "enabled": data["enabled"]}
    form = ScheduleEditForm(initial=initial | {"reason": data["reason"]})
    return _render_edit(request, existing, form, status=409, replacing=True)


@workspace_view(Action.MANAGE)
@require_form_methods
def schedule_edit(request: WorkspaceRequest, schedule_id: int) -> HttpResponse:
    """Change how often a schedule runs, or switch it on or off, with a reason."""
    schedule = get_in_workspace_or_404(
        Schedule.objects.select_related("source"), request.workspace, pk=schedule_id
    )
    initial = {"version": schedule.version, "every_hours": schedule.every_hours, "enabled": schedule.enabled}
    form = ScheduleEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = change_schedule(
                schedule=schedule,
                user=request.user,
                reason=data["reason"],
                expected_version=data["version"],
                every_hours=data["every_hours"],
                enabled=data["enabled"],
            )
        except (StaleVersion, ValidationError) as error:
            show_refusal(form, error)
        else:
            changed = saved.version != data["version"]
            messages.success(request, f"Schedule changed: {saved}." if changed else NOTHING_CHANGED)
            return redirect("archive:schedules", request.workspace.slug)
    status = 400 if request.method == "POST" else 200
    return _render_edit(request, schedule, form, status=status)


def _render_edit(
    request: WorkspaceRequest,
    schedule: Schedule,
    form: ScheduleEditForm,
    *,
    status: int,
    replacing: bool = False,
) -> HttpResponse:
    context = {"schedule": schedule, "now": describe(schedule), "form": form, "replacing": replacing}
    return render(request, "archive/schedule_edit.html", context, status=status)


def _posted_schedule(request: WorkspaceRequest, key: str) -> Schedule:
    """The workspace's schedule the form names in `key`; 404 for any other."""
    schedule_id = id_from(request.POST[key])
    schedule = (
        Schedule.objects.filter(workspace=request.workspace, pk=schedule_id).first() if schedule_id else None
    )
    if schedule is None:
        raise Http404("No such schedule.")
    return schedule


def _switch_schedule(request: WorkspaceRequest, switch: str) -> HttpResponse:
    schedule = _posted_schedule(request, switch)
    version = id_from(request.POST.get("version", ""))
    try:
        saved = _SWITCH[switch](
            schedule=schedule,
            user=request.user,
            reason=request.POST.get("reason", ""),
            expected_version=version,
        )
    except (StaleVersion, ValidationError) as error:
        messages.error(request, str(error) if isinstance(error, StaleVersion) else " ".join(error.messages))
    else:
        done = "paused: it starts nothing until resumed" if switch == "pause" else "resumed"
        messages.success(request, f"Schedule {done}: {saved}.")
    return redirect("archive:schedules", request.workspace.slug)


def _delete_schedule(request: WorkspaceRequest) -> HttpResponse:
    schedule = _posted_schedule(request, "delete")
    try:
        delete_schedule(schedule=schedule, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Schedule deleted: {schedule}.")
    return redirect("archive:schedules", request.workspace.slug)
