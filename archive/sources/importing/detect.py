"""What a file is, decided by its content; a name that contradicts it is refused.

Only plain text, Markdown, HTML, PDF and Word documents (.docx) are
accepted. Everything else is refused with a message that names what the file
looks like: executables and scripts renamed `.txt`, archives, images, Word
documents with macros, web archives (WARC), and polyglots (files that are valid as two types at
once, such as a PDF that is also HTML, which a browser or viewer could be
tricked into running).

The name never makes a file a type it is not, but a name that claims a binary
format we extract (`.pdf`) for bytes that are not that format is refused
rather than read as something else: `bad.pdf` holding UTF-16 bytes is a
mistake or a disguise, not a text to archive. Text that decodes only to
implausible characters (charset-normalizer's chaos score) is refused too.
"""

import codecs
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath

import charset_normalizer
from charset_normalizer.md import mess_ratio
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from archive.sources.importing import ImportRefused, parser_failures
from archive.sources.text_rules import ALLOWED_CONTROLS, check_text

PDF = "application/pdf"
HTML = "text/html"
MARKDOWN = "text/markdown"
PLAIN_TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ACCEPTED = "plain text, Markdown, HTML, PDF or a Word document (.docx)"
# The media types a source may have; a source whose original is its own text has a text one.
MEDIA_TYPES = (PLAIN_TEXT, MARKDOWN, HTML, PDF, DOCX)
TEXT_MEDIA_TYPES = (PLAIN_TEXT, MARKDOWN)
_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}

# Leading bytes of types that are never accepted, and what to call them.
_REFUSED_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\x7fELF", "an executable program (ELF)"),
    (b"\xcf\xfa\xed\xfe", "an executable program (Mach-O)"),
    (b"\xce\xfa\xed\xfe", "an executable program (Mach-O)"),
    (b"\xfe\xed\xfa\xce", "an executable program (Mach-O)"),
    (b"\xfe\xed\xfa\xcf", "an executable program (Mach-O)"),
    (b"\xca\xfe\xba\xbe", "an executable program or Java class"),
    (b"\x00asm", "a WebAssembly module"),
    (b"<?php", "a PHP script"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "a media file (RIFF)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
]
# A WARC file (web archive), as it is or gzipped record by record, starts with its version line.
_WARC_START = re.compile(rb"\AWARC/\d\.\d+\r?\n")
_GZIP = b"\x1f\x8b"
_WARC_SNIFF = 64  # decompressed bytes enough for the version line
_GZIP_SNIFF = 4096  # compressed bytes that hold them
# A Windows executable starts with "MZ" and has NUL bytes in its header,
# which tells it from a text that happens to start with "MZ".
_WINDOWS_EXECUTABLE = re.compile(rb"\AMZ[\s\S]{0,62}\x00")
_SHEBANG = re.compile(r"\A\ufeff?#!\s*/")
# PDF readers accept the header anywhere in the first 1024 bytes; only a
# PDF that starts with it is taken as one.
_PDF_HEADER = b"%PDF-"
_PDF_HEADER_WINDOW = 1024
# Markup a browser would act on, outside a PDF's objects: a PDF/HTML polyglot.
_ACTIVE_MARKUP = re.compile(rb"<(script|html|body|iframe|svg|object|embed|meta)[\s>/]", re.IGNORECASE)
_PDF_FIRST_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_PDF_END = b"%%EOF"
# The WHATWG MIME sniffing patterns that make a text HTML.
_HTML_START = re.compile(
    r"\A\ufeff?\s*(<!doctype\s+html|<html|<head|<body|<script|<iframe|<h1|<div|<font|<table|<a|<style"
    r"|<title|<b|<br|<p)[\s>]|\A\ufeff?\s*<!--",
    re.IGNORECASE,
)
_XML_START = re.compile(r"\A\ufeff?\s*<(\?xml|svg)[\s>]", re.IGNORECASE)
_XHTML_ROOT = re.compile(r"<html[\s>]", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# File name suffixes that claim a binary format we extract: (type, what to call it).
_CLAIMED_BY_NAME = {".pdf": (PDF, "a PDF"), ".docx": (DOCX, "a Word document")}
# A Word document is a ZIP of XML parts; its [Content_Types].xml names the main
# part's type, which tells a document from one with macros, a template, or
# another office format.
_ZIP = b"PK\x03\x04"
_CONTENT_TYPES = "[Content_Types].xml"
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_OTHER_OFFICE = {
    "application/vnd.ms-word.document.macroEnabled.main+xml": "a Word document with macros (.docm)",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "a Word template with macros",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "a Word template",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "a spreadsheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "a presentation",
}
# What a Word document may unpack to: compressed XML is small, so a file that
# would unpack to far more than the import limit (a "ZIP bomb") is refused unread.
_UNPACKED_PER_PACKED = 20
_MAX_PARTS = 2_000
# charset-normalizer's chaos ("mess") score above which decoded text is taken for
# garbage: the threshold its own detection uses to reject a decoding.
CHAOS_LIMIT = 0.2
# Windows-1252, and how it must read to be taken without a guess: at most a little
# chaos, and none of the letters only Icelandic writes (which Turkish and Baltic
# code pages' letters turn into) or a symbol inside a word (as Polish "ł" turns into "³").
WESTERN = "cp1252"
_LATIN_1 = "iso8859-1"
_WESTERN_CHAOS = 0.1
# (A soft hyphen or a Catalan middle dot is at home inside a word.)
_NOT_WESTERN = re.compile(r"[ðþýÐÞÝ]|(?<=[^\W\d_])[\x80-\xac\xae-\xb6\xb8-\xbf\xd7\xf7](?=[^\W\d_])")
# Icelandic's commonest words that hold its own letters: Turkish or Baltic text
# read as Windows-1252 turns its ğ, ş, š, ž into ð and þ, but not into these words.
_ICELANDIC_WORDS = re.compile(r"\b(?:það|þetta|þess|þeir|þær|við|eða|hefði|verður|sjálf)\b", re.IGNORECASE)
_CHAOS_SAMPLE = 65536


@dataclass(frozen=True)
class Detected:
    media_type: str
    text: str | None  # the decoded text, for every type but PDF and Word
    encoding: str | None

    def decoded(self) -> tuple[str, str]:
        """The text and its encoding; ValueError for a PDF or Word document, which is not decoded."""
        if self.text is None or self.encoding is None:
            raise ValueError(f"{self.media_type} is not decoded as text.")
        return self.text, self.encoding


def detect(
    data: bytes, *, filename: str = "", declared_charset: str | None = None, name_is_claim: bool = True
) -> Detected:
    """Decide the type of `data` from its content; ImportRefused if not accepted.

    `filename` tells Markdown from plain text once the content is text, and
    (when `name_is_claim`, as for a file someone picked) a name claiming a PDF
    for bytes that are not one is refused. A URL's last path segment is no such
    claim. `declared_charset` is the one an HTTP response gave, if any.
    """
    check_size(len(data))
    if _is_warc(data):
        # Its records are exchanges with a site, not one document: the page is what to import.
        raise ImportRefused(
            "WARC files cannot be imported: capture the page by its URL, or upload the page itself."
        )
    for signature, what in _REFUSED_SIGNATURES:
        if data.startswith(signature):
            raise ImportRefused(f"This file is {what}; only {ACCEPTED} can be imported.")
    if _WINDOWS_EXECUTABLE.match(data):
        raise ImportRefused(f"This file is a Windows executable program; only {ACCEPTED} can be imported.")
    if data.startswith(_ZIP):
        return _word_document(data)
    if data.startswith(_PDF_HEADER):
        if _ACTIVE_MARKUP.search(_outside_pdf_objects(data)):
            raise ImportRefused(
                "This file is both a PDF and an HTML page (a polyglot file), so it was refused: "
                "a browser could run what the PDF hides."
            )
        return Detected(PDF, None, None)
    if _PDF_HEADER in data[:_PDF_HEADER_WINDOW]:
        raise ImportRefused(
            "This file hides a PDF header after other content (a polyglot file), so it was refused."
        )
    claimed = _CLAIMED_BY_NAME.get(PurePath(filename).suffix.lower()) if name_is_claim else None
    if claimed:
        _, what = claimed
        raise ImportRefused(
            f"{PurePath(filename).name} is named as {what} but its bytes are not {what} "
            f"(they look like {_looks_like(data, declared_charset)}), so it was refused."
        )
    text, encoding = decode_text(data, declared_charset=declared_charset)
    _check_is_text(text)
    # Before the chaos score, which a stray control character also raises: say which it is.
    refuse_unfit_text(text)
    _check_plausible(text, encoding)
    if _SHEBANG.match(text):
        raise ImportRefused(f"This file is a script (it starts with #!); only {ACCEPTED} can be imported.")
    if _XML_START.match(text):
        if not _XHTML_ROOT.search(text[:4096]):
            raise ImportRefused(f"This file is XML or SVG; only {ACCEPTED} can be imported.")
        return Detected(HTML, text, encoding)
    if _HTML_START.match(text):
        return Detected(HTML, text, encoding)
    if PurePath(filename).suffix.lower() in _MARKDOWN_SUFFIXES:
        return Detected(MARKDOWN, text, encoding)
    return Detected(PLAIN_TEXT, text, encoding)


def _word_document(data: bytes) -> Detected:
    """A ZIP that is a Word document (.docx); ImportRefused for any other ZIP."""
    archive = f"This file is a ZIP archive; only {ACCEPTED} can be imported."
    with parser_failures("ZIP archive"), zipfile.ZipFile(BytesIO(data)) as bundle:
        parts = bundle.infolist()
        unpacked = sum(part.file_size for part in parts)
        if len(parts) > _MAX_PARTS or unpacked > max(
            _UNPACKED_PER_PACKED * len(data), settings.IMPORT_MAX_BYTES
        ):
            raise ImportRefused("This ZIP file would unpack to far more than it holds, so it was refused.")
        types = (
            bundle.read(_CONTENT_TYPES).decode("utf-8", "replace")
            if _CONTENT_TYPES in bundle.namelist()
            else ""
        )
    if _WORD_MAIN in types:
        return Detected(DOCX, None, None)
    for content_type, what in _OTHER_OFFICE.items():
        if content_type in types:
            raise ImportRefused(f"This file is {what}; only {ACCEPTED} can be imported.")
    raise ImportRefused(archive)


def _is_warc(data: bytes) -> bool:
    if data.startswith(_GZIP):
        try:
            data = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16).decompress(data[:_GZIP_SNIFF], _WARC_SNIFF)
        except zlib.error:
            return False
    return bool(_WARC_START.match(data))


def _outside_pdf_objects(data: bytes) -> bytes:
    """The bytes of a PDF before its first object and after its last end marker:
    where another format rides along. Markup inside the objects is the document's
    own content (a manual about HTML shows "<body>" in its text), which no browser
    sniffing a file that starts with %PDF- would run."""
    first = _PDF_FIRST_OBJECT.search(data)
    end = data.rfind(_PDF_END)
    head = data[: first.start()] if first else data
    tail = data[end + len(_PDF_END) :] if end != -1 else b""
    return head + b"\n" + tail


def check_size(size: int) -> None:
    """Refuse an empty input or one over settings.IMPORT_MAX_BYTES."""
    if size == 0:
        raise ImportRefused("The file is empty.")
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(
            f"The file is larger than the limit of {filesizeformat(settings.IMPORT_MAX_BYTES)}."
        )


def decode_text(data: bytes, *, declared_charset: str | None = None) -> tuple[str, str]:
    """The text of `data` and its encoding: BOM, then the declared charset,
    UTF-8, an HTML meta charset, Windows-1252 if it reads as Western European
    text, and finally a statistical guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), codecs.lookup(encoding).name
            except UnicodeDecodeError:
                raise ImportRefused(
                    f"The file starts with a {encoding} byte order mark but is not valid {encoding} text."
                ) from None
    candidates = [declared_charset, "utf-8"]
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii"))
    for candidate in candidates:
        if candidate and _known_codec(candidate):
            encoding = codecs.lookup(candidate).name
            # As browsers read it (WHATWG Encoding Standard): a page labelled Latin-1 is
            # Windows-1252, whose quotes and dashes are control codes in Latin-1.
            encoding = WESTERN if encoding == _LATIN_1 else encoding
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    western = _as_western(data)
    if western is not None:
        return western, WESTERN
    guess = charset_normalizer.from_bytes(data).best()
    if guess is None:
        raise ImportRefused("The file cannot be decoded as text: its character encoding is not recognized.")
    return str(guess), guess.encoding


def _as_western(data: bytes) -> str | None:
    """`data` as Windows-1252 (which Latin-1 files are too), if it reads as Western
    European text; else None.

    On a short text the statistical guess often names a code page that decodes
    most accented letters alike (cp1257 or cp1250 for French, "déją"), so this
    commonest legacy encoding is tried first. Other scripts (Arabic, Cyrillic,
    Greek, Hebrew) read as it give implausible text, and Turkish or Baltic text
    gives letters only Icelandic uses (but not Icelandic's words); both are left
    to the guess.
    """
    try:
        text = data.decode(WESTERN)
    except UnicodeDecodeError:
        return None
    if mess_ratio(text[:_CHAOS_SAMPLE], maximum_threshold=1.0) > _WESTERN_CHAOS:
        return None
    if _NOT_WESTERN.search(text) and not _icelandic(text):
        return None
    return text


def _icelandic(text: str) -> bool:
    """Whether `text` reads as Icelandic: two or more of its commonest such words."""
    return len({word.lower() for word in _ICELANDIC_WORDS.findall(text[:_CHAOS_SAMPLE])}) >= 2


def _known_codec(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def _check_is_text(text: str) -> None:
    """Refuse binary data that happened to decode: NULs or many control characters."""
    controls = sum(
        1 for char in text[:65536] if unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROLS
    )
    if "\x00" in text or controls > len(text[:65536]) / 1000:
        raise ImportRefused(f"This file is binary data, not text; only {ACCEPTED} can be imported.")


def refuse_unfit_text(text: str) -> None:
    """ImportRefused for a text no source may have (archive.sources.text_rules), with its message."""
    try:
        check_text(text=text)
    except ValidationError as error:
        raise ImportRefused(" ".join(error.messages)) from None


def _check_plausible(text: str, encoding: str) -> None:
    """Refuse text whose characters are implausible as writing (mojibake, a wrong
    decoding): charset-normalizer's chaos score over CHAOS_LIMIT."""
    chaos = mess_ratio(text[:_CHAOS_SAMPLE], maximum_threshold=1.0)
    if chaos > CHAOS_LIMIT:
        raise ImportRefused(
            f"This file decodes (as {encoding_label(encoding)}) to implausible characters "
            f"(chaos score {chaos:.2f}, over {CHAOS_LIMIT}): it is probably not text in that encoding, "
            "or it is already garbled. Save it as UTF-8 and import it again."
        )


def encoding_label(encoding: str) -> str:
    """An encoding as people write it: UTF-16, not utf-16 or utf_16."""
    name = codecs.lookup(encoding).name
    if name.startswith("utf"):
        return name.removesuffix("-sig").upper()
    return name


def _looks_like(data: bytes, declared_charset: str | None) -> str:
    """What bytes that are not what their name says look like, for the refusal."""
    try:
        text, encoding = decode_text(data, declared_charset=declared_charset)
        _check_is_text(text)
    except ImportRefused:
        return "binary data"
    if _HTML_START.match(text) or _XML_START.match(text):
        return f"an HTML or XML page in {encoding_label(encoding)}"
    return f"{encoding_label(encoding)} text"
