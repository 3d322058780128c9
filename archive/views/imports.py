"""Importing in the browser, in two steps: upload a file, paste text or give a
URL; then confirm or edit the proposed metadata before the source is saved.

The views only move data between forms and archive.sources.importing: detection,
extraction, staging between the steps and saving all live there.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from archive.audit.forms import reason_field
from archive.core.forms import AddressField, NamesField, form_field, show_refusal
from archive.core.text import isolated, sha256_hex
from archive.jobs.tasks import start_capture, start_file_import
from archive.models import CaptureMethod, Outlet, Source, TextDirection
from archive.models.source import UNARCHIVED_FIELDS, bcp47_validator, validate_published_on
from archive.permissions import Action, WorkspaceRequest, workspace_view
from archive.sources.importing import ImportRefused
from archive.sources.importing.capture import check_address
from archive.sources.importing.detect import DOCX, check_size
from archive.sources.importing.extract import Extraction
from archive.sources.importing.pipeline import (
    ImportStatus,
    Metadata,
    Origin,
    examine,
    find_duplicate,
    outlet_named,
    pasted_original,
    proposed_in,
    save_import,
)
from archive.sources.importing.staging import Pending, hold, release, resume, stage
from archive.views.methods import require_form_methods
from archive.views.originals import UnarchivedOriginalFields, derivation_field
from archive.views.picking import SourceChoiceField, sources_to_choose
from archive.views.redirects import post_only_form


class _FilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _FilesField(forms.FileField):
    """One or more files: a list of uploads (empty when none was given)."""

    def clean(self, data, initial=None):
        return [self._clean_one(upload, initial) for upload in data or []]

    def _clean_one(self, upload, initial):
        try:
            return super().clean(upload, initial)
        except ValidationError as error:  # of several files, say which
            raise ValidationError([f"{upload.name}: {message}" for message in error.messages]) from None


class UploadForm(UnarchivedOriginalFields):
    file = _FilesField(
        required=False,
        label="Files",
        help_text="Plain text, Markdown, HTML, PDF or Word (.docx). Several files are imported in the "
        "background with their proposed details.",
        # A hint for the file picker only: the type is decided by the content.
        widget=_FilesInput(
            attrs={"accept": f".txt,.md,.markdown,.html,.htm,.pdf,.docx,text/*,application/pdf,{DOCX}"}
        ),
    )
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}))
    url = AddressField(required=False, max_length=2000, label="URL")
    separate = forms.BooleanField(
        required=False,
        label="Capture it even if its text is already archived, as a separate source (e.g. a republication)",
    )
    derived_from = SourceChoiceField(
        queryset=Source.objects.none(),
        required=False,
        label="Derived from",
        help_text="An archived source, or leave empty and describe an original that is not archived (below).",
    )
    derivation = derivation_field(help_text="What the page is of the original it derives from.")

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "derived_from", SourceChoiceField).queryset = sources_to_choose(workspace.pk)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if url:
            try:
                check_address(url=url)
            except ImportRefused as refusal:
                raise ValidationError(refusal.message) from None
        return url

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # A field refused on its own was given: its error says what is wrong.
        given = [name for name in ("file", "text", "url") if data.get(name) or name in self.errors]
        if len(given) != 1:
            raise ValidationError("Give one file, one pasted text or one URL.")
        # What a file or pasted text derives from is asked on the confirm step; several files, nothing.
        if given != ["url"] and any(
            data.get(name) for name in ("derived_from", "derivation", *UNARCHIVED_FIELDS)
        ):
            raise ValidationError(
                "What it derives from is given here for a web page only: for one file or pasted text, "
                "the next step asks for it."
            )
        return data

    def derivation_fields(self) -> list[forms.BoundField]:
        return [self["derived_from"], self["derivation"]]


class MetadataForm(UnarchivedOriginalFields):
    token = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"dir": "auto"}))
    authors = NamesField()
    translators = NamesField(help_text="For a translation: who translated it, one per line.")
    outlet = forms.ModelChoiceField(queryset=Outlet.objects.none(), required=False)
    new_outlet = forms.CharField(
        required=False,
        max_length=200,
        label="Or a new outlet",
        help_text="Created ungraded (F), unless the workspace has an outlet of that name (capitals and "
        "spaces aside): the source is then attached to it, as the confirmation says.",
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    published_on = forms.DateField(
        required=False, validators=[validate_published_on], widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.CharField(max_length=35, validators=[bcp47_validator], help_text="BCP 47, e.g. ar or en")
    direction = forms.ChoiceField(choices=TextDirection.choices)
    derived_from = SourceChoiceField(
        queryset=Source.objects.none(),
        required=False,
        help_text="Leave empty for an original, or for an original that is not archived (below).",
    )
    derivation = derivation_field()
    reason = reason_field(required=False, label="Reason (optional, kept in the history)")
    import_duplicate = forms.BooleanField(
        required=False, label="Import anyway, as a separate source (e.g. a republication with the same text)"
    )

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "outlet", forms.ModelChoiceField).queryset = Outlet.objects.filter(
            workspace=workspace
        )
        form_field(self, "derived_from", SourceChoiceField).queryset = sources_to_choose(workspace.pk)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # Both given, the save would keep the chosen outlet and silently drop the typed one.
        if data.get("outlet") and data.get("new_outlet"):
            self.add_error(
                None,
                "Choose an outlet from the list or type a new one, not both: clear the one you do not mean.",
            )
        # What it derives from (an archived source or a description, with its kind) is the
        # domain's rule, which the save applies (archive.models.Source.check_invariants).
        return data

    def metadata(self) -> Metadata:
        data = self.cleaned_data
        return Metadata(
            title=data["title"],
            language=data["language"],
            direction=data["direction"],
            authors=data["authors"],
            translators=data["translators"],
            outlet=data["outlet"],
            outlet_name=data["new_outlet"],
            published_on=data["published_on"],
            derived_from=data["derived_from"],
            unarchived_original=self.described_original(),
            derivation=data["derivation"],
        )

    def main_fields(self) -> list[forms.BoundField]:
        """The visible fields but the description of an original that is not archived (a group of its own)."""
        return [field for field in self.visible_fields() if field.name not in UNARCHIVED_FIELDS]


def _salt(request: WorkspaceRequest) -> str:
    # A token is good only for the user and workspace it was made for.
    return f"archive.import:{request.workspace.pk}:{request.user.pk}"


def _received(form: UploadForm) -> Pending:
    data = form.cleaned_data
    if data["file"]:
        [upload] = data["file"]  # several files go to a job instead
        check_size(upload.size)
        return Pending(Origin(CaptureMethod.FILE, filename=upload.name), b"".join(upload.chunks()))
    # The form's third choice, a URL, is captured by a job instead.
    return Pending(Origin(CaptureMethod.PASTE), pasted_original(data["text"]))


def _staged_uploads(uploads: list) -> list[tuple[str, str]]:
    """Each upload kept in staging for the import job: (filename, SHA-256)."""
    staged = []
    for upload in uploads:
        try:
            check_size(upload.size)
        except ImportRefused as refusal:
            raise ImportRefused(f"{upload.name}: {refusal.message}") from None
        staged.append((upload.name, stage(b"".join(upload.chunks()))))
    return staged


def _proposed_initial(request: WorkspaceRequest, extraction: Extraction, token: str) -> dict:
    proposal = proposed_in(request.workspace, extraction)
    outlet = outlet_named(request.workspace, proposal.outlet_name)
    return {
        "token": token,
        "title": proposal.title,
        "authors": proposal.authors,
        "outlet": outlet,
        "new_outlet": "" if outlet else proposal.outlet_name,
        "published_on": proposal.published_on,
        "language": proposal.language,
        "direction": proposal.direction,
    }


def _render_upload(
    request: HttpRequest, form: UploadForm, *, status: int = 200, refusal: str = ""
) -> HttpResponse:
    context = {"form": form, "refusal": refusal, "max_bytes": settings.IMPORT_MAX_BYTES}
    return render(request, "archive/import.html", context, status=status)


def _render_confirm(request, form: MetadataForm, pending: Pending, extraction: Extraction, *, status=200):
    duplicate = find_duplicate(
        workspace=request.workspace,
        original_sha256=sha256_hex(pending.original),
        text_sha256=sha256_hex(extraction.text),
    )
    context = {
        "form": form,
        "origin": pending.origin,
        "extraction": extraction,
        "size": len(pending.original),
        "original_sha256": sha256_hex(pending.original),
        "duplicate": duplicate,
    }
    return render(request, "archive/import_confirm.html", context, status=status)


@workspace_view(Action.CONTRIBUTE)
@require_form_methods
def import_source(request: WorkspaceRequest) -> HttpResponse:
    """Step 1: receive the input, extract its text and propose metadata."""
    if request.method != "POST":
        return _render_upload(request, UploadForm(workspace=request.workspace))
    form = UploadForm(request.POST, request.FILES, workspace=request.workspace)
    if form.is_valid() and form.cleaned_data["url"]:
        # Fetching a slow site must not hold the request: a job captures it, and its
        # page opens the new source's reading page when it is done.
        try:
            job = start_capture(
                workspace=request.workspace,
                user=request.user,
                url=form.cleaned_data["url"],
                separate=form.cleaned_data["separate"],
                derivation=form.cleaned_data["derivation"],
                derived_from=form.cleaned_data["derived_from"],
                unarchived_original=form.described_original(),
            )
        except ValidationError as error:
            show_refusal(form, error)
            return _render_upload(request, form, status=400)
        return redirect(f"{reverse('archive:job', args=[job.pk])}?go=1")
    if form.is_valid() and len(form.cleaned_data["file"]) > 1:
        try:
            files = _staged_uploads(form.cleaned_data["file"])
        except ImportRefused as refusal:
            form.add_error(None, refusal.message)
            return _render_upload(request, form, status=400)
        job = start_file_import(workspace=request.workspace, user=request.user, files=files)
        return redirect(f"{reverse('archive:job', args=[job.pk])}?go=1")
    if form.is_valid():
        try:
            pending = _received(form)
            extraction = examine(pending.origin, pending.original)
        except ImportRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            token = hold(pending, salt=_salt(request))
            metadata_form = MetadataForm(
                initial=_proposed_initial(request, extraction, token), workspace=request.workspace
            )
            return _render_confirm(request, metadata_form, pending, extraction)
    return _render_upload(request, form, status=400)


@workspace_view(Action.CONTRIBUTE)
@post_only_form("archive:import")
def import_confirm(request: WorkspaceRequest) -> HttpResponse:
    """Step 2: save the source with the metadata as confirmed or edited."""
    form = MetadataForm(request.POST, workspace=request.workspace)
    try:
        pending = resume(request.POST.get("token", ""), salt=_salt(request))
        extraction = examine(pending.origin, pending.original)
    except ImportRefused as refusal:
        return _render_upload(
            request, UploadForm(workspace=request.workspace), status=400, refusal=refusal.message
        )
    if not form.is_valid():
        return _render_confirm(request, form, pending, extraction, status=400)
    try:
        result = save_import(
            workspace=request.workspace,
            user=request.user,
            original=pending.original,
            extraction=extraction,
            metadata=form.metadata(),
            origin=pending.origin,
            allow_duplicate=form.cleaned_data["import_duplicate"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        show_refusal(form, error)
        return _render_confirm(request, form, pending, extraction, status=400)
    if result.status == ImportStatus.DUPLICATE:
        form.add_error(None, result.message)
        return _render_confirm(request, form, pending, extraction, status=409)
    release(pending)
    source = result.source
    if source is None:  # an import that is not a duplicate made its source
        raise RuntimeError(f"{result.name} was imported without a source.")
    messages.success(request, f"Imported “{isolated(source.title)}”.{result.notes}")
    return redirect("archive:source", request.workspace.slug, source.pk)
