"""One error format for the API: `{"field": ["message", ...]}` with 4xx, never a 500
for input the client controls."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


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


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def field_errors(error: DjangoValidationError) -> dict | list:
    """A model ValidationError as DRF's field-error mapping."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE.
        exc = PayloadTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exc, ObjectDoesNotExist):
        # Deleted by someone else while this request waited for its row lock.
        exc = NotFound(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = DRFValidationError(field_errors(exc))
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = Conflict("Other records still refer to this one; remove them first.")
    elif isinstance(exc, IntegrityError):
        # A concurrent write won a uniqueness race that validation had passed.
        exc = Conflict("This conflicts with existing data; reload and try again.")
    response = drf_exception_handler(exc, context)
    if isinstance(exc, PayloadTooLarge) and response is not None:
        response.data["max_bytes"] = exc.limit
    return response
