"""Optimistic concurrency over HTTP: the ETag is the object's version.

A REST API write must send `If-Match` with the ETag it read (or `*` to
overwrite knowingly); a write from a stale version is refused with 412 and the
current state, so two analysts never overwrite each other unknowingly. The W3C
protocol's clients send no If-Match: there a write without it is unconditional
(`required=False`), and one with it is checked the same way.
"""

from rest_framework.request import Request

from archive.api.errors import PreconditionRequired
from archive.core.editing import StaleVersion
from archive.models.base import VersionedModel


def etag(obj: VersionedModel) -> str:
    return f'"{obj.version}"'


def expected_version(request: Request, obj: VersionedModel, *, required: bool = True) -> int | None:
    """The version the client edited; None for `If-Match: *` (and for no If-Match
    when not `required`).

    Raises PreconditionRequired without the header (when `required`) and
    StaleVersion when no tag in it names the object's current version.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header and not required:
        return None
    if not header:
        raise PreconditionRequired()
    if header == "*":
        return None
    # Weak tags compare like strong ones: the version is the whole validator.
    tags = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    if str(obj.version) not in tags:
        raise StaleVersion(obj)
    return obj.version
