"""Correcting a source's text, and finding every passage of it again.

A correction is recorded as a new version of the source (same original, the
corrected text), so every version's text is one its passages' anchors point into.
"""

from django.dispatch import Signal

from archive.core.editing import required_reason, update_object
from archive.core.text import normalize_text
from archive.core.unit_of_work import unit_of_work
from archive.models import Source, VersionOrigin
from archive.passages.carrying import ReanchorReport, carry_passages
from archive.sources.text_rules import check_text
from archive.sources.versions import latest_version, record_version

__all__ = [
    "TEXT_REASON_REQUIRED",
    "ReanchorReport",
    "correct_source_text",
    "revert_source_text",
    "said_corrected",
]

TEXT_REASON_REQUIRED = "Say why the text changes: the reason is kept in the history."

# Sent with the new version's anchors (each linked to the one it was carried from)
# inside the correction's transaction, so that those citing its words hear of it
# (archive.monitoring.alerts). Connected in ArchiveConfig.ready.
text_corrected = Signal()


@unit_of_work()
def correct_source_text(
    *, source: Source, user, new_text: str, reason: str, expected_version: int | None = None
) -> ReanchorReport:
    """Replace the source's text and re-anchor every passage of it, in one transaction.

    The source is refused with StaleVersion if it is no longer at
    `expected_version`. Each passage whose selector or status changes gets a
    history row by `user`, giving `reason`; prefix and suffix are taken
    afresh from the new text. See archive.passages.reanchoring for how passages are
    found again, and archive.passages.carrying for what each version keeps.
    """
    # On every path (the page, a job, a command): the text is what every passage quotes.
    reason = required_reason(reason, TEXT_REASON_REQUIRED)
    return _replace_text(
        source=source, user=user, new_text=new_text, reason=reason, expected_version=expected_version
    )


def said_corrected(report: ReanchorReport) -> str:
    """What a correction says it did: the text's version now, numbered as the versions page
    numbers them (not the record's edit count, which a change of title moves too), and
    how the passages fared."""
    version = latest_version(report.source)
    number = f" (now version {version.number} of its text)" if version is not None else ""
    return f"Text corrected{number}. {report.describe()}"


@unit_of_work()
def revert_source_text(*, source: Source, user, text: str, reason: str) -> ReanchorReport:
    """Give the source back a text it had before, as correct_source_text does, but
    for the passages of an earlier version with this very text: each goes back to
    where it was in the newest such version, with the status it had there (one
    still to confirm stays so, one an analyst confirmed stays confirmed).
    Passages that version has no anchor for, and every passage when no
    version has this text, are re-anchored as by a correction.
    """
    return _replace_text(
        source=source, user=user, new_text=text, reason=reason, expected_version=None, restore=True
    )


def _replace_text(
    *,
    source: Source,
    user,
    new_text: str,
    reason: str,
    expected_version: int | None,
    restore: bool = False,
) -> ReanchorReport:
    new_text = normalize_text(new_text)
    check_text(text=new_text)  # what every source's text must be, corrected ones too
    old_text = Source.objects.select_for_update().values_list("text", flat=True).get(pk=source.pk)
    # Looked up before the new version is recorded: it has this text too, and no anchors yet.
    earlier = source.versions.filter(text=new_text).order_by("-number").first() if restore else None
    source = update_object(
        source,
        user=user,
        expected_version=expected_version,
        changes={"text": new_text},
        editable={"text"},
        reason=reason,
    )
    previous = latest_version(source)
    version = record_version(
        source=source,
        user=user,
        origin=VersionOrigin.CORRECTION,
        text=new_text,
        url=previous.url if previous else source.original_url,
        reason=f"text corrected: {reason}",
    )
    report = carry_passages(
        source=source,
        old_text=old_text,
        previous=previous,
        version=version,
        user=user,
        reason=f"re-anchored after text correction: {reason}",
        same_text_as=earlier,
    )
    text_corrected.send(sender=Source, version=version, anchors=report.anchors, user=user)
    return report
