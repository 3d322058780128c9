"""A source over time: its versions, one version as captured, two compared,
and recapturing it now."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from archive.jobs.tasks import recapture_under_way, start_recapture
from archive.models import AnchorStatus, Source, SourceVersion
from archive.monitoring.changes import anchors_in, compare, timeline
from archive.passages.confirming import review_counts
from archive.permissions import Action, WorkspaceRequest, can, get_in_workspace_or_404, workspace_view
from archive.reading.page import Highlight, HighlightRole, highlighted_html
from archive.sources.versions import address_of, fetched_addresses, version_entries


class CompareForm(forms.Form):
    older = forms.IntegerField(min_value=1, label="From version")
    newer = forms.IntegerField(min_value=1, label="To version")
    layout = forms.ChoiceField(
        choices=[("side", "side by side"), ("inline", "inline")], required=False, label="Show"
    )


def _source(request: WorkspaceRequest, source_id: int) -> Source:
    return get_in_workspace_or_404(Source.objects.select_related("capture"), request.workspace, pk=source_id)


def _version(source: Source, number: int) -> SourceVersion:
    version = source.versions.select_related("captured_by", "source").filter(number=number).first()
    if version is None:
        raise Http404("No such version.")
    return version


@workspace_view(Action.VIEW)
@require_safe
def source_versions(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """The timeline of a source's versions and its recapture checks."""
    source = _source(request, source_id)
    versions = version_entries(source, timeline(source))
    try:
        recapture_address = address_of(source)
    except ValidationError:
        recapture_address = ""
    context = {
        "source": source,
        "versions": versions,
        "fetched": fetched_addresses(versions),
        "recapture_address": recapture_address,
        "checks": source.recapture_checks.select_related("source_version", "checked_by")[:50],
        "form": CompareForm(
            initial={"older": max(len(versions) - 1, 1), "newer": len(versions), "layout": "side"}
        ),
        "can_recapture": can(request.role, Action.CONTRIBUTE) and bool(recapture_address),
        "review": review_counts(source),
    }
    return render(request, "archive/versions/timeline.html", context)


@workspace_view(Action.VIEW)
@require_safe
def source_version(request: WorkspaceRequest, source_id: int, number: int) -> HttpResponse:
    """One version as it was captured, with the passages as they were anchored in it."""
    source = _source(request, source_id)
    version = _version(source, number)
    # Whether it was a first fetch depends on the versions before it.
    entry = version_entries(source, [*source.versions.defer("text").filter(number__lt=number), version])[-1]
    length = len(version.text)
    anchors = sorted(anchors_in(version).values(), key=lambda anchor: (anchor.start, anchor.passage_id))
    highlights = [
        Highlight(anchor.passage_id, anchor.start, anchor.end, HighlightRole.PLAIN)
        for anchor in anchors
        if anchor.status != AnchorStatus.ORPHANED and 0 <= anchor.start < anchor.end <= length
    ]
    context = {
        "source": source,
        "version": version,
        "came_in": entry.came_in,
        "text_html": highlighted_html(version.text, highlights),
        "anchors": anchors,
        "newest": not source.versions.filter(number__gt=number).exists(),
    }
    return render(request, "archive/versions/version.html", context)


@workspace_view(Action.VIEW)
@require_safe
def source_compare(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """Two versions compared word by word, with the passages that moved, changed or vanished."""
    source = _source(request, source_id)
    # Without a choice, the page compares what a reader most likely wants: the two newest versions.
    newest = source.versions.order_by("-number").values_list("number", flat=True).first() or 1
    form = CompareForm(request.GET or {"older": max(1, newest - 1), "newer": newest, "layout": "side"})
    if not form.is_valid():
        context = {"source": source, "form": form, "comparison": None}
        return render(request, "archive/versions/compare.html", context, status=400)
    comparison = compare(
        _version(source, form.cleaned_data["older"]), _version(source, form.cleaned_data["newer"])
    )
    context = {
        "source": source,
        "form": form,
        "comparison": comparison,
        "side_by_side": form.cleaned_data["layout"] != "inline",
    }
    return render(request, "archive/versions/compare.html", context)


@workspace_view(Action.CONTRIBUTE)
@require_POST
def source_recapture(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """Capture the source's URL again, in a job: a slow site must not hold a web worker."""
    source = _source(request, source_id)
    try:
        address_of(source)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("archive:source_versions", request.workspace.slug, source.pk)
    if recapture_under_way(source) is not None:
        messages.info(request, "This source's recapture is already under way: here it is.")
    job = start_recapture(source=source, user=request.user)
    return redirect("archive:job", job.pk)
