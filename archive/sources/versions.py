"""A source's versions: each capture kept immutable, numbered in order.

Version 1 is recorded when a source is archived (archive.sources.writes);
later ones when a recapture finds different bytes or an admin corrects the
text (archive.monitoring.recapture, archive.passages.correction). The source row
always holds the newest version's text, which is what passages point into;
archive.passages.carrying keeps where each passage was in every version.

`fetch_page` is the network half of a recapture: the same capture as an
import's (archive.sources.importing.capture: same address rules, size and time
limits), examined the same way, and judged: an error status, a redirect to
another site or a page whose text shrank to a fraction (a paywall, a login or
an error page served with 200) is a failure with its reason, not a version. A
site that cannot be reached or answers with a server error is a transient
failure, worth trying again later.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from archive.alignment import refresh_later
from archive.core.attribution import recorded_as
from archive.core.text import normalize_text, sha256_hex
from archive.core.unit_of_work import unit_of_work
from archive.models import Capture, CaptureMethod, Source, SourceVersion, VersionOrigin, Workspace
from archive.sources.importing import ImportRefused, Unreachable
from archive.sources.importing.capture import WebCapture, capture_url
from archive.sources.importing.extract import extract, recorded_encoding
from archive.sources.originals import with_charset
from archive.sources.storage import store_original

# A recaptured text shorter than this share of the previous one is taken for a
# paywall, login or error page rather than the article.
SHRUNK_SHARE = 0.25
NOT_CAPTURED = "This source was not captured from the web: there is no address to capture again."


@unit_of_work()
def record_version(
    *,
    source: Source,
    user,
    origin: VersionOrigin,
    text: str,
    original: bytes | None = None,
    media_type: str = "",
    warc: bytes | None = None,
    url: str = "",
    captured_at: datetime.datetime | None = None,
    schedule_label: str = "",
    reason: str = "",
) -> SourceVersion:
    """Record the next version of `source`, immutable from then on.

    Without `original` the version keeps the source's stored original (a text
    correction changes the text, not the bytes). The source row is locked, so
    two recaptures at once number their versions one after the other. A later
    version changes the text, so the alignments the source takes part in are
    recomputed once it commits: here, so that no caller can forget it.
    """
    Source.objects.select_for_update().filter(pk=source.pk).exists()
    number = (source.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    if original is None:
        original_name, original_sha256 = source.original.name or "", source.original_sha256
    else:
        original_name, original_sha256 = store_original(original)
    warc_name, warc_sha256 = store_original(warc) if warc is not None else ("", "")
    text = normalize_text(text)
    version = SourceVersion(
        source=source,
        workspace_id=source.workspace_id,
        number=number,
        origin=origin,
        original=original_name,
        original_sha256=original_sha256,
        media_type=media_type or source.media_type,
        warc=warc_name,
        warc_sha256=warc_sha256,
        url=url,
        text=text,
        text_sha256=sha256_hex(text),
        captured_at=captured_at or timezone.now(),
        captured_by=user,
        schedule_label=schedule_label[:200],
    )
    version.full_clean(validate_constraints=False)  # the database enforces the unique number
    with recorded_as(user=user, reason=reason or f"version {number}: {version.get_origin_display()}"):
        version.save()
    if number > 1:
        refresh_later(source_id=source.pk)
    return version


def latest_version(source: Source) -> SourceVersion | None:
    return source.versions.order_by("-number").first()


def version_at(source: Source, when: datetime.datetime) -> SourceVersion | None:
    """The version that was the newest at `when` (None before the first was recorded)."""
    return source.versions.filter(created_at__lte=when).order_by("-number").first()


def _capturing(source: Source | OuterRef, original_sha256: str | OuterRef) -> QuerySet[SourceVersion]:
    """The versions that captured these bytes of the source (a text correction keeps the bytes:
    it did not)."""
    return SourceVersion.objects.filter(source=source, original_sha256=original_sha256).exclude(
        origin=VersionOrigin.CORRECTION
    )


def with_original_captured_at(sources: QuerySet[Source]) -> QuerySet[Source]:
    """`sources`, each with `original_captured_at`: when the bytes its `original_sha256` names were
    captured, by the newest version that captured them; `captured_at`, the first capture, until a
    recapture brings other bytes."""
    newest = _capturing(OuterRef("pk"), OuterRef("original_sha256")).order_by("-number")
    return sources.annotate(
        original_captured_at=Coalesce(Subquery(newest.values("captured_at")[:1]), F("captured_at"))
    )


def original_captured_at(source: Source) -> datetime.datetime:
    """When `source`'s current original was captured (with_original_captured_at)."""
    newest = _capturing(source, source.original_sha256).order_by("-number").first()
    return newest.captured_at if newest is not None else source.captured_at


class Arrival(models.TextChoices):
    """How a version came into the archive, as recorded: its origin, and for version 1 the
    source's Capture row (none for a text sent through the API or archived by code)."""

    TYPED = "typed", "entered as text"
    PASTED = "pasted", "pasted as text"
    FILE = "file", "imported from a file"
    CAPTURED = "captured", "captured from the web"
    CORRECTED = "corrected", "text corrected"


@dataclass(frozen=True)
class CameIn:
    """How one version came in. Only a capture was fetched: `fetched_url` is the address it
    got its bytes from (after redirects), empty otherwise; a source's `original_url` is what
    someone stated, which a typed text or a file does not prove and an edit may change."""

    arrival: Arrival
    fetched_url: str = ""
    requested_url: str = ""
    """What the capture asked for, when redirects led elsewhere."""
    filename: str = ""
    claimed_url: str = ""
    """The address the source says it comes from, for a version that was not fetched."""
    first_fetch: bool = False
    """The first version fetched, after versions that were not (its changes are from those)."""


@dataclass(frozen=True)
class VersionEntry:
    version: SourceVersion
    came_in: CameIn


def arrival_of(*, origin: str | None, url: str, capture: Capture | None, claimed_url: str) -> CameIn:
    """How a version of `origin` (None: no version recorded, the source as archived) and
    recorded `url` came in, given its source's Capture row and stated address."""
    if origin == VersionOrigin.CORRECTION:
        return CameIn(Arrival.CORRECTED)
    if origin == VersionOrigin.RECAPTURE:
        return CameIn(Arrival.CAPTURED, fetched_url=url)
    # Version 1: how the source entered the archive (a version's own url is not evidence of
    # a fetch there, as once the stated address was copied into it).
    if capture is None:
        return CameIn(Arrival.TYPED, claimed_url=claimed_url)
    if capture.method == CaptureMethod.URL:
        requested = capture.requested_url if capture.requested_url != capture.final_url else ""
        return CameIn(Arrival.CAPTURED, fetched_url=capture.final_url, requested_url=requested)
    if capture.method == CaptureMethod.FILE:
        return CameIn(Arrival.FILE, filename=capture.filename, claimed_url=claimed_url)
    return CameIn(Arrival.PASTED, claimed_url=claimed_url)


def version_entries(source: Source, versions: Iterable[SourceVersion]) -> list[VersionEntry]:
    """Each of `versions` of `source` (all of them, in either order) with how it came in."""
    listed = list(versions)
    capture = getattr(source, "capture", None)
    came_in: dict[int, CameIn] = {}
    fetched_before = False
    for version in sorted(listed, key=lambda version: version.number):
        came = arrival_of(
            origin=version.origin, url=version.url, capture=capture, claimed_url=source.original_url
        )
        if came.fetched_url and not fetched_before and version.number > 1:
            came = CameIn(came.arrival, fetched_url=came.fetched_url, first_fetch=True)
        fetched_before = fetched_before or bool(came.fetched_url)
        came_in[version.number] = came
    return [VersionEntry(version, came_in[version.number]) for version in listed]


def with_newest_arrival(sources: QuerySet[Source]) -> QuerySet[Source]:
    """`sources` with what current_came_in() reads: their Capture row and their newest
    version's origin and address, in the same query."""
    newest = SourceVersion.objects.filter(source=OuterRef("pk")).order_by("-number")
    return sources.select_related("capture").annotate(
        newest_origin=Subquery(newest.values("origin")[:1]), newest_url=Subquery(newest.values("url")[:1])
    )


def first_came_in(source: Source) -> CameIn:
    """How `source` entered the archive: its version 1, by its Capture row."""
    return arrival_of(
        origin=None, url="", capture=getattr(source, "capture", None), claimed_url=source.original_url
    )


def current_came_in(source: Source) -> CameIn:
    """How the newest version of a source from with_newest_arrival() came in (the source as
    archived, for one whose versions predate their recording)."""
    return arrival_of(
        origin=getattr(source, "newest_origin", None),
        url=getattr(source, "newest_url", None) or "",
        capture=getattr(source, "capture", None),
        claimed_url=source.original_url,
    )


def fetched_addresses(entries: Iterable[VersionEntry]) -> list[str]:
    """The addresses the source's captures fetched, each once, oldest first."""
    ordered = sorted(entries, key=lambda entry: entry.version.number)
    return list(dict.fromkeys(entry.came_in.fetched_url for entry in ordered if entry.came_in.fetched_url))


def address_of(source: Source) -> str:
    """The URL a recapture fetches: the one the source was captured from."""
    capture = getattr(source, "capture", None)
    url = (capture.requested_url if capture is not None else "") or source.original_url
    if not url:
        raise ValidationError(NOT_CAPTURED)
    return url


@dataclass(frozen=True)
class Fetched:
    """A page fetched again: the exchange and its text, or why it cannot be a version."""

    url: str
    web: WebCapture | None = None
    text: str = ""
    media_type: str = ""
    failure: str = ""
    transient: bool = False
    """The failure was the network's or the server's (unreachable, timed out, 5xx): try again later."""

    @property
    def original_sha256(self) -> str:
        return sha256_hex(self.web.body) if self.web else ""


def fetch_page(
    *, url: str, previous_text: str, workspace: Workspace | None = None, by: User | None = None
) -> Fetched:
    """Capture `url` (for `workspace`, by `by`: see capture_url) and extract its text; a failure
    says why (never raises for the page's faults)."""
    try:
        web = capture_url(url, workspace=workspace, by=by)
    except ImportRefused as refusal:
        return Fetched(url, failure=refusal.message, transient=isinstance(refusal, Unreachable))
    wanted, landed = _site(url), _site(web.final_url)
    if wanted != landed:
        return Fetched(url, web, failure=f"{url} now redirects to another site ({web.final_url}).")
    filename = PurePosixPath(urlsplit(web.final_url).path).name
    try:
        extraction = extract(web.body, filename=filename, declared_charset=web.charset, name_is_claim=False)
    except ImportRefused as refusal:
        return Fetched(url, web, failure=refusal.message)
    text = extraction.text
    now, before = len(text.strip()), len(previous_text.strip())
    if now < SHRUNK_SHARE * before:
        return Fetched(
            url,
            web,
            failure=(
                f"The page's text shrank to {now:,} characters from {before:,}: "
                "a paywall, login or error page rather than the article."
            ),
        )
    # The charset its bytes were decoded from, kept with the version: its original is served
    # with it (archive.sources.originals), as the first capture's is from its extraction.
    media_type = with_charset(extraction.media_type, recorded_encoding(extraction.method))
    return Fetched(url, web, text=text, media_type=media_type)


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
