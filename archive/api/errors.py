"""One error format for every JSON endpoint (the REST API, the W3C protocol and
the browser's JSON endpoints), never a 500 for input the client controls:

    {"error": "One sentence a person can read.", "<field>": ["message", ...], ...}

`error` is always there; a refused value adds DRF's per-field messages (those
not tied to a field under "non_field_errors"), other refusals DRF's "detail".
A stale edit is 412 with the current state instead (see each adapter); a create
of what is there already, 409 with `existing` naming it (its type and id)."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, ParseError
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from archive.core.editing import AlreadyExists, lost_a_race
from archive.core.json_input import JSONCharsetRefused, JSONInputError, JSONInputTooLarge
from archive.sources.fixity import DamagedFile


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = "Send If-Match with the ETag of the version you edited."
    default_code = "precondition_required"


class PayloadTooLarge(APIException):
    """The request body is over the limit: 413, naming the limit in bytes."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, limit: int):
        super().__init__(f"The request body is larger than the limit of {limit} bytes.")
        self.limit = limit


class ContentCodingRefused(APIException):
    """A body sent with a content coding (gzip...): 415, as RFC 9110 §15.5.16 says, with
    Accept-Encoding: identity (added by the exception handler) naming the only one taken."""

    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_code = "unsupported_content_coding"

    def __init__(self, coding: str):
        super().__init__(
            f"Content codings are not accepted (the body was sent as {coding}): send the body uncompressed."
        )


class CharsetRefused(APIException):
    """A JSON body declared in a charset other than UTF-8: 415, saying so."""

    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_code = "unsupported_charset"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(
        self,
        detail: str | None = None,
        code: str | None = None,
        *,
        existing: dict[str, object] | None = None,
        referring: list[dict[str, object]] | None = None,
    ):
        super().__init__(detail, code)
        # A create refused as a duplicate names what is there, so the client can use that;
        # a delete refused names what still refers to the object, so it can remove that first.
        self.existing = existing
        self.referring = referring


class Gone(APIException):
    """What the request would change was deleted: 410, saying by whom, when and why."""

    status_code = status.HTTP_410_GONE
    default_code = "gone"


def field_errors(error: DjangoValidationError) -> dict | list:
    """A model ValidationError as DRF's field-error mapping."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def as_api_exception(exc: Exception) -> APIException | None:
    """The client's refusal `exc` stands for, as DRF's exception; None if it is not one."""
    if isinstance(exc, APIException):
        return exc
    if isinstance(exc, RequestDataTooBig):
        # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE.
        return PayloadTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exc, JSONInputTooLarge):
        return PayloadTooLarge(exc.limit)
    if isinstance(exc, JSONCharsetRefused):
        return CharsetRefused(str(exc))
    if isinstance(exc, JSONInputError):
        return ParseError(str(exc))
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        # ObjectDoesNotExist: deleted by someone else while this request waited for its row lock.
        return NotFound(str(exc) or None)
    if isinstance(exc, PermissionDenied):
        return DRFPermissionDenied(str(exc) or None)
    if isinstance(exc, AlreadyExists):
        existing = exc.existing
        kind = str(existing._meta.verbose_name)
        return Conflict(
            f"{' '.join(exc.messages)} The existing one is {kind} {existing.pk}.",
            existing={"type": kind, "id": existing.pk},
        )
    if isinstance(exc, DjangoValidationError):
        return DRFValidationError(field_errors(exc))
    if isinstance(exc, ProtectedError | RestrictedError):
        return _still_referred(exc)
    if isinstance(exc, DamagedFile):
        return Conflict(str(exc))
    if lost_a_race(exc):
        # A concurrent write won a uniqueness race that validation had passed, or the
        # database aborted this one for the other's sake.
        return Conflict(
            "This conflicts with a change made at the same moment: nothing was saved; reload and try again."
        )
    return None


# Referring records named in a refused delete's message; the body lists them all.
_REFERRING_NAMED = 5


def _still_referred(exc: ProtectedError | RestrictedError) -> Conflict:
    found = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    referring = sorted({(str(each._meta.verbose_name), each.pk) for each in found})
    named = ", ".join(f"{kind} {pk}" for kind, pk in referring[:_REFERRING_NAMED])
    if len(referring) > _REFERRING_NAMED:
        named += f" and {len(referring) - _REFERRING_NAMED} more"
    return Conflict(
        f"Other records still refer to this one ({named}); remove them first.",
        referring=[{"type": kind, "id": pk} for kind, pk in referring],
    )


def error_body(exc: APIException, data: object = None) -> dict[str, object]:
    """The one error format for `exc` (`data`: DRF's rendering of it, if already made)."""
    if data is None:
        data = exc.detail
    fields: dict[str, object]
    if isinstance(data, dict):
        fields = data
    elif isinstance(data, list):
        fields = {api_settings.NON_FIELD_ERRORS_KEY: data}
    else:
        fields = {"detail": data}
    body: dict[str, object] = {"error": _summary(fields), **fields}
    if isinstance(exc, PayloadTooLarge):
        body["max_bytes"] = exc.limit
    if isinstance(exc, Conflict) and exc.existing is not None:
        body["existing"] = exc.existing
    if isinstance(exc, Conflict) and exc.referring is not None:
        body["referring"] = exc.referring
    return body


def _summary(data: object, name: object = "", within: str = "") -> str:
    """The messages of DRF's error rendering as sentences, each named by its field
    (`within`: the list item the fields are members of, as "annotations[1]")."""
    if isinstance(data, dict):
        return " ".join(
            _member_summary(str(key), value, name, within) for key, value in data.items() if value
        )
    if isinstance(data, list):
        return " ".join(_summary(item, name, within) for item in data if item)
    if name in ("", "detail", api_settings.NON_FIELD_ERRORS_KEY):
        return f"{within}: {data}" if within else str(data)
    label = str(name)
    if label.islower() and not any(mark in label for mark in ".["):  # a model's field, not a path
        label = label.replace("_", " ").capitalize()
    return f"{label}: {data}"


def _member_summary(key: str, value: object, name: object, within: str) -> str:
    if key.isdigit():
        if isinstance(value, dict) and name:
            # An item of a list of objects: name its fields by its position, as a JSON path does.
            return _summary(value, "", f"{name}[{key}]")
        # An item of a list of values (a tag): its messages say which; name the field it is in.
        return _summary(value, name, within)
    if within and key not in ("detail", api_settings.NON_FIELD_ERRORS_KEY):
        return _summary(value, f"{within}.{key}")
    return _summary(value, key, within)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    # Imported here: rest_framework.views loads the parsers (settings), which import this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    api_exception = as_api_exception(exc)
    if api_exception is None:
        return drf_exception_handler(exc, context)
    response = drf_exception_handler(api_exception, context)  # with its headers (WWW-Authenticate...)
    if response is not None:
        response.data = error_body(api_exception, response.data)
        if isinstance(api_exception, ContentCodingRefused):
            response["Accept-Encoding"] = "identity"
    return response
