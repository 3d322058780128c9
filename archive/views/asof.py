"""Read-only pages showing a source or a claim as it stood at a past moment (as it
stands now for a moment still to come)."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from archive.audit.asof import (
    AnnotationThen,
    SourceThen,
    Stretch,
    claim_as_of,
    deletion_at,
    marked_text,
    source_as_of,
)
from archive.core.forms import MomentField
from archive.core.history import HistoryRow
from archive.models import Claim, Source
from archive.permissions import Action, WorkspaceRequest, workspace_view
from archive.reading.kinds import LABELS, annotation_role, highlight_role


class UtcDateTimeField(MomentField):
    """A moment typed and shown in UTC, as the page labels it.

    Shown as a datetime-local value (no offset, at most milliseconds): browsers blank the picker
    on anything else, such as the ISO 8601 with microseconds and offset that links carry."""

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(UTC):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = self.to_python(value)
            except ValidationError:
                return value  # shown as typed, next to its error
        if not isinstance(value, datetime):
            return value
        moment = value.astimezone(UTC) if timezone.is_aware(value) else value
        # Rounded up, not down, to the millisecond: "as it was then" links point at a version's
        # exact microsecond, and a moment before it would leave that version out.
        if moment.microsecond % 1000:
            moment += timedelta(microseconds=1000 - moment.microsecond % 1000)
        return moment.replace(tzinfo=None).isoformat(
            timespec="milliseconds" if moment.microsecond else "seconds"
        )


class AsOfForm(forms.Form):
    at = UtcDateTimeField(
        label="As of", widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"})
    )


def _in_history(model, request: WorkspaceRequest, object_id: int) -> None:
    """404 unless the object is, or once was, in this workspace."""
    if not model.history.filter(workspace=request.workspace, id=object_id).exists():
        raise Http404("Not found.")


_NoteShown = tuple[AnnotationThen, str, str, list[tuple[int, str]]]


def _coloured(state: SourceThen) -> tuple[list[tuple[Stretch, str]], list[_NoteShown]]:
    """The text's stretches with the colour of the passages covering them, as on the reading page,
    and the annotations then with their kind's colour and label, and the id and quote of each
    of their passages (the quote names it: an id or offsets would mean nothing to a reader)."""
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
    quotes = {passage.id: passage.exact for passage in state.passages}
    notes: list[_NoteShown] = []
    for note in state.annotations:
        role = annotation_role(note.annotation.motivation)
        on = [(passage_id, quotes.get(passage_id, "")) for passage_id in note.passage_ids]
        notes.append((note, role, LABELS[role], on))
    return stretches, notes


def _moment(form: AsOfForm) -> tuple[datetime, bool]:
    """The moment to show and whether the one asked for is still to come: then the
    object is shown as it stands now, saying so, not as if that moment had passed."""
    asked, now = form.cleaned_data["at"], timezone.now()
    return (now, True) if asked > now else (asked, False)


def _deleted(deletion: HistoryRow | None) -> dict[str, Any]:
    """What the page says of an object deleted by then: when, by whom, why, and the
    moment just before, when it was last as it was (the whole deletion recorded one time)."""
    if deletion is None:
        return {}
    return {"deletion": deletion, "before_deletion": deletion.history_date - timedelta(microseconds=1)}


@workspace_view(Action.VIEW)
@require_safe
def source_as_of_view(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """The source's text, passages, annotations and evidence at `?at=`."""
    _in_history(Source, request, source_id)
    form = AsOfForm(request.GET if "at" in request.GET else None)
    state = None
    context: dict[str, Any] = {"form": form, "object_id": source_id}
    if form.is_valid():
        at, context["future"] = _moment(form)
        state = source_as_of(workspace=request.workspace, source_id=source_id, at=at)
        if state is None:
            context |= _deleted(deletion_at(Source, workspace=request.workspace, object_id=source_id, at=at))
    context["state"] = state
    if state is not None:
        context["stretches"], context["annotations"] = _coloured(state)
        context["exists_now"] = Source.objects.filter(workspace=request.workspace, pk=source_id).exists()
    return render(request, "archive/audit/source_as_of.html", context)


@workspace_view(Action.VIEW)
@require_safe
def claim_as_of_view(request: WorkspaceRequest, claim_id: int) -> HttpResponse:
    """The claim and its evidence at `?at=`."""
    _in_history(Claim, request, claim_id)
    form = AsOfForm(request.GET if "at" in request.GET else None)
    state = None
    context: dict[str, Any] = {"form": form, "object_id": claim_id}
    if form.is_valid():
        at, context["future"] = _moment(form)
        state = claim_as_of(workspace=request.workspace, claim_id=claim_id, at=at)
        if state is None:
            context |= _deleted(deletion_at(Claim, workspace=request.workspace, object_id=claim_id, at=at))
    context["state"] = state
    if state is not None:
        context["exists_now"] = Claim.objects.filter(workspace=request.workspace, pk=claim_id).exists()
    return render(request, "archive/audit/claim_as_of.html", context)
