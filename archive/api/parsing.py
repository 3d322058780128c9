"""The REST API's and the W3C protocol's JSON parsers: archive.core.json_input's
checks (size, UTF-8, depth, number range, surrogates and NUL) as DRF parsers.

A refused body (one that is not a JSON object, too) is a 400 ParseError naming
the problem, or a 413 naming the limit (settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
which is IMPORT_MAX_BYTES); the browser's JSON endpoints read bodies with the
same function (archive.views.json_endpoints.read_json).
"""

from django.conf import settings
from django.utils.http import parse_header_parameters
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.utils.mediatypes import media_type_matches

from archive.api.errors import CharsetRefused, ContentCodingRefused, PayloadTooLarge
from archive.core.json_input import (
    JSONCharsetRefused,
    JSONInputError,
    JSONInputTooLarge,
    check_charset,
    parse_json_body,
)

NOT_AN_OBJECT = "The body must be a JSON object."


class JSONParser(parsers.JSONParser):
    """application/json, read by `parse_json_body` (always UTF-8, as RFC 8259 requires: a
    body declared in another charset is refused, 415)."""

    def parse(self, stream, media_type=None, parser_context=None):
        refuse_content_coding((parser_context or {}).get("request"))
        try:
            check_charset(parse_header_parameters(media_type or "")[1].get("charset"))
        except JSONCharsetRefused as error:
            raise CharsetRefused(str(error)) from None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if not raw.strip(b" \t\r\n"):  # JSON's whitespace alone: no value, as an empty body
            raise ParseError(NOT_AN_OBJECT)
        try:
            data = parse_json_body(raw, max_bytes=limit)
        except JSONInputTooLarge as error:
            raise PayloadTooLarge(error.limit) from None
        except JSONInputError as error:
            raise ParseError(str(error)) from None
        # Every endpoint reads named fields (a batch too: {"annotations": [...]}), so null,
        # a list or a string is refused as such, not as a missing field.
        if not isinstance(data, dict):
            raise ParseError(NOT_AN_OBJECT)
        return data


def refuse_content_coding(request: Request | None) -> None:
    """A body compressed (Content-Encoding other than identity) is refused as such (415),
    not read as bytes that are not UTF-8: no parser here decodes a content coding."""
    if request is None:
        return
    sent = request.META.get("HTTP_CONTENT_ENCODING", "")
    codings = [coding.strip().lower() for coding in sent.split(",")]
    if any(coding not in ("", "identity") for coding in codings):
        raise ContentCodingRefused(sent.strip())


def refuse_empty_body(request: Request) -> None:
    """A write whose body is declared JSON but is empty is refused as a body that is not
    a JSON object: DRF hands no parser an empty body (it reads one as `{}`), yet "" is not
    JSON, let alone an object. (A body left out without a JSON media type is no body: its
    fields are refused as missing.)"""
    if request.method not in {"POST", "PUT", "PATCH"} or not request.content_type:
        return
    parsers = request.parsers or ()
    if not any(media_type_matches(parser.media_type, request.content_type) for parser in parsers):
        return
    # As DRF decides that the body is empty (Request._load_stream).
    meta = request.META
    try:
        length = int(meta.get("CONTENT_LENGTH", meta.get("HTTP_CONTENT_LENGTH", 0)) or 0)
    except ValueError:
        length = 0
    if length == 0:
        raise ParseError(NOT_AN_OBJECT)


class JSONLDParser(JSONParser):
    """application/ld+json (the W3C Web Annotation Protocol's media type)."""

    media_type = "application/ld+json"
