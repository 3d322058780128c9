"""Malformed and unusual files: refused with a reason (never a crash), decoded right, or
kept with only the metadata a source can take."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.models import Job, Source
from archive.sources.importing import ImportRefused
from archive.sources.importing.detect import PDF, detect
from archive.sources.importing.extract import extract
from tests.documents import article_html, docx_bytes, pdf_bytes, with_part

WORD_NAMESPACE = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def refusal(data: bytes, filename: str) -> str:
    with pytest.raises(ImportRefused) as refused:
        extract(data, filename=filename)
    return refused.value.message


def _without_content_types_namespace(part: bytes) -> bytes:
    return part.replace(b' xmlns="http://schemas.openxmlformats.org/package/2006/content-types"', b"")


MALFORMED_WORD_DOCUMENTS = {
    "content-types-without-namespace": ("[Content_Types].xml", _without_content_types_namespace),
    "document-with-a-foreign-root": ("word/document.xml", lambda part: b"<foo/>"),
    "document-without-body": (
        "word/document.xml",
        lambda part: b'<w:document xmlns:w="' + WORD_NAMESPACE + b'"/>',
    ),
    "core-properties-with-a-foreign-root": ("docProps/core.xml", lambda part: b'<foo xmlns="urn:x"/>'),
}


def malformed_word_document(kind: str) -> bytes:
    part, change = MALFORMED_WORD_DOCUMENTS[kind]
    return with_part(docx_bytes("The pumps stopped on Tuesday."), part, change)


def pdf_whose_root_is_a_number() -> bytes:
    return pdf_bytes("The pumps stopped.").replace(b"/Root 1 0 R", b"/Root 7    ")


def pdf_with_an_xref_table_larger_than_the_file() -> bytes:
    # pypdf refuses it with its LimitReachedError.
    return pdf_bytes("The pumps stopped.").replace(b"xref\n0 7", b"xref\n0 99999")


# --- unreadable files are refused --------------------------------------------------


@pytest.mark.parametrize("kind", MALFORMED_WORD_DOCUMENTS)
def test_a_malformed_word_document_is_refused_as_unreadable(kind):
    assert refusal(malformed_word_document(kind), "report.docx").startswith(
        "This file cannot be read: it is a damaged or malformed Word document ("
    )


@pytest.mark.parametrize(
    "data",
    [pdf_whose_root_is_a_number(), pdf_with_an_xref_table_larger_than_the_file()],
    ids=["root-is-a-number", "xref-limit-reached"],
)
def test_a_malformed_pdf_is_refused_as_unreadable(data):
    assert refusal(data, "report.pdf").startswith(
        "This file cannot be read: it is a damaged or malformed PDF ("
    )


def test_an_unreadable_upload_is_refused_on_the_import_page(client, analyst, workspace):
    client.force_login(analyst)
    upload = SimpleUploadedFile("report.docx", malformed_word_document("content-types-without-namespace"))
    response = client.post(reverse("archive:import", args=[workspace.slug]), {"file": upload})
    assert response.status_code == 400
    assert "This file cannot be read: it is a damaged or malformed Word document" in response.content.decode()


def test_an_import_job_refuses_an_unreadable_file_by_name_and_imports_the_others(client, analyst, workspace):
    client.force_login(analyst)
    files = [
        SimpleUploadedFile("broken.pdf", pdf_whose_root_is_a_number()),
        SimpleUploadedFile("notes.txt", b"The road to Daraa was cut on Tuesday."),
    ]
    client.post(reverse("archive:import", args=[workspace.slug]), {"file": files})
    job = Job.objects.get()
    assert "broken.pdf" in job.summary and "This file cannot be read" in job.summary
    assert list(Source.objects.values_list("text", flat=True)) == ["The road to Daraa was cut on Tuesday."]


def test_the_import_command_refuses_an_unreadable_file_by_name_and_imports_the_others(workspace, tmp_path):
    (tmp_path / "broken.docx").write_bytes(malformed_word_document("document-without-body"))
    (tmp_path / "notes.txt").write_bytes(b"The road to Daraa was cut on Tuesday.")
    out = io.StringIO()
    with pytest.raises(CommandError):  # a refused file makes the command fail, after the others
        call_command(
            "import_sources", "--workspace", workspace.slug, str(tmp_path), stdout=out, stderr=io.StringIO()
        )
    assert "broken.docx: This file cannot be read" in out.getvalue()
    assert Source.objects.count() == 1


# --- Western European text in a legacy encoding ------------------------------------

WESTERN_TEXTS = {
    "french": "Il était déjà tard après la réunion : les élèves ont reçu leurs résultats à Noël.",
    "spanish": "En otoño, la niña española comió piñones y jamón en la montaña.",
    "german": "Die Straße war während des Frühlings gesperrt. Müller äußerte große Bedenken.",
    "icelandic": "Það var kalt í Reykjavík í gær og fólkið beið eftir strætó við stöðina í Þingholtunum.",
}


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
@pytest.mark.parametrize("language", WESTERN_TEXTS)
def test_western_european_text_in_a_legacy_encoding_is_decoded_as_windows_1252(language, encoding):
    text = WESTERN_TEXTS[language]
    detected = detect(text.encode(encoding), filename="notes.txt")
    assert (detected.text, detected.encoding) == (text, "cp1252")


def test_a_text_labelled_latin_1_is_read_as_windows_1252_as_browsers_do():
    # Its quotes and dashes are control codes in Latin-1.
    text = "It\u2019s \u201cquoted\u201d \u2014 the caf\u00e9 said."
    assert detect(text.encode("cp1252"), declared_charset="ISO-8859-1").text == text


# --- a PDF that mentions HTML -------------------------------------------------------


def test_a_page_with_a_script_over_the_parsers_10_mb_text_limit_keeps_its_text():
    script = "var bundle = 1;" * 750_000  # 11 MB in one text node
    page = f"<html><head><script>{script}</script></head><body><p>The pumps stopped.</p></body></html>"
    assert extract(page.encode(), filename="page.html").text == "The pumps stopped."


def nested(depth: int) -> bytes:
    return (
        "<html><body><p>The pumps stopped at dawn.</p>"
        + "<div>" * depth
        + "<p>Deep in the markup.</p>"
        + "</div>" * depth
        + "<p>Water returned at noon.</p></body></html>"
    ).encode()


def test_a_page_nested_deeper_than_the_parsers_default_limit_keeps_all_its_text():
    text = extract(nested(300), filename="page.html").text
    assert "Deep in the markup." in text
    assert text.endswith("Water returned at noon.")


def test_a_page_nested_past_any_limit_is_refused_rather_than_imported_cut_short():
    with pytest.raises(ImportRefused) as refused:
        extract(nested(3000), filename="page.html")
    assert "nests deeper than any page should" in str(refused.value)


def test_a_page_with_a_visible_text_over_10_mb_keeps_the_text_after_it():
    page = f"<html><body><p>Intro.</p><p>{'word ' * 2_200_000}</p><p>After the long one.</p></body></html>"
    assert extract(page.encode(), filename="page.html").text.endswith("After the long one.")


def test_an_xhtml_page_declaring_its_encoding_is_read():
    page = (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
        "<body><p>Caf\u00e9 owners said the water returned.</p></body></html>"
    )
    assert extract(page.encode(), filename="page.xhtml").text == "Caf\u00e9 owners said the water returned."


def test_a_style_mentioning_a_script_tag_keeps_the_text_after_it():
    page = (
        '<html><head><style>p::after { content: "<script>"; }</style></head><body><p>Kept.</p></body></html>'
    )
    assert extract(page.encode(), filename="page.html").text == "Kept."


def test_a_pdf_whose_text_mentions_html_tags_is_imported():
    extraction = extract(pdf_bytes("Write <html> and <body> tags around the page."), filename="guide.pdf")
    assert (extraction.media_type, extraction.text) == (PDF, "Write <html> and <body> tags around the page.")


# --- web archives ---------------------------------------------------------------------


def warc_bytes(*, gzipped: bool) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    body = article_html()
    record = writer.create_warc_record(
        "https://example.org/article",
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
    )
    writer.write_record(record)
    return out.getvalue()


@pytest.mark.parametrize(("gzipped", "filename"), [(False, "page.warc"), (True, "page.warc.gz")])
def test_a_warc_file_is_refused_saying_to_capture_the_page_instead(gzipped, filename):
    assert refusal(warc_bytes(gzipped=gzipped), filename) == (
        "WARC files cannot be imported: capture the page by its URL, or upload the page itself."
    )


# --- proposals a source can take ----------------------------------------------------


def test_a_word_documents_template_author_is_not_proposed():
    # What python-docx's default template leaves in a document given no properties of its own.
    template = docx_bytes("The pumps stopped.", author="python-docx")
    assert extract(template, filename="report.docx").proposal.authors == []


@pytest.mark.parametrize("filename", ["report.docx", "report.pdf"])
def test_a_files_creation_date_is_not_proposed_as_its_publication_date(filename):
    # A page printed to PDF today was made today, not published today.
    made = datetime.datetime(2026, 3, 10, 9, 0)
    data = (
        docx_bytes("The pumps stopped.", created=made)
        if filename.endswith(".docx")
        else pdf_bytes("The pumps stopped.", created=made)
    )
    assert extract(data, filename=filename).proposal.published_on is None


def test_a_language_tag_too_long_for_a_source_is_not_proposed():
    lang = "en-" + "-".join(["abcdefgh"] * 5)  # 47 characters: a valid shape, over the 35 a source takes
    assert extract(article_html(lang=lang), filename="story.html").proposal.language == "en"
