from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render

from archive.audit.review import my_drafts_on
from archive.models import Motivation, Source, Stance
from archive.permissions import Action, WorkspaceRequest, can, get_in_workspace_or_404, workspace_view
from archive.reading.items import ItemLinks, render_items
from archive.reading.page import build_reading
from archive.views.asof import AsOfForm


@workspace_view(Action.VIEW)
def source_detail(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """The reading page: metadata, the text with its highlights, and the sidebar."""
    source = get_in_workspace_or_404(
        Source.objects.select_related("outlet", "derived_from", "captured_by"),
        request.workspace,
        pk=source_id,
    )
    reading = build_reading(source, user=request.user, user_role=request.role)
    links = ItemLinks(request.workspace.slug, csrf_token=get_token(request))
    context = {
        "source": source,
        # Each link of the chain up to the original: "translation of X", "republication of Y".
        "derivation": source.derivation_chain()[:-1],
        "reading": reading,
        "items_html": render_items(reading.items, links),
        "orphaned_html": render_items(reading.orphaned_items, links),
        "can_contribute": can(request.role, Action.CONTRIBUTE),
        "my_drafts": len(my_drafts_on(source=source, user=request.user)),
        "motivations": Motivation.choices,
        "stances": Stance.choices,
        "as_of_form": AsOfForm(),
    }
    return render(request, "archive/source_detail.html", context)
