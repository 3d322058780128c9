"""Uploads waiting for their metadata to be confirmed.

Importing in the browser takes two requests: the upload, which proposes
metadata, and the confirmation. Between them the bytes wait here, named by
their SHA-256 outside the originals, so an abandoned upload never becomes an
archived original; the form carries a signed token naming them, bound to one
user in one workspace. (A web capture skips this step: a background job
captures and saves it, archive.jobs.)
Whatever is older than MAX_AGE is deleted whenever something new is staged,
so abandoned uploads do not pile up.
"""

import datetime
import re
from dataclasses import dataclass
from typing import TypedDict

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from archive.core.text import sha256_hex
from archive.models import CaptureMethod
from archive.sources.importing import ImportRefused
from archive.sources.importing.pipeline import Origin

STAGING_DIR = "staging"
MAX_AGE = datetime.timedelta(hours=24)
_DIGEST = re.compile(r"\A[0-9a-f]{64}\Z")


def _name(digest: str) -> str:
    if not _DIGEST.match(digest):
        raise ImportRefused("The upload reference is not valid.")
    return f"{STAGING_DIR}/{digest}"


def stage(data: bytes) -> str:
    """Keep `data` until confirmed or stale; return its SHA-256."""
    prune()
    digest = sha256_hex(data)
    name = _name(digest)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # the same bytes were staged meanwhile
            default_storage.delete(saved)
    return digest


def staged(digest: str) -> bytes:
    """The staged bytes, checked against their hash."""
    name = _name(digest)
    if not default_storage.exists(name):
        raise ImportRefused("This upload has expired or was already imported; please upload it again.")
    with default_storage.open(name, "rb") as file:
        data = file.read()
    if sha256_hex(data) != digest:
        raise ImportRefused("The staged upload is damaged; please upload it again.")
    return data


def is_staged(digest: str) -> bool:
    """Whether the upload named by `digest` is still kept (not yet pruned or discarded)."""
    return default_storage.exists(_name(digest))


def discard(digest: str) -> None:
    default_storage.delete(_name(digest))


def prune(now: datetime.datetime | None = None) -> None:
    """Delete staged uploads older than MAX_AGE."""
    if not default_storage.exists(STAGING_DIR):
        return
    cutoff = (now or timezone.now()) - MAX_AGE
    for filename in default_storage.listdir(STAGING_DIR)[1]:
        name = f"{STAGING_DIR}/{filename}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except FileNotFoundError:  # confirmed and discarded meanwhile
            continue


@dataclass(frozen=True)
class Pending:
    """An examined upload waiting for confirmation."""

    origin: Origin
    original: bytes


class _Token(TypedDict):
    """What a token from `hold` carries (signed; JSON turns the tuples into lists)."""

    method: str
    filename: str
    original: str  # the staged original's SHA-256


def hold(pending: Pending, *, salt: str) -> str:
    """Stage the upload and return a signed token for the form."""
    payload: _Token = {
        "method": pending.origin.method,
        "filename": pending.origin.filename,
        "original": stage(pending.original),
    }
    return signing.dumps(payload, salt=salt, compress=True)


def resume(token: str, *, salt: str) -> Pending:
    """The upload a token from `hold` stands for; ImportRefused if forged or expired."""
    try:
        payload = signing.loads(token, salt=salt, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ImportRefused("This upload has expired; please upload it again.") from None
    except signing.BadSignature:
        raise ImportRefused("The upload reference is not valid; please upload the file again.") from None
    original = staged(payload["original"])
    return Pending(Origin(CaptureMethod(payload["method"]), payload["filename"]), original)


def release(pending: Pending) -> None:
    """Delete the staged files of a pending upload that has been imported."""
    discard(sha256_hex(pending.original))
