"""Read-only pages showing a source or a claim as it stood at a past moment."""

from collections import defaultdict

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render

from archive.audit.asof import AnnotationThen, SourceThen, Stretch, claim_as_of, marked_text, source_as_of
from archive.models import Claim, Source
from archive.permissions import Action, WorkspaceRequest, workspace_view
from archive.reading.kinds import LABELS, annotation_role, highlight_role


class AsOfForm(forms.Form):
    at = forms.DateTimeField(
        label="As of", widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"})
    )


def _in_history(model, request: WorkspaceRequest, object_id: int) -> None:
    """404 unless the object is, or once was, in this workspace."""
    if not model.history.filter(workspace=request.workspace, id=object_id).exists():
        raise Http404("Not found.")


def _coloured(state: SourceThen) -> tuple[list[tuple[Stretch, str]], list[tuple[AnnotationThen, str, str]]]:
    """The text's stretches with the colour of the passages covering them, as on the reading page,
    and the annotations then with their kind's colour and label."""
    motivations: dict[int, set[str]] = defaultdict(set)
    stances: dict[int, set[str]] = defaultdict(set)
    for note in state.annotations:
        for passage_id in note.passage_ids:
            motivations[passage_id].add(note.annotation.motivation)
    for item in state.evidence:
        stances[item.evidence.passage_id].add(item.evidence.stance)
    stretches: list[tuple[Stretch, str]] = [
        (
            stretch,
            highlight_role(
                motivations=set().union(*(motivations[p] for p in stretch.passage_ids)),
                stances=set().union(*(stances[p] for p in stretch.passage_ids)),
            )
            if stretch.passage_ids
            else "",
        )
        for stretch in marked_text(state.source.text, state.passages)
    ]
    notes: list[tuple[AnnotationThen, str, str]] = []
    for note in state.annotations:
        role = annotation_role(note.annotation.motivation)
        notes.append((note, role, LABELS[role]))
    return stretches, notes


@workspace_view(Action.VIEW)
def source_as_of_view(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """The source's text, passages, annotations and evidence at `?at=`."""
    _in_history(Source, request, source_id)
    form = AsOfForm(request.GET if "at" in request.GET else None)
    state = None
    if form.is_valid():
        state = source_as_of(workspace=request.workspace, source_id=source_id, at=form.cleaned_data["at"])
    context = {"form": form, "object_id": source_id, "state": state}
    if state is not None:
        context["stretches"], context["annotations"] = _coloured(state)
        context["exists_now"] = Source.objects.filter(workspace=request.workspace, pk=source_id).exists()
    return render(request, "archive/audit/source_as_of.html", context)


@workspace_view(Action.VIEW)
def claim_as_of_view(request: WorkspaceRequest, claim_id: int) -> HttpResponse:
    """The claim and its evidence at `?at=`."""
    _in_history(Claim, request, claim_id)
    form = AsOfForm(request.GET if "at" in request.GET else None)
    state = None
    if form.is_valid():
        state = claim_as_of(workspace=request.workspace, claim_id=claim_id, at=form.cleaned_data["at"])
    context = {"form": form, "object_id": claim_id, "state": state}
    if state is not None:
        context["exists_now"] = Claim.objects.filter(workspace=request.workspace, pk=claim_id).exists()
    return render(request, "archive/audit/claim_as_of.html", context)
