"""Examining an original and saving it as a Source with its Capture.

`examine()` turns an original into text and proposed metadata; `save_import()`
archives it. The original is stored unchanged and content-addressed (archive.sources.storage via
create_source); the same bytes or the same text already in the workspace are
reported as a duplicate of that source instead of silently stored twice.
Everything happens in one transaction, and a stored file that no committed
row refers to is removed again when saving fails.
"""

import datetime
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from archive.core.attribution import recorded_as
from archive.core.text import isolated, sha256_hex
from archive.models import (
    Capture,
    CaptureMethod,
    Outlet,
    Source,
    SourceVersion,
    UnarchivedOriginal,
    Workspace,
)
from archive.sources.importing import ImportRefused
from archive.sources.importing.capture import WebCapture, capture_url
from archive.sources.importing.detect import check_size
from archive.sources.importing.extract import Extraction, Proposal, extract, extract_pasted
from archive.sources.storage import original_name, store_original
from archive.sources.writes import create_source

_READ_CHUNK = 1024 * 1024


class ImportStatus(StrEnum):
    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    FAILED = "failed"


@dataclass(frozen=True)
class ImportResult:
    status: ImportStatus
    name: str  # the file name, URL or "pasted text"
    source: Source | None = None  # the new source, or the one it duplicates
    message: str = ""  # why it failed or duplicates; for an import, what normalizing changed
    # For an import given an outlet by name: the workspace's outlet that name found, said
    # rather than attached silently (a typed "new" outlet may be one already graded).
    outlet_found: str = ""

    @property
    def notes(self) -> str:
        """For an import, what follows the sentence saying so (each sentence after a space):
        the existing outlet its outlet name found, and what normalizing changed."""
        outlet = f" {self.outlet_found}" if self.outlet_found else ""
        changed = f" Text {self.message}." if self.message else ""
        return outlet + changed


@dataclass(frozen=True)
class Metadata:
    """What the user confirmed (or the proposal, for command-line imports)."""

    title: str
    language: str
    direction: str
    authors: list[str] = field(default_factory=list)
    translators: list[str] = field(default_factory=list)
    outlet: Outlet | None = None
    outlet_name: str = ""  # found or created in the workspace when `outlet` is None
    published_on: datetime.date | None = None
    derived_from: Source | None = None
    unarchived_original: UnarchivedOriginal | None = None  # or the original, not archived
    derivation: str = ""

    @classmethod
    def proposed(cls, proposal: Proposal, **overrides) -> "Metadata":
        """The proposal, with each override that is given (not None or empty)."""
        metadata = cls(
            title=proposal.title,
            language=proposal.language,
            direction=proposal.direction,
            authors=list(proposal.authors),
            outlet_name=proposal.outlet_name,
            published_on=proposal.published_on,
        )
        return replace(metadata, **{key: value for key, value in overrides.items() if value})


@dataclass(frozen=True)
class Origin:
    """Where an original came from."""

    method: CaptureMethod
    filename: str = ""
    web: WebCapture | None = None

    @property
    def name(self) -> str:
        return self.web.requested_url if self.web else self.filename or "pasted text"


def pasted_original(text: str) -> bytes:
    """The original of text pasted in the import form: the text as its textarea held it, in UTF-8.

    A browser sends every line break of a textarea as CRLF (HTML's form submission), whatever
    the pasted text had: those CRs are the form's, not the text's, so they are taken off here
    rather than reported as a normalization of the text."""
    return text.replace("\r\n", "\n").encode("utf-8")


def read_limited(stream: BinaryIO) -> bytes:
    """Read a whole stream, refusing it as soon as it passes settings.IMPORT_MAX_BYTES."""
    chunks, size = [], 0
    while chunk := stream.read(_READ_CHUNK):
        size += len(chunk)
        if size > settings.IMPORT_MAX_BYTES:
            check_size(size)
        chunks.append(chunk)
    return b"".join(chunks)


def examine(origin: Origin, original: bytes) -> Extraction:
    """The text and proposed metadata of an original; ImportRefused if unusable."""
    if origin.method == CaptureMethod.PASTE:
        return extract_pasted(original.decode("utf-8"))
    if origin.web:
        filename = PurePosixPath(urlsplit(origin.web.final_url).path).name
        # A URL ending in .pdf that serves a page is common; its path is no claim by the user.
        return extract(
            original,
            filename=filename,
            declared_charset=origin.web.charset,
            name_is_claim=False,
            url=origin.web.final_url,
        )
    return extract(original, filename=origin.filename)


def proposed_in(workspace: Workspace, extraction: Extraction) -> Proposal:
    """The extraction's proposal, with a name at an end of the page's title recognised as
    its site's if the workspace has an outlet of that name (capitals aside)."""
    proposal = extraction.proposal
    if not proposal.sites_in_title:
        return proposal
    matching = Q()
    for site in proposal.sites_in_title:
        matching |= Q(name__iexact=site.name)
    outlets = list(Outlet.objects.filter(matching, workspace=workspace))
    for site in proposal.sites_in_title:
        outlet = next((outlet for outlet in outlets if outlet.name.casefold() == site.name.casefold()), None)
        if outlet is not None:
            return proposal.recognising(site, outlet.name)
    return proposal


def find_duplicate(*, workspace: Workspace, original_sha256: str, text_sha256: str) -> Source | None:
    """The first source of the workspace with the same original bytes, else the same text."""
    # Two lookups, each served by its (workspace, hash) index: an OR of both scans the workspace.
    in_workspace = Source.objects.filter(workspace=workspace).order_by("pk")
    return (
        in_workspace.filter(original_sha256=original_sha256).first()
        or in_workspace.filter(text_sha256=text_sha256).first()
    )


def duplicate_message(duplicate: Source, original_sha256: str) -> str:
    what = "file" if duplicate.original_sha256 == original_sha256 else "text"
    return f"The same {what} is already in this workspace as “{isolated(duplicate.title)}”."


def save_import(
    *,
    workspace: Workspace,
    user,
    original: bytes,
    extraction: Extraction,
    metadata: Metadata,
    origin: Origin,
    allow_duplicate: bool = False,
    reason: str = "",
) -> ImportResult:
    """Archive `original` as a new source unless it duplicates one.

    Raises ValidationError for metadata the model refuses (nothing is kept).
    """
    original_sha256 = sha256_hex(original)
    stored = [original_name(original_sha256)] + (
        [original_name(sha256_hex(origin.web.warc))] if origin.web else []
    )
    new_files = [name for name in stored if not default_storage.exists(name)]
    try:
        with transaction.atomic():
            duplicate = find_duplicate(
                workspace=workspace, original_sha256=original_sha256, text_sha256=sha256_hex(extraction.text)
            )
            if duplicate is not None and not allow_duplicate:
                return ImportResult(
                    ImportStatus.DUPLICATE,
                    origin.name,
                    duplicate,
                    duplicate_message(duplicate, original_sha256),
                )
            reason = reason or _default_reason(origin)
            outlet, found = _outlet_of(workspace, user, metadata, reason)
            source = create_source(
                workspace=workspace,
                user=user,
                title=metadata.title,
                text=extraction.text,
                language=metadata.language,
                direction=metadata.direction,
                original=original,
                media_type=extraction.media_type,
                authors=metadata.authors,
                translators=metadata.translators,
                outlet=outlet,
                original_url=origin.web.final_url if origin.web else "",
                published_on=metadata.published_on,
                derived_from=metadata.derived_from,
                unarchived_original=metadata.unarchived_original,
                derivation=metadata.derivation,
                reason=reason,
                warc=origin.web.warc if origin.web else None,
                fetched_at=origin.web.fetched_at if origin.web else None,
            )
            _save_capture(source, user, extraction, origin, reason)
    except BaseException:
        _remove_unreferenced(new_files)
        raise
    return ImportResult(
        ImportStatus.IMPORTED, origin.name, source, extraction.normalization.describe(), outlet_found=found
    )


@dataclass(frozen=True)
class ExaminedFile:
    """A file read and examined, ready to be saved (or the reason it was refused)."""

    filename: str
    original: bytes = b""
    extraction: Extraction | None = None
    refusal: str = ""


def examine_file(path: Path) -> ExaminedFile:
    """Read and examine one file; safe to run in a worker process (no database)."""
    try:
        with path.open("rb") as stream:
            data = read_limited(stream)
    except ImportRefused as refusal:
        return ExaminedFile(path.name, refusal=refusal.message)
    except OSError as error:
        return ExaminedFile(path.name, refusal=f"The file cannot be read ({error.strerror}).")
    return examine_upload(path.name, data)


def examine_upload(filename: str, data: bytes) -> ExaminedFile:
    """Examine the bytes of one file named `filename` (an upload, or a file read from disk)."""
    try:
        return ExaminedFile(filename, data, examine(Origin(CaptureMethod.FILE, filename=filename), data))
    except ImportRefused as refusal:
        return ExaminedFile(filename, refusal=refusal.message)


def import_examined(
    *, workspace: Workspace, user, examined: ExaminedFile, allow_duplicate: bool = False, **overrides
) -> ImportResult:
    """Save an examined file with its proposed metadata (and `overrides`), as the
    command line does; refusals come back as a FAILED result."""
    if examined.extraction is None:
        return ImportResult(ImportStatus.FAILED, examined.filename, message=examined.refusal)
    try:
        return save_import(
            workspace=workspace,
            user=user,
            original=examined.original,
            extraction=examined.extraction,
            metadata=Metadata.proposed(proposed_in(workspace, examined.extraction), **overrides),
            origin=Origin(CaptureMethod.FILE, filename=examined.filename),
            allow_duplicate=allow_duplicate,
        )
    except ValidationError as error:
        return ImportResult(ImportStatus.FAILED, examined.filename, message=" ".join(error.messages))


def capture_source(
    *,
    workspace: Workspace,
    user,
    url: str,
    reason: str = "",
    allow_duplicate: bool = False,
    derivation: str = "",
    derived_from: Source | None = None,
    unarchived_original: UnarchivedOriginal | None = None,
) -> ImportResult:
    """Capture the page at `url` and archive it with its proposed metadata, as the
    import page's URL capture (a background job) and `manage.py capture` do;
    `allow_duplicate` archives it even if its text is already archived (a
    republication of it, say). It derives, as its `derivation`, from `derived_from`,
    an archived source, or `unarchived_original`, an original that is not archived, if given.

    Safe to run twice: the second run finds the first one's source and reports
    it as the duplicate (with `allow_duplicate`, the caller must tell). Raises
    ImportRefused (Unreachable when a later try may succeed) and ValidationError
    as save_import does.
    """
    web = capture_url(url, workspace=workspace, by=user)
    origin = Origin(CaptureMethod.URL, web=web)
    extraction = examine(origin, web.body)
    return save_import(
        workspace=workspace,
        user=user,
        original=web.body,
        extraction=extraction,
        metadata=Metadata.proposed(
            proposed_in(workspace, extraction),
            derivation=derivation,
            derived_from=derived_from,
            unarchived_original=unarchived_original,
        ),
        origin=origin,
        allow_duplicate=allow_duplicate,
        reason=reason,
    )


def _remove_unreferenced(names: list[str]) -> None:
    """Delete files this import stored, unless a concurrent import now refers to them."""
    for name in names:
        if not (
            Source.objects.filter(original=name).exists()
            or Capture.objects.filter(warc=name).exists()
            or SourceVersion.objects.filter(Q(original=name) | Q(warc=name)).exists()
        ):
            default_storage.delete(name)


def _default_reason(origin: Origin) -> str:
    if origin.web:
        return f"captured from {origin.web.requested_url}"
    return f"imported from file {origin.filename}" if origin.filename else "imported pasted text"


def _outlet_name(name: str) -> str:
    """A given outlet name as it is looked up and stored: spaces collapsed, cut to the field's length."""
    return " ".join(name.split())[: Outlet._meta.get_field("name").max_length]


def outlet_named(workspace: Workspace, name: str) -> Outlet | None:
    """The workspace's outlet a given name stands for: the same name, spaces and capitals aside
    (as outlet names are unique, archive.models.outlet)."""
    name = _outlet_name(name)
    return Outlet.objects.filter(workspace=workspace, name__iexact=name).first() if name else None


def outlet_found_message(outlet: Outlet, *, given: str) -> str:
    """Says that a source was attached to an existing outlet found by the name given, with its grade."""
    found = f"the existing outlet “{isolated(outlet.name)}” ({outlet.get_reliability_display()})"
    given = _outlet_name(given)
    if given == outlet.name:
        return f"Attached to {found}."
    return f"Attached to {found}, which the name “{isolated(given)}” matched."


def _outlet_of(workspace: Workspace, user, metadata: Metadata, reason: str) -> tuple[Outlet | None, str]:
    """The source's outlet: the one chosen, else the workspace's of the name given (with a
    sentence saying so), else a new one of that name; or none."""
    if metadata.outlet is not None or not metadata.outlet_name.strip():
        return metadata.outlet, ""
    existing = outlet_named(workspace, metadata.outlet_name)
    if existing is not None:
        return existing, outlet_found_message(existing, given=metadata.outlet_name)
    return _new_outlet(workspace, user, metadata.outlet_name, reason), ""


def _new_outlet(workspace: Workspace, user, name: str, reason: str) -> Outlet:
    """A new outlet of that name, ungraded (F)."""
    outlet = Outlet(workspace=workspace, name=_outlet_name(name))
    outlet.full_clean()
    with recorded_as(user=user, reason=reason):
        outlet.save()
    return outlet


def _save_capture(source: Source, user, extraction: Extraction, origin: Origin, reason: str) -> Capture:
    capture = Capture(
        source=source,
        workspace=source.workspace,
        method=origin.method,
        filename=origin.filename[:255],
        extraction=extraction.recorded_method[:200],
    )
    if origin.web:
        web = origin.web
        capture.warc, capture.warc_sha256 = store_original(web.warc)
        capture.requested_url = web.requested_url
        capture.final_url = web.final_url
        capture.redirects = [list(hop) for hop in web.redirects]
        capture.http_status = web.status
        capture.http_headers = [list(header) for header in web.headers]
        capture.fetched_at = web.fetched_at
    # The database enforces the one check constraint; validating it too would cost a query per import.
    capture.full_clean(validate_constraints=False)
    with recorded_as(user=user, reason=reason):
        capture.save()
    return capture
