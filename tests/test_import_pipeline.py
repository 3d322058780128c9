"""Importing files as sources: each type, originals kept, duplicates, refusals, the real article."""

import tempfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from archive.core.text import normalize_text, sha256_hex
from archive.models import CaptureMethod, Derivation, Source
from archive.sources.importing.extract import extract
from archive.sources.importing.pipeline import ImportStatus, examine_file, import_examined
from archive.sources.provenance import lineage
from archive.sources.storage import original_name
from archive.sources.writes import create_source
from tests.conftest import SHARED_DIR
from tests.documents import article_html, docx_bytes, pdf_bytes
from tests.factories import OutletFactory
from tests.media import stored_files


def run_import(workspace, user, data: bytes, filename: str, **options):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        path.write_bytes(data)
        return import_examined(workspace=workspace, user=user, examined=examine_file(path), **options)


def test_plain_text_is_imported_with_its_original_stored_unchanged(workspace, analyst):
    data = b"Daraa withstood.\r\nAleppo fell.\r\n"
    result = run_import(workspace, analyst, data, "notes.txt")
    source = result.source
    assert result.status == ImportStatus.IMPORTED
    assert source.original.name == original_name(sha256_hex(data))
    with default_storage.open(source.original.name, "rb") as stored:
        assert stored.read() == data
    assert source.original_sha256 == sha256_hex(data)


def test_text_is_normalized_once_and_its_hash_kept(workspace, analyst):
    decomposed = "Cafe\u0301 in Daraa\r\nsecond line"
    source = run_import(workspace, analyst, decomposed.encode(), "cafe.txt").source
    assert source.text == "Caf\u00e9 in Daraa\nsecond line"
    assert source.text_sha256 == sha256_hex(source.text)


def test_what_normalizing_changed_is_reported_and_kept_with_the_capture(workspace, analyst):
    decomposed = "Cafe\u0301 in Daraa\r\nA\u030a and o\u0308\r\nlast"
    result = run_import(workspace, analyst, decomposed.encode(), "cafe.txt")
    said = "normalized: 3 characters to Unicode NFC, 2 line breaks to \\n"
    assert result.message == said
    assert result.source.capture.extraction == f"text as decoded (utf-8); {said}"


def test_text_that_needed_no_normalizing_says_nothing(workspace, analyst):
    result = run_import(workspace, analyst, b"Already normal.\n", "plain.txt")
    assert result.message == ""
    assert result.source.capture.extraction == "text as decoded (utf-8)"


def test_arabic_text_in_windows_1256_gets_arabic_language_and_rtl(workspace, analyst):
    arabic = "قال المجلس المحلي إن محطة المياه توقفت عن العمل صباح الثلاثاء بعد القصف."
    source = run_import(workspace, analyst, arabic.encode("cp1256"), "statement.txt").source
    assert (source.text, source.language, source.direction) == (arabic, "ar", "rtl")
    assert "cp1256" in source.capture.extraction


def test_markdown_keeps_its_text_and_takes_the_heading_as_title(workspace, analyst):
    source = run_import(workspace, analyst, b"# Field notes\n\nThe *station* stopped.", "notes.md").source
    assert (source.media_type, source.title) == ("text/markdown", "Field notes")
    assert source.text == "# Field notes\n\nThe *station* stopped."


def test_html_main_text_is_extracted_without_scripts_styles_or_navigation(workspace, analyst):
    source = run_import(workspace, analyst, article_html(), "story.html").source
    assert "three shells fell on the pump building" in source.text
    for left_out in ("do-not-extract-me", "injected-by-script", "display: none", "Home", "Copyright"):
        assert left_out not in source.text


def test_html_metadata_is_used_for_title_author_outlet_and_date(workspace, analyst):
    source = run_import(workspace, analyst, article_html(), "story.html").source
    assert source.title == "Water station out of service after shelling"
    assert source.authors == ["Samer al-Hourani"]
    assert source.outlet.name == "Hawran Voice"
    assert source.published_on.isoformat() == "2026-03-10"


def test_a_page_without_a_date_in_its_markup_gets_none_from_years_in_its_text(workspace, analyst):
    page = article_html("The station, built in 2012, stopped on Tuesday. Copyright 2009-2024.")
    page = page.replace(b'<meta property="article:published_time" content="2026-03-10T08:00:00Z">', b"")
    assert run_import(workspace, analyst, page, "story.html").source.published_on is None


def test_pdf_text_layer_and_document_info_are_imported(workspace, analyst):
    data = pdf_bytes("Russian airstrikes were increased, reaching 120 a week.", title="Why Aleppo Fell")
    source = run_import(workspace, analyst, data, "report.pdf").source
    assert source.media_type == "application/pdf"
    assert source.text == "Russian airstrikes were increased, reaching 120 a week."
    assert source.title == "Why Aleppo Fell"


def test_a_word_documents_paragraphs_and_tables_are_imported_in_order(workspace, analyst):
    data = docx_bytes(
        "محطة المياه في تل الزيتون خارج الخدمة",
        "The pumps stopped on Monday.",
        table=[["Day", "Hours without water"], ["Monday", "18"]],
        title="Statement of the water directorate",
        author="Samer al-Hourani; Second Author",
        language="ar-SY",
    )
    source = run_import(workspace, analyst, data, "statement.docx").source
    assert source.media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert source.text == (
        "محطة المياه في تل الزيتون خارج الخدمة\n\nThe pumps stopped on Monday.\n\n"
        "Day\tHours without water\nMonday\t18"
    )
    assert (source.title, source.authors) == (
        "Statement of the water directorate",
        ["Samer al-Hourani", "Second Author"],
    )
    assert (source.language, source.published_on) == ("ar-SY", None)
    assert source.original_sha256 == sha256_hex(data)


def test_a_word_document_without_a_title_is_titled_by_its_first_line(workspace, analyst):
    source = run_import(workspace, analyst, docx_bytes("Water station hit", "More words."), "s.docx").source
    assert source.title == "Water station hit"


def test_import_records_how_the_source_came_in(workspace, analyst):
    source = run_import(workspace, analyst, b"Plain words.", "plain.txt").source
    assert (source.capture.method, source.capture.filename) == (CaptureMethod.FILE, "plain.txt")
    assert source.history.first().history_change_reason == "imported from file plain.txt"
    assert source.captured_by == analyst


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"#!/usr/bin/env python\nimport os\n", "script.txt"),
        (b"\x7fELF\x02\x01\x01" + bytes(60), "program.txt"),
        (pdf_bytes("Hidden") + b"<script>alert(1)</script>", "polyglot.pdf"),
        (pdf_bytes(), "scan.pdf"),
        (b"", "empty.txt"),
        (b"\xff\xfe\x00bad", "bad.pdf"),
        (docx_bytes(), "empty.docx"),
    ],
    ids=[
        "script",
        "executable",
        "polyglot",
        "pdf-without-text",
        "empty",
        "named-pdf-but-utf16",
        "empty-docx",
    ],
)
def test_refused_input_fails_with_a_message_and_stores_nothing(workspace, analyst, data, filename):
    before = stored_files()
    result = run_import(workspace, analyst, data, filename)
    assert result.status == ImportStatus.FAILED and result.message
    assert Source.objects.count() == 0
    assert stored_files() == before


def test_oversized_file_is_refused_before_it_is_read_whole(workspace, analyst, settings):
    settings.IMPORT_MAX_BYTES = 2048
    result = run_import(workspace, analyst, b"x" * 5000, "big.txt")
    assert result.status == ImportStatus.FAILED
    assert "larger than the limit" in result.message


def test_metadata_the_model_refuses_fails_and_removes_the_stored_original(workspace, analyst):
    data = b"A text whose language tag will be refused."
    result = run_import(workspace, analyst, data, "bad-language.txt", language="not a tag")
    assert result.status == ImportStatus.FAILED
    assert not default_storage.exists(original_name(sha256_hex(data)))


def test_same_bytes_again_are_reported_as_a_duplicate_of_the_existing_source(workspace, analyst):
    data = b"The same statement, imported twice."
    first = run_import(workspace, analyst, data, "one.txt").source
    again = run_import(workspace, analyst, data, "two.txt")
    assert (again.status, again.source) == (ImportStatus.DUPLICATE, first)
    assert "same file" in again.message
    assert Source.objects.count() == 1


def test_same_text_in_other_bytes_is_reported_as_a_duplicate(workspace, analyst):
    first = run_import(workspace, analyst, b"Line one\nLine two", "unix.txt").source
    again = run_import(workspace, analyst, b"Line one\r\nLine two", "windows.txt")
    assert (again.status, again.source) == (ImportStatus.DUPLICATE, first)
    assert "same text" in again.message


def test_a_duplicate_can_be_imported_on_purpose(workspace, analyst):
    data = b"Republished word for word."
    run_import(workspace, analyst, data, "one.txt")
    again = run_import(workspace, analyst, data, "two.txt", allow_duplicate=True)
    assert again.status == ImportStatus.IMPORTED
    assert Source.objects.count() == 2


def test_the_same_file_in_another_workspace_is_not_a_duplicate(workspace, analyst, outsider):
    data = b"Shared between cases."
    run_import(workspace, analyst, data, "a.txt")
    other = run_import(outsider.memberships.get().workspace, outsider, data, "a.txt")
    assert other.status == ImportStatus.IMPORTED


@pytest.fixture
def corpus_bytes(corpus_text) -> bytes:
    return (SHARED_DIR / "corpus" / "baladi-aleppo-daraa.txt").read_bytes()


def test_real_article_imports_as_republication_of_a_translation_with_its_chain_and_hashes(
    workspace, analyst, corpus_bytes, corpus_text
):
    baladi = OutletFactory(workspace=workspace, name="Baladi News", language="ar", reliability="C")
    original = create_source(
        workspace=workspace,
        user=analyst,
        title="لماذا سقطت حلب وصمدت درعا أمام اجتياح الأسد؟",
        text="لماذا سقطت حلب، أكبر المدن السورية، بينما صمدت درعا، مهد الثورة؟",
        language="ar",
        authors=["تركي مصطفى"],
        outlet=baladi,
    )
    translation = create_source(
        workspace=workspace,
        user=analyst,
        title="Why Aleppo Fell and Daraa Withstood Assad's Invasion",
        text="Why did Aleppo, the largest Syrian city, fall, whereas Daraa withstood?",
        language="en",
        outlet=baladi,
        derived_from=original,
        derivation=Derivation.TRANSLATION,
    )
    result = run_import(
        workspace,
        analyst,
        corpus_bytes,
        "baladi-aleppo-daraa.txt",
        outlet_name="It's Over 9000!",
        derived_from=translation,
        derivation=Derivation.REPUBLICATION,
    )
    republication = result.source
    assert [source.derivation or "original" for source in republication.derivation_chain()] == [
        "republication",
        "translation",
        "original",
    ]
    assert republication.original_sha256 == sha256_hex(corpus_bytes)
    assert republication.text_sha256 == sha256_hex(normalize_text(corpus_text))
    assert republication.title.startswith("Why Aleppo Fell and Daraa Withstood")
    assert "reaching 120 a week" in republication.text
    descendants = lineage(original).descendants
    assert descendants[0].source == translation
    assert descendants[0].children[0].source == republication


def extract_proposal(text: str):
    """What importing the corpus article as a text file proposes."""
    return extract(text.encode("utf-8"), filename="baladi-aleppo-daraa.txt").proposal


def test_the_text_files_title_drops_the_name_of_the_workspaces_outlet_it_ends_with(
    workspace, analyst, corpus_text
):
    blog = OutletFactory(workspace=workspace, name="It's Over 9000!")
    source = run_import(workspace, analyst, corpus_text.encode(), "baladi-aleppo-daraa.txt").source
    assert (source.title, source.outlet) == ("Why Aleppo Fell and Daraa Withstood Assad's Invasion…", blog)


def test_the_byline_in_the_text_is_proposed_as_the_author(corpus_text):
    assert extract_proposal(corpus_text).authors == ["Turki Mostafa"]
