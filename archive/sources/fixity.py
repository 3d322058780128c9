"""Fixity: are the stored originals, WARC records and texts still what was archived?

Each stored file is re-hashed (streamed, so memory stays flat) and compared
with the SHA-256 recorded when it was archived; so is each source's text.
Every verification is kept as a FixityCheck, so the provenance page can show
the last one; archive.monitoring.fixity runs them and alerts the workspace's
admins. A download or an evidence package checks the file it hands out the same
way first (`intact_sha256`), and refuses one that is not what was archived.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction

from archive.core.attribution import recorded_as
from archive.core.text import sha256_hex
from archive.models import Capture, FixityCheck, FixityStatus, Source, Workspace
from archive.sources.storage import original_name

_CHUNK = 1024 * 1024
_BATCH = 200
REASON = "fixity verification"
DAMAGED = (
    "The stored file does not match the SHA-256 recorded at capture; it may be damaged. "
    "An admin can run verify_fixity."
)


class DamagedFile(Exception):
    """A stored file is not the one whose SHA-256 was recorded when it was archived."""


def file_sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def intact_sha256(name: str, expected: str) -> bytes:
    """The SHA-256 of stored file `name` (streamed), which must be the `expected` one
    (hex) recorded when it was archived: DamagedFile if it is not."""
    actual = file_sha256(name)
    if actual != expected:
        raise DamagedFile(DAMAGED)
    return bytes.fromhex(actual)


@dataclass(frozen=True)
class Failure:
    """A stored file or text that is not what was archived: missing, or with another SHA-256."""

    kind: str  # "original", "WARC record" or "text"
    version: int | None  # the number of the version it is part of; None: the source's own record
    name: str  # the stored file's name; empty for a text
    expected: str  # the SHA-256 recorded when it was archived
    actual: str | None  # the SHA-256 it has now; None: the file is missing

    @property
    def label(self) -> str:
        return self.kind if self.version is None else f"version {self.version} {self.kind}"

    @property
    def problem(self) -> str:
        """The problem as the check records it."""
        if self.actual is None:
            return f"{self.label} {self.name} is missing."
        stored = f" {self.name}" if self.name else ""
        return f"{self.label}{stored} has SHA-256 {self.actual}, expected {self.expected}."


@dataclass(frozen=True)
class Verification:
    check: FixityCheck
    failures: list[Failure]  # its problems that are a missing file or another SHA-256


def _file_problems(
    kind: str, version: int | None, name: str, expected: str
) -> tuple[list[str], list[Failure]]:
    """Problems with one stored file, and the failure among them, if any."""
    if not default_storage.exists(name):
        missing = Failure(kind, version, name, expected, None)
        return [missing.problem], [missing]
    problems, failures = [], []
    if name != original_name(expected):
        label = Failure(kind, version, name, expected, expected).label
        problems.append(f"{label} is stored as {name}, not under its recorded SHA-256 {expected}.")
    actual = file_sha256(name)
    if actual != expected:
        failures.append(Failure(kind, version, name, expected, actual))
        problems.append(failures[-1].problem)
    return problems, failures


@transaction.atomic
def verify_source(source: Source) -> Verification:
    """Re-hash the source's original, WARC record and text, and those of each of its
    versions (shared files once); record the outcome."""
    problems: list[str] = []
    failures: list[Failure] = []
    files: list[tuple[str, int | None, str, str]] = []
    texts: list[tuple[int | None, str, str]] = [(None, source.text, source.text_sha256)]
    for version in source.versions.order_by("number"):
        if version.original.name:
            files.append(("original", version.number, version.original.name, version.original_sha256))
        if version.warc.name:
            files.append(("WARC record", version.number, version.warc.name, version.warc_sha256))
        texts.append((version.number, version.text, version.text_sha256))
    # After the versions: a file the source shares with one is named by the first version holding it.
    if source.original.name:
        files.append(("original", None, source.original.name, source.original_sha256))
    capture = Capture.objects.filter(source=source).exclude(warc="").first()
    if capture is not None and capture.warc.name:
        files.append(("WARC record", None, capture.warc.name, capture.warc_sha256))
    checked = set()
    for kind, number, name, expected in files:
        if (name, expected) in checked:
            continue
        checked.add((name, expected))
        found, failed = _file_problems(kind, number, name, expected)
        problems += found
        failures += failed
    for number, text, expected in texts:
        if sha256_hex(text) != expected:
            failures.append(Failure("text", number, "", expected, sha256_hex(text)))
            problems.append(failures[-1].problem)
    missing = any(failure.actual is None for failure in failures)
    status = FixityStatus.MISSING if missing else FixityStatus.MISMATCH if problems else FixityStatus.OK
    check = FixityCheck(source=source, status=status, problems=problems)
    with recorded_as(user=None, reason=REASON):
        check.save()
    return Verification(check, failures)


def sources_to_verify(workspace: Workspace | None = None) -> Iterator[Source]:
    """Every source (of one workspace, if given), read a batch at a time."""
    sources = Source.objects.order_by("pk")
    if workspace is not None:
        sources = sources.filter(workspace=workspace)
    # Batches by primary key: no cursor stays open while checks are written.
    pks = list(sources.values_list("pk", flat=True))
    for start in range(0, len(pks), _BATCH):
        yield from sources.filter(pk__in=pks[start : start + _BATCH])
