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
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone

from archive.alignment import refresh_later
from archive.core.attribution import recorded_as
from archive.core.text import normalize_text, sha256_hex
from archive.core.unit_of_work import unit_of_work
from archive.models import Source, SourceVersion, VersionOrigin
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


def fetch_page(*, url: str, previous_text: str) -> Fetched:
    """Capture `url` and extract its text; a failure says why (never raises for the page's faults)."""
    try:
        web = capture_url(url)
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
