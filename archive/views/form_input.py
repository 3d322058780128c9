"""Form fields and query strings that are not text to store, refused before any view.

PostgreSQL cannot store or compare a NUL character (U+0000) in text; SQLite
can. And Django decodes form data from UTF-8 replacing what is not (so it
holds no lone surrogate), which would save "\ufffd" where the sender meant
something else. JSON bodies are checked as they are parsed
(archive.core.json_input); a URL-encoded form's fields and any query
string's values, which the app's views, the admin and the API's filters
read, are checked here once, so that the same request gets the same 400 on
either database, naming the field, and nothing is written. A multipart
form's fields are checked as it is parsed (StrictMultipart), whoever parses
it first: the CSRF check, a view, or the API.
"""

import codecs
import re
from collections.abc import Callable
from email.message import Message
from typing import Any, cast
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import BadRequest, TooManyFieldsSent
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.views import defaults
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.views import APIView

from archive.api.errors import error_body
from archive.views.passing import PassingMiddleware
from archive.views.refusals import refused

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class FormInputMiddleware(PassingMiddleware):
    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # After the CSRF check (listed after it): a forged post is refused as such.
        api = isinstance(cls := getattr(view, "cls", None), type) and issubclass(cls, APIView)
        # The API and the browser's JSON endpoints read their own bodies, as
        # JSON: their stream is left to them (a multipart body parsed here
        # could not be read again).
        reads_json = api or getattr(view, "reads_json_body", False)
        form_post = request.method == "POST" and request.content_type in FORM_TYPES and not reads_json
        try:
            found = _problem_of(request, form_post=form_post)
        except TooManyFieldsSent:
            if not reads_json:
                raise  # Django's 400 page (400.html) says it
            limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            refusal = ParseError(f"The query string has more fields than the limit of {limit}.")
            return JsonResponse(error_body(refusal), status=refusal.status_code)
        if found is None:
            return None
        field, problem = found
        if reads_json:  # as every JSON endpoint refuses, naming the field
            return JsonResponse(error_body(ValidationError({field: [problem]})), status=400)
        return refused(request, problem)


def _problem_of(request: HttpRequest, *, form_post: bool) -> tuple[str, str] | None:
    """The field of the query string or the posted form that is wrong, and what is
    wrong with it (None: nothing)."""
    encoded = [request.META.get("QUERY_STRING", "").encode("latin-1", "replace")]  # WSGI's bytes
    if form_post and request.content_type == "application/x-www-form-urlencoded":
        encoded.append(request.body)
    for each in encoded:
        if (field := _field_not_utf8(each)) is not None:
            return field, _not_utf8(field)
    field = _field_with_nul(request.GET) or (_field_with_nul(request.POST) if form_post else None)
    if field is not None:
        shown = field.replace("\x00", "\\u0000")[:60]
        return field, f"The field “{shown}” contains a NUL character (U+0000), which cannot be stored."
    return None


def _not_utf8(field: str) -> str:
    return f"The field “{field[:60]}” is not text in UTF-8."


class PartRefused(MultiPartParserError):
    """A multipart form's part that Django would alter or drop without a word: a
    name or value not in UTF-8, a file name with nothing usable in it. Django
    answers a MultiPartParserError with a 400 (bad_request below), the API with its own."""


# UTF-8 whose decoder keeps each byte that is not UTF-8 as a lone surrogate
# (PEP 383's "surrogateescape"), where Django's parser, given UTF-8, would write U+FFFD.
_ESCAPED_UTF8 = "warrant_utf_8_escaped"
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _escaped_utf8(name: str) -> codecs.CodecInfo | None:
    if name != _ESCAPED_UTF8:
        return None
    return codecs.CodecInfo(
        name=_ESCAPED_UTF8,
        encode=lambda text, errors="strict": codecs.utf_8_encode(text, "surrogateescape"),
        decode=lambda data, errors="strict": codecs.utf_8_decode(data, "surrogateescape", True),
    )


codecs.register(_escaped_utf8)


class StrictMultipart(FileUploadHandler):
    """Parses a multipart form as Django does, except that a field whose value is
    not UTF-8 is refused (PartRefused) where Django would decode it with U+FFFD
    in place of the bytes.

    The first upload handler (FILE_UPLOAD_HANDLERS): it parses the form with the
    others, decoding values with _ESCAPED_UTF8, and looks for escaped bytes. A
    part whose headers (its name, a file's name) are not UTF-8 Django drops
    without a word, so the form would arrive without that file: it is refused
    too (_HeadersWatch), as is a name in RFC 2231's form (filename*=UTF-8''...)
    whose bytes are not text in the charset it names. A file name's control
    characters Django removes; a file name left empty by that is refused
    (_Parser), where Django would drop the file.
    """

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict] | None:
        if self.request is None:  # made without a request: Django parses the form
            return None
        others = [handler for handler in self.request.upload_handlers if handler is not self]
        watch = _HeadersWatch(input_data, boundary)
        # Django's parser calls only read().
        parser = _Parser(META, cast(Any, watch), others, _ESCAPED_UTF8)
        fields, files = parser.parse()
        refusal = _PART_NOT_UTF8 if watch.not_utf8 else None
        if refusal is None and parser.unusable_file_name:
            refusal = _FILE_NAME_UNUSABLE
        for name, values in fields.lists():
            if refusal is None and any(_ESCAPED_BYTE.search(value) for value in values):
                refusal = _not_utf8(name)
        if refusal is not None:
            # Not handed to the request, which would close them at its end.
            for _, uploads in files.lists():
                for upload in uploads:
                    upload.close()
            raise PartRefused(refusal)
        return fields, files


_PART_NOT_UTF8 = (
    "A file name or field name in the form is not text in UTF-8, so that part of the form "
    "cannot be read: rename the file and send it again."
)
_FILE_NAME_UNUSABLE = (
    "The name of a file is not usable: nothing is left of it without its control characters "
    "and folders. Rename the file and send it again."
)


class _Parser(MultiPartParser):
    """Django's parser, noting a file name it drops (with its file) for having nothing
    usable left once sanitized: Django calls this for every file name that is not empty."""

    unusable_file_name = False

    def sanitize_file_name(self, file_name: str) -> str | None:
        sanitized = super().sanitize_file_name(file_name)
        if not sanitized:
            self.unusable_file_name = True
        return sanitized


class _HeadersWatch:
    """A multipart body read through, noting whether the headers of a part are
    not UTF-8 (as Django's parser decodes them). Delimiters cannot occur inside
    a part, so each one found starts a part's headers."""

    # Longer headers Django refuses itself (MAX_TOTAL_HEADER_SIZE).
    _HEADERS_MAX = 16 * 1024

    def __init__(self, stream: Any, boundary: bytes | str):
        self._stream = stream
        self._delimiter = b"\r\n--" + (boundary.encode("ascii") if isinstance(boundary, str) else boundary)
        self._unread = b"\r\n"  # the first delimiter opens the body, with no line break before it
        self.not_utf8 = False

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if not self.not_utf8:
            self._look_at(data)
        return data

    def _look_at(self, data: bytes) -> None:
        text, start = self._unread + data, 0
        while (at := text.find(self._delimiter, start)) >= 0:
            headers = at + len(self._delimiter)
            end = text.find(b"\r\n\r\n", headers)
            if end < 0 and len(text) - at <= self._HEADERS_MAX:
                self._unread = text[at:]  # the rest of the headers comes in the next read
                return
            if end < 0:
                start = at + 1
                continue
            try:
                lines = text[headers:end].decode("utf-8").split("\r\n")
            except UnicodeDecodeError:
                self.not_utf8 = True
                return
            if any(_encoded_name_unreadable(line) for line in lines):
                self.not_utf8 = True
                return
            start = end
        self._unread = text[max(start, len(text) - len(self._delimiter) + 1) :]


def _encoded_name_unreadable(line: str) -> bool:
    """Whether a part's header line has a parameter in RFC 2231's form (filename*=UTF-8''%FF)
    whose percent-decoded bytes are not text in the charset it names: Django reads the
    line's parameters as here, then decodes those bytes with U+FFFD in their place (or, for
    a charset it does not know, drops the line and so the part)."""
    if "*" not in line:
        return False
    message = Message()
    message["content-type"] = line
    for _, value in (message.get_params() or [])[1:]:
        if not isinstance(value, tuple):
            continue
        charset, _, encoded = value
        try:
            # As email.utils.collapse_rfc2231_value does, but strict.
            bytes(encoded, "raw-unicode-escape").decode(charset or "us-ascii")
        except (LookupError, UnicodeDecodeError):
            return True
    return False


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a multipart field not in UTF-8 is refused naming it, and a form Django
    cannot read (one in another charset) saying why; anything else Django refuses (a
    body too large, too many fields, a host not allowed) as Django does, saying nothing
    of the server's settings."""
    if isinstance(exception, PartRefused | BadRequest):
        # Not Django's own page: it checks the CSRF token, which reads the form again and
        # so raises again, a server error.
        return refused(request, str(exception))
    return defaults.bad_request(request, exception)


def _field_not_utf8(encoded: bytes) -> str | None:
    """The first field of a URL-encoded form or query string whose name or value,
    decoded, is not UTF-8 (its name as Django would show it); None if all are."""
    for pair in encoded.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            for part in (name, value):
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
    return None


def _field_with_nul(data: QueryDict) -> str | None:
    for name, values in data.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name
    return None
