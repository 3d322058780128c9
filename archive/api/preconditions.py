"""Optimistic concurrency over HTTP: an object's ETag is its version and a digest of
the representation it is served as (`etag`), in the REST API as in the W3C protocol.
A representation shows more than its object's own row (evidence its grade, from its
outlet and claim; an annotation its passages; every object its authors' usernames):
what changes without the object's version changes the ETag all the same, so an
If-None-Match from before never gets a stale 304.

A REST API write must send `If-Match` with the ETag it read (or `*` to
overwrite knowingly); a write from a stale representation (an older version, or
anything it showed from elsewhere since changed) is refused with 412 and the
current state, so two analysts never overwrite each other unknowingly. The W3C
protocol's clients send no If-Match: there a write without it is unconditional
(`required=False`), and one with it is checked the same way, against its own ETag.

A GET or HEAD whose `If-None-Match` names the ETag the response would carry is
304 Not Modified, with no body (`not_modified`). Not Django's
ConditionalGetMiddleware: it ignores HEAD and gives every GET response an ETag
of its own, refusals and pages included.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import parse_etags
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from archive.api.errors import PreconditionRequired
from archive.core.editing import StaleVersion
from archive.models.base import VersionedModel


def etag(obj: VersionedModel, shown: Any) -> str:
    """The ETag of `obj` served as `shown` (its JSON, or its text): its version and a digest
    of `shown`, e.g. "4-1a2b3c4d5e6f7a8b". The version says at a glance which one a client
    holds; the digest changes with anything shown that the version does not follow."""
    canonical = json.dumps(shown, sort_keys=True, separators=(",", ":"), cls=JSONEncoder)
    return f'"{obj.version}-{hashlib.sha256(canonical.encode()).hexdigest()[:16]}"'


def expected_version(
    request: Request,
    obj: VersionedModel,
    *,
    required: bool = True,
    current: str | Callable[[], str] | None = None,
) -> int | None:
    """The version the client edited; None for `If-Match: *` (and for no If-Match
    when not `required`).

    Raises PreconditionRequired without the header (when `required`) and
    StaleVersion when no tag in it is `current`, the resource's ETag now (or a function
    giving it, called only when If-Match names tags).
    """
    header = request.headers.get("If-Match", "").strip()
    if not header and not required:
        return None
    if not header:
        raise PreconditionRequired()
    if header == "*":
        return None
    if current is None:
        raise TypeError("expected_version needs the current ETag to compare If-Match with.")
    now = current() if callable(current) else current
    # Weak tags compare like strong ones: the tag is the whole validator.
    tags = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    if now.removeprefix("W/").strip('"') not in tags:
        raise StaleVersion(obj)
    return obj.version


def names_current(request: HttpRequest, current: str) -> bool:
    """Whether the request is a GET or HEAD whose If-None-Match names the ETag `current`
    (weak comparison, as RFC 9110 has for If-None-Match), or is `*`."""
    header = request.headers.get("If-None-Match", "")
    if request.method not in ("GET", "HEAD") or not header:
        return False
    tags = {tag.removeprefix("W/") for tag in parse_etags(header)}
    return "*" in tags or current.removeprefix("W/") in tags


_Response = TypeVar("_Response", bound=HttpResponseBase)


def not_modified(request: Request, response: _Response) -> _Response:
    """`response` made a 304 with no body when it is a GET's or HEAD's 200 and
    If-None-Match names its ETag (weak comparison, as RFC 9110 has for
    If-None-Match); its other headers stay, as a 304 keeps those of the 200."""
    current = response.get("ETag")
    if response.status_code != 200 or current is None or not names_current(request, current):
        return response
    if isinstance(response, Response):
        response.data = None  # rendered as no body, and no Content-Type
    elif isinstance(response, HttpResponse):
        response.content = b""
        del response["Content-Type"]
    else:  # a stream
        return response
    response.status_code = 304
    return response
