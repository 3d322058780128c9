"""A source's provenance page, its stored files, derivation links and PROV exports."""

from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive.api.stored_files import stored_file_download
from archive.audit.forms import reason_field
from archive.audit.review import claim_decisions
from archive.core.editing import StaleVersion
from archive.core.forms import form_field, show_refusal
from archive.models import Capture, Claim, Source, SourceVersion, UnarchivedOriginal
from archive.models.source import UNARCHIVED_FIELDS
from archive.monitoring.changes import cited_texts
from archive.permissions import Action, WorkspaceRequest, can, get_in_workspace_or_404, workspace_view
from archive.sources.fixity import DamagedFile
from archive.sources.importing.detect import DOCX
from archive.sources.originals import media_type_essence, original_content_type
from archive.sources.provenance import (
    CONTENT_TYPES,
    PROV_N,
    Lineage,
    claim_document,
    lineage,
    serialize,
    source_document,
)
from archive.sources.versions import fetched_addresses, version_entries
from archive.sources.writes import set_derivation
from archive.views.downloads import accepts_api_token, damaged_file_refused
from archive.views.methods import require_form_methods
from archive.views.originals import UnarchivedOriginalFields, derivation_field
from archive.views.picking import SourceChoiceField, sources_to_choose
from archive.views.rebasing import rebased

_EXTENSIONS = {
    "text/plain": "txt",
    "text/markdown": "md",
    "text/html": "html",
    "application/pdf": "pdf",
    DOCX: "docx",
}


def _source(request: WorkspaceRequest, source_id: int) -> Source:
    return get_in_workspace_or_404(Source.objects.all(), request.workspace, pk=source_id)


def _with_newest_versions(found: Lineage) -> None:
    """Give each source on the page its newest version (`newest_version`), and each version
    with how it came in (`version_entries`), from the versions lineage() prefetched: the page
    tells them apart from the first capture."""
    sources, nodes = [*found.ancestors, found.source], list(found.descendants)
    while nodes:
        node = nodes.pop()
        sources.append(node.source)
        nodes.extend(node.children)
    for source in sources:
        versions = list(source.versions.all())
        setattr(source, "newest_version", versions[-1] if versions else None)  # noqa: B010 (for the template)
        entries = version_entries(source, versions)
        setattr(source, "version_entries", entries)  # noqa: B010 (likewise)
        setattr(source, "fetched_addresses", fetched_addresses(entries))  # noqa: B010 (likewise)


@workspace_view(Action.VIEW)
@require_safe
def source_provenance(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    found = lineage(_source(request, source_id))
    _with_newest_versions(found)
    context = {
        "lineage": found,
        "source": found.source,
        "can_manage": can(request.role, Action.MANAGE),
    }
    return render(request, "archive/provenance.html", context)


def _attachment(
    request: WorkspaceRequest, name: str, *, sha256: str, filename: str, content_type: str
) -> HttpResponse | FileResponse:
    """A stored file as a download, checked against its recorded SHA-256 first."""
    try:
        return stored_file_download(name, sha256=sha256, filename=filename, content_type=content_type)
    except DamagedFile as damaged:
        return damaged_file_refused(request, damaged)


@accepts_api_token
@workspace_view(Action.VIEW)
@require_safe
def source_original(request: WorkspaceRequest, source_id: int) -> HttpResponse | FileResponse:
    return _original(request, _source(request, source_id), stem=f"source-{source_id}")


def _original(
    request: WorkspaceRequest, captured: Source | SourceVersion, *, stem: str
) -> HttpResponse | FileResponse:
    """The captured bytes, named by their hash so two downloads of different bytes never clash."""
    extension = _EXTENSIONS.get(media_type_essence(captured.media_type), "bin")
    return _attachment(
        request,
        captured.original.name or "",
        sha256=captured.original_sha256,
        filename=f"{stem}-{captured.original_sha256[:12]}.{extension}",
        content_type=original_content_type(captured),
    )


@workspace_view(Action.VIEW)
@require_safe
def source_warc(request: WorkspaceRequest, source_id: int) -> HttpResponse | FileResponse:
    capture = get_in_workspace_or_404(
        Capture.objects.exclude(warc=""), request.workspace, source_id=source_id
    )
    return _attachment(
        request,
        capture.warc.name or "",
        sha256=capture.warc_sha256,
        filename=f"source-{source_id}-capture-{capture.warc_sha256[:12]}.warc.gz",
        content_type="application/warc",
    )


def _version(request: WorkspaceRequest, source_id: int, number: int) -> SourceVersion:
    return get_in_workspace_or_404(
        SourceVersion.objects.defer("text"), request.workspace, source_id=source_id, number=number
    )


@accepts_api_token
@workspace_view(Action.VIEW)
@require_safe
def source_version_original(
    request: WorkspaceRequest, source_id: int, number: int
) -> HttpResponse | FileResponse:
    """The bytes one version was captured from (the source's own download is the newest's)."""
    version = _version(request, source_id, number)
    return _original(request, version, stem=f"source-{source_id}-version-{number}")


@accepts_api_token
@workspace_view(Action.VIEW)
@require_safe
def source_version_warc(
    request: WorkspaceRequest, source_id: int, number: int
) -> HttpResponse | FileResponse:
    """The web exchange of one version (the source's own WARC download is the first capture's)."""
    version = _version(request, source_id, number)
    return _attachment(
        request,
        version.warc.name or "",
        sha256=version.warc_sha256,
        filename=f"source-{source_id}-version-{number}-{version.warc_sha256[:12]}.warc.gz",
        content_type="application/warc",
    )


def _export(document, fmt: str, stem: str) -> HttpResponse:
    response = HttpResponse(serialize(document, fmt), content_type=CONTENT_TYPES[fmt])
    extension = "provn" if fmt == PROV_N else "prov.json"
    response["Content-Disposition"] = f'attachment; filename="{stem}.{extension}"'
    return response


def _namespace(request: WorkspaceRequest) -> str:
    return request.build_absolute_uri(reverse("archive:workspace", args=[request.workspace.slug]))


@accepts_api_token
@workspace_view(Action.VIEW)
@require_safe
def source_prov(request: WorkspaceRequest, source_id: int, fmt: str) -> HttpResponse:
    document = source_document(_source(request, source_id), base_uri=_namespace(request))
    return _export(document, fmt, f"source-{source_id}-provenance")


@accepts_api_token
@workspace_view(Action.VIEW)
@require_safe
def claim_prov(request: WorkspaceRequest, claim_id: int, fmt: str) -> HttpResponse:
    claim = get_in_workspace_or_404(
        Claim.objects.select_related("created_by"), request.workspace, pk=claim_id
    )
    evidence = list(claim.evidence.select_related("passage"))
    cited = cited_texts(evidence)
    decisions = claim_decisions(claim, evidence_ids=[item.pk for item in evidence])
    document = claim_document(claim, base_uri=_namespace(request), cited=cited, decisions=decisions)
    return _export(document, fmt, f"claim-{claim_id}-evidence-trail")


class DerivationForm(UnarchivedOriginalFields):
    version = forms.IntegerField(widget=forms.HiddenInput)
    derivation = derivation_field(label="Kind")
    derived_from = SourceChoiceField(
        queryset=Source.objects.none(),
        required=False,
        label="Derived from the archived source",
        help_text="Leave empty for an original, or for an original that is not archived (below). "
        "Choosing one replaces that description.",
    )
    reason = reason_field(required=True, label="Why (kept in the history)")
    field_order = ["version", "derivation", "derived_from", *UNARCHIVED_FIELDS, "reason"]

    def __init__(self, *args, source: Source, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "derived_from", SourceChoiceField).queryset = sources_to_choose(
            source.workspace_id
        ).exclude(pk=source.pk)

    def unarchived_original(self) -> UnarchivedOriginal | None:
        """The original that is not archived as the form describes it; None when it is not
        described, or when an archived source is chosen in place of the description as it was
        (the page shows the stored one: leaving it as it is means replacing it)."""
        data = self.cleaned_data
        if data["derived_from"] is not None and not set(self.changed_data) & set(UNARCHIVED_FIELDS):
            return None
        return self.described_original()


def _derivation(source: Any) -> dict[str, Any]:
    """What a source (or one of its past versions) derives from, as the form shows it."""
    names = ("derivation", "derived_from", *UNARCHIVED_FIELDS)
    return {name: getattr(source, name) for name in names}


@workspace_view(Action.MANAGE)
@require_form_methods
def source_derivation(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """Set or change what a source derives from, after import: an archived source,
    or what is known of an original that is not archived."""
    source = _source(request, source_id)
    form = DerivationForm(
        request.POST or None, initial=_derivation(source) | {"version": source.version}, source=source
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            set_derivation(
                source=source,
                user=request.user,
                derived_from=data["derived_from"],
                unarchived_original=form.unarchived_original(),
                derivation=data["derivation"],
                reason=data["reason"],
                expected_version=data["version"],
            )
        except StaleVersion as error:
            build = partial(DerivationForm, source=error.current)
            form, conflict = rebased(form, error, initial_of=_derivation, build=build)
            source = error.current
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Derivation saved.")
            return redirect("archive:source_provenance", request.workspace.slug, source.pk)
    status = (409 if conflict else 400) if request.method == "POST" else 200
    context = {"form": form, "source": source, "conflict": conflict}
    return render(request, "archive/derivation_form.html", context, status=status)
