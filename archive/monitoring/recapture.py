"""Recapturing a web source: fetch its URL again and record what came of it.

Identical bytes: the check is recorded as unchanged, nothing else. Different
bytes: a new version, the source's text and original follow it, every passage
is carried to it (archive.passages.carrying), and the members are alerted for
each piece of evidence whose cited text changed or vanished. A failure (an
error status, a redirect to another site, a page that lost most of its text)
is recorded with its reason and alerted; one of the network or the server
(unreachable, timed out, 5xx) is recorded and marked transient, for a job to
retry with back-off, without an alert until its last attempt. Every check is
in history and the ledger, so "checked, unchanged" shows in the activity feed
too.

The page is fetched before the transaction starts: a slow site holds no lock.
Running it twice is safe: the second run finds the bytes unchanged.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import User

from archive.core.attribution import recorded_as
from archive.core.editing import update_object
from archive.core.unit_of_work import unit_of_work
from archive.models import Alert, CheckOutcome, RecaptureCheck, Source, SourceVersion, VersionOrigin
from archive.monitoring.alerts import evidence_alerts, failure_alerts
from archive.passages.carrying import ReanchorReport, carry_passages
from archive.sources.versions import Fetched, address_of, fetch_page, latest_version, record_version


@dataclass(frozen=True)
class RecaptureOutcome:
    outcome: CheckOutcome
    check: RecaptureCheck
    version: SourceVersion | None
    """The new version, or the newest one, found unchanged; None on failure."""
    reason: str = ""
    """Why it failed."""
    report: ReanchorReport | None = None
    """How the passages were carried to a new version."""
    alerts: list[Alert] = field(default_factory=list)
    transient: bool = False
    """A failure of the network or the server (unreachable, timed out, 5xx): worth
    retrying later; recorded as a failed check, alerted only on the last attempt."""

    def describe(self) -> str:
        if self.outcome == CheckOutcome.FAILED:
            return f"failed: {self.reason}"
        if self.outcome == CheckOutcome.UNCHANGED:
            return "unchanged"
        return f"new version {self.version.number if self.version else '?'}"


def recapture(
    *, source_id: int, by: User | None = None, schedule_label: str = "", last_attempt: bool = False
) -> RecaptureOutcome:
    """Fetch source `source_id`'s URL again and record the outcome.

    `last_attempt`: nothing will try again, so a transient failure is alerted too.

    Source.DoesNotExist for an unknown id; ValidationError for a source that
    was not captured from the web.
    """
    source = Source.objects.select_related("capture", "workspace").get(pk=source_id)
    url = address_of(source)
    fetched = fetch_page(url=url, previous_text=source.text, workspace=source.workspace, by=by)
    return _record(
        source_id=source_id, fetched=fetched, by=by, schedule_label=schedule_label, last_attempt=last_attempt
    )


@unit_of_work()
def _record(
    *, source_id: int, fetched: Fetched, by: User | None, schedule_label: str, last_attempt: bool = False
) -> RecaptureOutcome:
    source = Source.objects.select_for_update().get(pk=source_id)
    previous = latest_version(source) or record_version(
        source=source,
        user=source.captured_by,
        origin=VersionOrigin.IMPORT,
        text=source.text,
        url=source.original_url,
        captured_at=source.captured_at,
        reason="version 1: the source as archived before its first recapture",
    )
    check = RecaptureCheck(
        source=source,
        workspace_id=source.workspace_id,
        url=fetched.url,
        original_sha256=fetched.original_sha256,
        checked_by=by,
        schedule_label=schedule_label[:200],
    )
    if fetched.failure or fetched.web is None:
        check.outcome, check.reason = CheckOutcome.FAILED, fetched.failure
        _save(check, by)
        # A site down for a moment is retried, not alerted; one that says the page is gone,
        # or is still down when no retry is left, is.
        alerts = [] if fetched.transient and not last_attempt else failure_alerts(check=check, user=by)
        return RecaptureOutcome(
            CheckOutcome.FAILED, check, None, fetched.failure, alerts=alerts, transient=fetched.transient
        )
    if fetched.original_sha256 == previous.original_sha256:
        check.outcome, check.source_version = CheckOutcome.UNCHANGED, previous
        _save(check, by)
        return RecaptureOutcome(CheckOutcome.UNCHANGED, check, previous)

    reason = f"recaptured from {fetched.url}" + (f" ({schedule_label})" if schedule_label else "")
    old_text = source.text
    version = record_version(
        source=source,
        user=by,
        origin=VersionOrigin.RECAPTURE,
        text=fetched.text,
        original=fetched.web.body,
        media_type=fetched.media_type,
        warc=fetched.web.warc,
        url=fetched.web.final_url,
        captured_at=fetched.web.fetched_at,
        schedule_label=schedule_label,
        reason=reason,
    )
    source = update_object(
        source,
        user=by,
        expected_version=None,
        changes={
            "text": version.text,
            "original": version.original.name,
            "original_sha256": version.original_sha256,
            "media_type": version.media_type,
        },
        editable={"text", "original", "original_sha256", "media_type"},
        reason=f"{reason}: now {version}",
    )
    report = carry_passages(
        source=source,
        old_text=old_text,
        previous=previous,
        version=version,
        user=by,
        reason=f"re-anchored in {version}, {reason}",
    )
    check.outcome, check.source_version = CheckOutcome.NEW_VERSION, version
    _save(check, by)
    alerts = evidence_alerts(check=check, anchors=report.anchors, user=by)
    return RecaptureOutcome(CheckOutcome.NEW_VERSION, check, version, report=report, alerts=alerts)


def _save(check: RecaptureCheck, user: User | None) -> None:
    check.full_clean()
    with recorded_as(user=user, reason=f"recapture: {check.get_outcome_display()}"):
        check.save()
