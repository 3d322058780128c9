"""OpenAPI for the generic resource views: which serializer reads the request,
which answers, and every refusal each method can give; a PUT's body requires what a
PUT refuses to leave out (archive.api.serializers.reset_if_left_out)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.serializers import ListSerializer

from archive.api.idempotency import HEADER, is_idempotent
from archive.api.serializers import reset_if_left_out

_ERRORS = {
    400: "Invalid input: the body maps each field to its errors.",
    401: "Not signed in.",
    403: "Your role in the workspace does not allow this.",
    404: "No such object, or not in your workspaces.",
    409: "Other records refer to it, or it conflicts with existing data.",
    410: "Someone deleted it meanwhile: who, when and why.",
    412: "Stale If-Match: the current state.",
    413: "The request body is over the size limit, named in `max_bytes`.",
    415: "The request body is not JSON: send Content-Type: application/json.",
    422: "This Idempotency-Key was used for a different request in the last 24 hours.",
    428: "If-Match is missing.",
    429: "Too many failed sign-ins: the account is locked out for a while (Retry-After).",
}
_REFUSALS = {
    "GET": (400, 401, 404),
    "POST": (400, 401, 403, 404, 409),
    "PUT": (400, 401, 403, 404, 409, 410, 428),
    "PATCH": (400, 401, 403, 404, 409, 410, 428),
    "DELETE": (400, 401, 403, 404, 409, 410, 428),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag you read of the object you edit, e.g. "3-1a2b3c4d5e6f7a8b"; * to overwrite '
    "knowingly. Stale (412) once the object, or anything its JSON shows, has changed since.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Optional, 1-255 printable ASCII characters, per user: within 24 hours the same key with the "
        "same request returns the first response (with Idempotent-Replayed: true) and writes nothing."
    ),
)
DELETE_REASON = OpenApiParameter(
    "reason",
    OpenApiTypes.STR,
    required=True,
    description="Why it is deleted (kept in history). Without one the delete is refused with 400.",
)


IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you hold (or several, comma-separated): 304 with no body if one names the "
    "current ETag (weak comparison).",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201, 304, 412],
    description="The version of the object answered with and a digest of what its representation "
    'shows, e.g. "3-1a2b3c4d5e6f7a8b", to send back in If-Match or If-None-Match: it changes with '
    "anything shown, also from other objects (an evidence's grade, a username). A source's "
    "original: the SHA-256 of its bytes. A 412 carries the current one.",
)
REPR_DIGEST = OpenApiParameter(
    "Repr-Digest",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description="The SHA-256 of the bytes sent, base64, as RFC 9530 writes it: `sha-256=:<base64>:`.",
)
DIGEST = OpenApiParameter(
    "Digest",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description="The same, as RFC 3230 wrote it (superseded by Repr-Digest): `sha-256=<base64>`.",
)
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description="The object's absolute URL (its detail endpoint).",
)
PUT_REPLACES = (
    "A PUT replaces the whole object: every field it would otherwise reset to its default is "
    "required (send its current value to keep it); PATCH changes only the fields it sends."
)
NOT_MODIFIED = OpenApiResponse(description="If-None-Match named the current ETag: no body.")

# What drf-spectacular adds beside a format-constrained string that may be blank.
_BLANK = {"type": "string", "maxLength": 0}


def refusals(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(OpenApiTypes.OBJECT, description=_ERRORS[code]) for code in codes}


class ResourceSchema(AutoSchema):
    def _is_list_view(self, serializer=None) -> bool:
        lists = getattr(self.view, "lists", None)
        if lists is None:
            return super()._is_list_view(serializer)
        return lists and self.method == "GET"

    def _insert_field_validators(self, field, schema) -> None:
        super()._insert_field_validators(field, schema)
        # drf-spectacular offers a blank string beside a format (a URL's, say) as oneOf; where
        # a validator does not assert formats, "" is valid for both and oneOf refuses it.
        # Either is enough; the default, blank, belongs to the whole, not the format's branch.
        options = schema.get("oneOf", [])
        if _BLANK in options:
            schema["anyOf"] = schema.pop("oneOf")
            for option in options:
                if "default" in option:
                    schema["default"] = option.pop("default")

    def get_description(self) -> str:  # type: ignore[override]
        description = super().get_description()
        if self.method == "PUT" and getattr(self.view, "update_serializer", None):
            return f"{description}\n\n{PUT_REPLACES}".strip()
        return description

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        serializer = force_instance(serializer)
        # Only the PUT's own body: a serializer nested in it is not what a PUT replaces.
        put_body = type(serializer) is getattr(self.view, "update_serializer", None)
        if self.method == "PUT" and direction == "request" and put_body:
            sent = reset_if_left_out(serializer, {})
            if sent:
                schema["required"] = sorted({*schema.get("required", ()), *sent})
            for name in sent:  # never applied: a PUT leaving it out is refused
                schema["properties"][name].pop("default", None)
        return schema

    def get_request_serializer(self):
        if not hasattr(self.view, "output_serializer"):
            return super().get_request_serializer()
        if self.method == "POST":
            return getattr(self.view, "create_serializer", None)
        if self.method in ("PUT", "PATCH"):
            return getattr(self.view, "update_serializer", None)
        return None

    def get_response_serializers(self):
        if not hasattr(self.view, "output_serializer"):
            return super().get_response_serializers()
        output = self.view.output_serializer
        success = {"GET": 200, "POST": 201, "PUT": 200, "PATCH": 200, "DELETE": 204}[self.method]
        responses = {
            success: None if self.method == "DELETE" else output,
            **refusals(*_REFUSALS[self.method]),
        }
        if self.method in ("PUT", "PATCH", "DELETE"):
            responses[412] = OpenApiResponse(output, description="Stale If-Match: the current state.")
        if self.method == "POST" and (conflict := getattr(self.view, "create_conflict", None)):
            responses[409] = OpenApiResponse(OpenApiTypes.OBJECT, description=conflict)
        return responses

    def get_override_parameters(self) -> list:
        parameters = super().get_override_parameters()
        if hasattr(self.view, "output_serializer") and self.method in ("PUT", "PATCH", "DELETE"):
            parameters = [*parameters, IF_MATCH, ETAG]
        if self._etagged_get():
            parameters = [*parameters, IF_NONE_MATCH, ETAG]
        if self.method == "POST" and getattr(self.view, "detail_route", None):  # a create
            parameters = [*parameters, ETAG, LOCATION]
        if self._idempotent():
            parameters = [*parameters, IDEMPOTENCY_KEY]
        return parameters

    def _get_response_bodies(self, direction="response") -> dict:
        # The refusals any body or key can get, whatever responses a view declares.
        responses = super()._get_response_bodies(direction)
        codes = [413, 415] if self.method in ("POST", "PUT", "PATCH") else []
        if self._idempotent():
            codes.append(422)
        for code, refusal in refusals(*codes).items():
            responses.setdefault(str(code), self._get_response_for_code(refusal, str(code)))
        if self._etagged_get():
            responses.setdefault("304", self._get_response_for_code(NOT_MODIFIED, "304"))
        return responses

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # A list of serializers (many=True) says how many items it takes, as a ListField does.
        if isinstance(field, ListSerializer) and schema and schema.get("type") == "array":
            most, least = getattr(field, "max_length", None), getattr(field, "min_length", None)
            if most is not None:
                schema["maxItems"] = most
            if least is not None or not field.allow_empty:
                schema["minItems"] = max(least or 0, 0 if field.allow_empty else 1)
        return schema

    def _etagged_get(self) -> bool:
        """A GET of one object (or its text or file) whose 200 carries an ETag."""
        view = self.view
        return (
            self.method == "GET" and getattr(view, "etag_on_get", False) and not getattr(view, "lists", False)
        )

    def _idempotent(self) -> bool:
        return self.method == "POST" and is_idempotent(getattr(self.view, "post", None))
