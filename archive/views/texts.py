"""Correcting a source's text in the browser (the Django admin keeps it read-only).

The correction goes through archive.passages.correction, which re-anchors every
passage in the same transaction; the reading page then says how the
passages fared.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from archive.audit.forms import reason_field
from archive.core.editing import StaleVersion
from archive.core.forms import show_refusal
from archive.core.graphemes import shorten
from archive.core.text import normalize_text
from archive.jobs.tasks import start_text_correction
from archive.models import Source
from archive.passages.correction import ReanchorReport, correct_source_text, said_corrected
from archive.permissions import Action, WorkspaceRequest, get_in_workspace_or_404, workspace_view
from archive.sources.versions import latest_version
from archive.views.methods import require_form_methods

# Orphaned passages named one by one after a correction; the rest are counted
# (the reading page lists them all under "Not found in the current text").
ORPHANS_NAMED = 10
ORPHAN_QUOTE_LENGTH = 120


class TextCorrectionForm(forms.Form):
    # The version the admin loaded: a correction on top of an unseen one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Text",
        strip=False,  # leading and trailing white space is part of the text (and of offsets)
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        error_messages={"required": "The text cannot be empty."},
    )
    reason = reason_field(required=True, label="Reason for the correction")

    def __init__(self, *args, source: Source, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs.update(dir=source.direction, lang=source.language)
        self.fields["reason"].widget.attrs["dir"] = "auto"

    def clean_text(self) -> str:
        text = normalize_text(self.cleaned_data["text"])
        if not text.strip():
            raise ValidationError("The text cannot be empty.")
        return text


def orphan_notes(report: ReanchorReport) -> list[str]:
    """One line per orphaned passage (the first ORPHANS_NAMED), with its old quote."""
    notes = [
        f"Not found in the new text: “{shorten(passage.exact, ORPHAN_QUOTE_LENGTH)}”"
        for passage in report.orphaned[:ORPHANS_NAMED]
    ]
    if len(report.orphaned) > ORPHANS_NAMED:
        notes.append(
            f"… and {len(report.orphaned) - ORPHANS_NAMED} more orphaned passages, "
            "listed under “Not found in the current text”."
        )
    return notes


def _render(request: HttpRequest, form: TextCorrectionForm, source: Source, *, status=200, conflict=None):
    text_version = latest_version(source)
    context = {"form": form, "source": source, "conflict": conflict, "text_version": text_version}
    return render(request, "archive/source_text.html", context, status=status)


def _conflict(request: HttpRequest, current: Source) -> HttpResponse:
    """The admin's text kept in the form, the other correction shown, and the
    form now at the current version: saving again replaces it knowingly."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    last = current.history.select_related("history_user").first()
    conflict = {"source": current, "by": last.history_user if last else None}
    return _render(request, TextCorrectionForm(data, source=current), current, status=409, conflict=conflict)


@workspace_view(Action.MANAGE)
@require_form_methods
def correct_text(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """Correct a source's text with a reason; every passage is re-anchored."""
    source = get_in_workspace_or_404(Source.objects.all(), request.workspace, pk=source_id)
    initial = {"version": source.version, "text": source.text}
    form = TextCorrectionForm(
        request.POST if request.method == "POST" else None, initial=initial, source=source
    )
    if request.method != "POST":
        return _render(request, form, source)
    if not form.is_valid():
        return _render(request, form, source, status=400)
    data = form.cleaned_data
    if data["text"] == source.text:
        messages.info(request, "The text is unchanged: nothing was saved.")
        return redirect("archive:source", request.workspace.slug, source.pk)
    try:
        if source.passages.count() > settings.JOBS_INLINE_PASSAGES:
            # Re-anchoring thousands of passages takes longer than a request should.
            job = start_text_correction(
                source=source,
                user=request.user,
                text=data["text"],
                reason=data["reason"],
                version=data["version"],
            )
            return redirect(f"{reverse('archive:job', args=[job.pk])}?go=1")
        report = correct_source_text(
            source=source,
            user=request.user,
            new_text=data["text"],
            reason=data["reason"],
            expected_version=data["version"],
        )
    except StaleVersion as error:
        return _conflict(request, error.current)
    except ValidationError as error:
        show_refusal(form, error)
        return _render(request, form, source, status=400)
    messages.success(request, said_corrected(report))
    for note in orphan_notes(report):
        messages.warning(request, note)
    return redirect("archive:source", request.workspace.slug, source.pk)
