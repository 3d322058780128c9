"""Small real documents for import tests: PDFs with and without a text layer,
Word documents, and an article page as HTML."""

import datetime
import io
import zipfile

import docx


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"({escaped})".encode("latin-1")


def pdf_bytes(
    *lines: str, title: str = "", author: str = "", created: datetime.datetime | None = None
) -> bytes:
    """A one-page PDF showing `lines` in Helvetica (no lines: a page without text)."""
    content = (
        b"BT /F1 12 Tf 72 720 Td 16 TL " + b" ".join(_pdf_string(line) + b" '" for line in lines) + b" ET"
    )
    info = b"<< " + (b"/Title " + _pdf_string(title) if title else b"")
    info += b" /Author " + _pdf_string(author) if author else b""
    info += (
        b" /CreationDate " + _pdf_string(created.strftime("D:%Y%m%d%H%M%S")) if created else b""
    ) + b" >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        info,
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


ARTICLE_TEXT = (
    "The water station in Tell al-Zaytoun stopped working on Tuesday morning after three shells "
    "fell on the pump building, according to the local council and two residents. "
    "About fifteen thousand people are now without drinking water, and tankers sell it at two "
    "thousand pounds a barrel."
)


def article_html(text: str = ARTICLE_TEXT, *, lang: str = "en") -> bytes:
    """A news article page with navigation, scripts and styles around the story."""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
  <meta charset="utf-8">
  <title>Water station out of service after shelling</title>
  <meta name="author" content="Samer al-Hourani">
  <meta property="og:site_name" content="Hawran Voice">
  <meta property="article:published_time" content="2026-03-10T08:00:00Z">
  <style>body {{ color: red; }} .secret-style {{ display: none; }}</style>
  <script>var trackingSecret = "do-not-extract-me";</script>
</head>
<body>
  <nav><a href="/">Home</a> <a href="/news">News</a></nav>
  <article>
    <h1>Water station out of service after shelling</h1>
    <p>{text}</p>
    <script>document.write("injected-by-script");</script>
    <p>Residents said repairs could take weeks, as spare parts must come from Damascus.</p>
  </article>
  <footer>Copyright Hawran Voice</footer>
</body>
</html>""".encode()


def docx_bytes(
    *paragraphs: str,
    table: list[list[str]] | None = None,
    title: str = "",
    author: str = "",
    language: str = "",
    created: datetime.datetime | None = None,
) -> bytes:
    """A Word document of `paragraphs`, then `table` (rows of cells) if given, with these core properties."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        made = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(made.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    properties = document.core_properties
    properties.title, properties.author, properties.language = title, author, language
    properties.created = created or datetime.datetime(2026, 3, 10, 9, 0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_part(data: bytes, name: str, change) -> bytes:
    """A copy of an office document whose part `name` is `change(part)` (bytes to bytes)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy:
        for item in source.infolist():
            part = source.read(item)
            copy.writestr(item, change(part) if item.filename == name else part)
    return out.getvalue()


def with_main_part_type(data: bytes, content_type: str) -> bytes:
    """A copy of a Word document whose [Content_Types].xml names another main part type."""
    word = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    return with_part(data, "[Content_Types].xml", lambda part: part.replace(word, content_type.encode()))


def zip_bytes(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return out.getvalue()
