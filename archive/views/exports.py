"""The whole workspace as one ZIP for its admins: started as a background job (a large
workspace takes a while), downloaded from the job's page or the export page while kept.
The ZIP is what `manage.py import_archive` restores (archive.backups.packed)."""

from dataclasses import dataclass

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from archive.backups.packed import KEPT_FOR, is_kept, packed_file
from archive.jobs.tasks import EXPORT_DOWNLOAD_ACTION, export_name, exports_of, start_export
from archive.models import Job, JobStatus
from archive.permissions import Action, WorkspaceRequest, workspace_view
from archive.views.methods import require_form_methods

_LISTED = 10


@dataclass(frozen=True)
class _Export:
    job: Job
    kept: bool  # its ZIP can still be downloaded


def _render(request: WorkspaceRequest, *, status: int = 200, gone: bool = False) -> HttpResponse:
    exports = [
        _Export(job, job.status == JobStatus.SUCCEEDED and is_kept(export_name(job)))
        for job in exports_of(request.workspace)[:_LISTED]
    ]
    context = {"exports": exports, "kept_days": KEPT_FOR.days, "gone": gone}
    return render(request, "archive/workspace_export.html", context, status=status)


@workspace_view(Action.MANAGE)
@require_form_methods
def workspace_export(request: WorkspaceRequest) -> HttpResponse:
    """What an export holds and the recent ones; a POST starts one and opens its job's page."""
    if request.method == "POST":
        job = start_export(workspace=request.workspace, user=request.user)
        return redirect("archive:job", job.pk)
    return _render(request)


@workspace_view(EXPORT_DOWNLOAD_ACTION)
@require_safe
def workspace_export_download(request: WorkspaceRequest, job_id: int) -> HttpResponse | FileResponse:
    """An export's ZIP, to the workspace's admins only (whoever started it, if still one)."""
    job = exports_of(request.workspace).filter(pk=job_id, status=JobStatus.SUCCEEDED).first()
    if job is None:
        raise Http404("No such export.")
    name = export_name(job)
    stored = packed_file(name)
    if stored is None:
        return _render(request, status=410, gone=True)
    response = FileResponse(
        stored, as_attachment=True, filename=name.filename, content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
