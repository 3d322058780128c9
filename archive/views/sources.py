from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from archive.models import Source
from archive.permissions import Action, get_in_workspace_or_404, workspace_view


@workspace_view(Action.VIEW)
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    source = get_in_workspace_or_404(
        Source.objects.select_related("outlet", "derived_from", "captured_by"),
        request.workspace,
        pk=source_id,
    )
    passages = source.passages.all()
    return render(request, "archive/source_detail.html", {"source": source, "passages": passages})
