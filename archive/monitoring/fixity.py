"""Fixity checks as the scheduled job and `manage.py verify_fixity` run them: each
source verified (archive.sources.fixity) and, for each stored file or text it finds
missing or changed, an alert to each of the workspace's admins. A failure the
source's previous check already found is not alerted again: a damaged file stays
damaged until someone restores it, and a daily check would say so every day."""

from collections.abc import Iterator
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, default_storage

from archive.alerts import members_who_may, record
from archive.core.unit_of_work import unit_of_work
from archive.models import Alert, AlertKind, FixityCheck, Source, Workspace
from archive.permissions import Action
from archive.sources.fixity import Failure, sources_to_verify, verify_source


def verify_all(workspace: Workspace | None = None) -> Iterator[FixityCheck]:
    """Verify every source (of one workspace, if given), one at a time, alerting new failures.

    StorageMissing, before anything is checked, when the files' folder is not there at all.
    """
    check_storage()
    for source in sources_to_verify(workspace):
        yield verify_and_alert(source=source)


class StorageMissing(ValidationError):
    """The stored files' folder is not there: nothing can be verified."""


def check_storage() -> None:
    """StorageMissing if the folder of stored files (MEDIA_ROOT) is not there while files were
    stored: a volume not mounted or a mistyped setting would otherwise read as every file of
    the archive lost, recorded so for good, and each admin alerted to each one."""
    location = getattr(default_storage, "location", None)
    if not isinstance(default_storage, FileSystemStorage) or location is None or Path(location).is_dir():
        return
    if Source.objects.exclude(original="").exists():
        raise StorageMissing(
            f"The folder of stored files, MEDIA_ROOT {location}, is not there: is its volume "
            "mounted, and the setting right? Nothing was checked."
        )


@unit_of_work()
def verify_and_alert(*, source: Source) -> FixityCheck:
    """Verify `source` and alert its workspace's admins to each failure its last check did not find."""
    previous = FixityCheck.objects.filter(source=source).order_by("-created_at", "-id").first()
    known = set(previous.problems) if previous is not None else set()
    verification = verify_source(source)
    new = [failure for failure in verification.failures if failure.problem not in known]
    if new:
        _alert(source, new)
    return verification.check


def _alert(source: Source, failures: list[Failure]) -> None:
    # Those who manage the workspace's sources: they can restore a file from a backup.
    admins = members_who_may(Action.MANAGE, workspace_id=source.workspace_id)
    alerts = [
        Alert(
            workspace_id=source.workspace_id,
            recipient_id=member.user_id,
            kind=AlertKind.FIXITY_FAILED,
            source=source,
            message=_message(source, failure),
        )
        for failure in failures
        for member in admins
    ]
    record(alerts, user=None, reason=f"fixity check of source {source.pk}: damaged or missing")


def _message(source: Source, failure: Failure) -> str:
    version = "" if failure.version is None else f", version {failure.version}"
    stored = f", stored as {failure.name}," if failure.name else ""
    what = f"The {failure.kind} of “{source}” (source {source.pk}{version}){stored}"
    if failure.actual is None:
        return f"{what} is missing; its SHA-256 was {failure.expected} when it was archived."
    return f"{what} has SHA-256 {failure.actual}, not {failure.expected} as when it was archived."
