"""Serving a source's stored original (or a version's): the Content-Type its bytes are,
charset included, wherever it is downloaded (the REST API, the source's pages).

A text original (plain text, Markdown, HTML) is kept byte for byte in whatever encoding it
came in; its media type names no charset unless one was declared with it. The charset is
known when the bytes are the text itself in UTF-8 (a text archived without a file: the REST
API, pasted text) or when they are the first capture's, whose extraction recorded what it
decoded them from (archive.models.Capture.extraction, "text as decoded (windows-1256)").
A later capture (archive.sources.versions.fetch_page) records it in its version's media
type ("text/html; charset=windows-1256", `with_charset`), which it is served with.
"""

import codecs

from archive.models import Capture, Source, SourceVersion
from archive.sources.importing.extract import recorded_encoding


def media_type_essence(media_type: str) -> str:
    """A media type without its parameters (a charset): "text/html" for "text/html; charset=utf-8"."""
    return media_type.partition(";")[0].strip().lower()


def with_charset(media_type: str, encoding: str | None) -> str:
    """`media_type` naming the charset of its bytes when they are text decoded from a known
    `encoding` (a Python codec's name, as an extraction records it), else as it is."""
    charset = http_charset(encoding) if encoding else None
    if charset is None or not media_type_essence(media_type).startswith("text/"):
        return media_type
    return f"{media_type_essence(media_type)}; charset={charset}"


def original_content_type(captured: Source | SourceVersion) -> str:
    """The Content-Type to serve the original of a source (or of one of its versions) with:
    its media type, with the charset of its bytes when they are text and that is known."""
    essence = media_type_essence(captured.media_type)
    if not essence.startswith("text/"):
        return captured.media_type
    # What the bytes are known to be wins over a charset declared with the media type (an
    # API client may declare one for a text the archive keeps in UTF-8).
    charset = _charset(captured)
    return f"{essence}; charset={charset}" if charset else captured.media_type


def _charset(captured: Source | SourceVersion) -> str | None:
    digest = captured.original_sha256
    if not digest:
        return None
    if digest == captured.text_sha256:
        return "utf-8"
    source_id = captured.pk if isinstance(captured, Source) else captured.source_id
    holding = dict(
        SourceVersion.objects.filter(source_id=source_id, original_sha256=digest).values_list(
            "number", "text_sha256"
        )
    )
    if digest in holding.values():  # the bytes are a version's text in UTF-8
        return "utf-8"
    if 1 not in holding:
        return None
    extraction = Capture.objects.filter(source_id=source_id).values_list("extraction", flat=True).first()
    encoding = recorded_encoding(extraction) if extraction else None
    return http_charset(encoding) if encoding else None


def http_charset(encoding: str) -> str | None:
    """A Python codec's name as HTTP and browsers name the charset (windows-1256 for cp1256,
    iso-8859-6 for iso8859-6, utf-8 for utf-8-sig, whose byte order mark stays in the bytes)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    if name == "utf-8-sig":
        return "utf-8"
    if name.startswith("cp125"):
        return f"windows-{name.removeprefix('cp')}"
    if name.startswith("iso8859-"):
        return f"iso-8859-{name.removeprefix('iso8859-')}"
    return name.replace("_", "-")
