"""Small JSON endpoints for the browser's fetch() calls.

`json_endpoint` answers every way a request can fail as the REST API does,
in the one error format of archive.api.errors (`{"error": "...", <field>:
[...]}`): malformed JSON or a bad value (400), a body over the size limit
(413, naming it), not found (404, also when someone deleted the object while
this request waited for it), not allowed (403); and an edit from a stale
version with 412 and the version that is there now, so the user sees what
the other person saved.

`read_json` reads bodies with archive.core.json_input, the function behind
the REST API's and the W3C protocol's parsers too.
"""

from collections.abc import Collection
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpRequest, JsonResponse

from archive.api.errors import as_api_exception, error_body
from archive.claims import EDITABLE_FIELDS
from archive.core.editing import StaleVersion, refuse_unknown_fields
from archive.core.json_input import (
    INT64_MAX,
    JSONInputError,
    JSONInputTooLarge,
    check_charset,
    parse_json_body,
)
from archive.models import ReviewStatus


class MalformedRequest(JSONInputError):
    """The request body is not the JSON object the endpoint expects."""


def read_json(request: HttpRequest, *, allowed: Collection[str] | None = None) -> dict:
    """The request's JSON object; with `allowed`, any other key is refused by name."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    check_charset((request.content_params or {}).get("charset"))
    try:
        raw = request.body
    except RequestDataTooBig:
        raise JSONInputTooLarge(limit) from None
    payload = parse_json_body(raw, max_bytes=limit)
    if not isinstance(payload, dict):
        raise MalformedRequest("The request must be a JSON object.")
    if allowed is not None:
        refuse_unknown_fields(payload, allowed)
    return payload


def text_value(payload: dict, key: str, default: str = "") -> str:
    value = payload.get(key, default)
    if not isinstance(value, str):
        raise ValidationError({key: "This must be text."})
    return value


def _whole_number(value: object) -> bool:
    """A whole number a database column holds (ids and versions are never negative)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= INT64_MAX


def id_value(payload: dict, key: str) -> int | None:
    """An optional object id: absent or null is None, anything but a whole number is refused."""
    value = payload.get(key)
    if value is None:
        return None
    if not _whole_number(value):
        raise ValidationError({key: "This must be the id of one (a whole number)."})
    return value


def version_value(payload: dict) -> int:
    """The version the client edited from: required, so no edit is blind."""
    version = payload.get("version")
    if not isinstance(version, int) or not _whole_number(version):
        raise ValidationError({"version": "Give the version you edited (a whole number)."})
    return version


def json_error(message: str, status: int, **extra: object) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


# What a review decision did, in words, when it is all that changed.
_REVIEW_DECISIONS = {
    ReviewStatus.APPROVED: "approved this",
    ReviewStatus.REJECTED: "rejected this",
    ReviewStatus.SUBMITTED: "submitted this for review",
}


def _conflict_message(
    current: Any, changed: list[str], editor: str | None, *, yours: bool, deleting: bool
) -> str:
    did = "changed this"
    if changed == ["review_status"]:
        did = _REVIEW_DECISIONS.get(current.review_status, did)
    # The editor's own change, from another tab or window: named as theirs, not by their name.
    who = "you" if yours else editor or "Someone"
    where = " in another tab or window" if yours else ""
    if deleting:
        return f"Not deleted: {who} {did}{where} while you were about to delete it."
    # Saving a change to an approved item sends it back to the reviewers (archive.claims.editing).
    approved = current.review_status == ReviewStatus.APPROVED
    again = "; saving will submit your change for review again" if approved else ""
    return f"Not saved: {who} {did}{where} while you were editing{again}."


def conflict_response(
    error: StaleVersion, *, since: int | None = None, deleting: bool = False, user: Any = None, **extra
) -> JsonResponse:
    """412 with the version that is there now, who saved it, its editable fields and review
    status; given `since`, the version the editor started from, also which of these differ
    from it (`changed`) and a message that says what happened, so the editor knows what
    saving (or deleting) over it replaces (`user`, the editor: their own change is said to be theirs)."""
    current = error.current
    latest = current.history.first()
    editor = latest.history_user.get_username() if latest and latest.history_user else None
    names = sorted(EDITABLE_FIELDS[type(current)] | {"review_status"})
    state = {
        "version": current.version,
        "changed_by": editor,
        **{name: getattr(current, name) for name in names},
    }
    if since is None:
        return json_error(str(error), 412, current=state, **extra)
    started = current.history.filter(version=since).first()
    # From a version that never was, everything may differ.
    changed = [name for name in names if started is None or getattr(started, name) != getattr(current, name)]
    yours = user is not None and latest is not None and latest.history_user_id == user.pk
    message = _conflict_message(current, changed, editor, yours=yours, deleting=deleting)
    return json_error(message, 412, current=state, changed=changed, **extra)


def json_endpoint(view):
    """Answer every failure of `view` in JSON (inside the permission decorator)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except StaleVersion as error:
            return conflict_response(error)
        except Exception as error:
            refusal = as_api_exception(error)
            if refusal is None:
                raise
            return JsonResponse(error_body(refusal), status=refusal.status_code)

    # It reads its body itself, as JSON (archive.views.form_input leaves it alone).
    wrapper.reads_json_body = True  # type: ignore[attr-defined]
    return wrapper
