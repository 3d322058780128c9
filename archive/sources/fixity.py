"""Fixity: are the stored originals, WARC records and texts still what was archived?

Each stored file is re-hashed (streamed, so memory stays flat) and compared
with the SHA-256 recorded when it was archived; so is each source's text.
Every verification is kept as a FixityCheck, so the provenance page can show
the last one.
"""

import hashlib
from collections.abc import Iterator

from django.core.files.storage import default_storage
from django.db import transaction

from archive.core.attribution import recorded_as
from archive.core.text import sha256_hex
from archive.models import Capture, FixityCheck, FixityStatus, Source, Workspace
from archive.sources.storage import original_name

_CHUNK = 1024 * 1024
_BATCH = 200
REASON = "fixity verification"


def file_sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _file_problems(label: str, name: str, expected: str) -> tuple[list[str], bool]:
    """Problems with one stored file, and whether it is missing."""
    if not default_storage.exists(name):
        return [f"{label} {name} is missing."], True
    problems = []
    if name != original_name(expected):
        problems.append(f"{label} is stored as {name}, not under its recorded SHA-256 {expected}.")
    actual = file_sha256(name)
    if actual != expected:
        problems.append(f"{label} {name} has SHA-256 {actual}, expected {expected}.")
    return problems, False


@transaction.atomic
def verify_source(source: Source) -> FixityCheck:
    """Re-hash the source's original, WARC record and text, and those of each of its
    versions (shared files once); record the outcome."""
    problems, missing = [], False
    files: list[tuple[str, str, str]] = []
    if source.original.name:
        files.append(("original", source.original.name, source.original_sha256))
    capture = Capture.objects.filter(source=source).exclude(warc="").first()
    if capture is not None and capture.warc.name:
        files.append(("WARC record", capture.warc.name, capture.warc_sha256))
    texts = [("text", source.text, source.text_sha256)]
    for version in source.versions.order_by("number"):
        label = f"version {version.number}"
        if version.original.name:
            files.append((f"{label} original", version.original.name, version.original_sha256))
        if version.warc.name:
            files.append((f"{label} WARC record", version.warc.name, version.warc_sha256))
        texts.append((f"{label} text", version.text, version.text_sha256))
    checked = set()
    for label, name, expected in files:
        if (name, expected) in checked:
            continue
        checked.add((name, expected))
        found, gone = _file_problems(label, name, expected)
        problems += found
        missing = missing or gone
    for label, text, expected in texts:
        if sha256_hex(text) != expected:
            problems.append(f"{label} has SHA-256 {sha256_hex(text)}, expected {expected}.")
    status = FixityStatus.MISSING if missing else FixityStatus.MISMATCH if problems else FixityStatus.OK
    check = FixityCheck(source=source, status=status, problems=problems)
    with recorded_as(user=None, reason=REASON):
        check.save()
    return check


def verify_all(workspace: Workspace | None = None) -> Iterator[FixityCheck]:
    """Verify every source (of one workspace, if given), one at a time."""
    sources = Source.objects.order_by("pk")
    if workspace is not None:
        sources = sources.filter(workspace=workspace)
    # Batches by primary key: no cursor stays open while checks are written.
    pks = list(sources.values_list("pk", flat=True))
    for start in range(0, len(pks), _BATCH):
        for source in sources.filter(pk__in=pks[start : start + _BATCH]):
            yield verify_source(source)
