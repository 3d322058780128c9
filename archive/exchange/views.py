from django.http import StreamingHttpResponse
from django.views.decorators.http import require_safe

from archive.core.spreadsheets import csv_download
from archive.exchange.annotations import csv_rows, jsonld_chunks
from archive.permissions import Action, WorkspaceRequest, workspace_view
from archive.views.downloads import accepts_api_token
from archive.w3c.mapping import Links
from archive.w3c.views import ANNO_MEDIA_TYPE


def _download(chunks, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@accepts_api_token
@workspace_view(Action.VIEW)
@require_safe
def annotations_jsonld(request: WorkspaceRequest) -> StreamingHttpResponse:
    """Every annotation and piece of evidence of the workspace, as W3C JSON-LD."""
    links = Links(request.build_absolute_uri("/").rstrip("/"))
    chunks = jsonld_chunks(request.workspace, links)
    return _download(chunks, ANNO_MEDIA_TYPE, f"{request.workspace.slug}-annotations.jsonld")


@accepts_api_token
@workspace_view(Action.VIEW)
@require_safe
def annotations_csv(request: WorkspaceRequest) -> StreamingHttpResponse:
    """The same as a spreadsheet: one row per annotation target or piece of evidence."""
    links = Links(request.build_absolute_uri("/").rstrip("/"))
    return csv_download(csv_rows(request.workspace, links), f"{request.workspace.slug}-annotations.csv")
