"""How a source's text was obtained, as pages say it: in words, while what is
recorded with its capture (and exported) stays as it was recorded."""

from django.urls import reverse

from archive.sources.importing.extract import how_extracted
from tests.factories import CaptureFactory, SourceFactory


def test_a_decoded_text_is_said_to_be_read_in_its_encoding():
    assert how_extracted("text as decoded (utf-8)") == "read as UTF-8"


def test_a_decoded_text_recorded_as_earlier_versions_did_is_said_to_be_read_in_its_encoding():
    assert how_extracted("text as is (windows-1256)") == "read as windows-1256"


def test_what_normalizing_changed_follows_how_the_text_was_read():
    recorded = "text as decoded (utf-16); normalized: 1 character to Unicode NFC"
    assert how_extracted(recorded) == "read as UTF-16; normalized: 1 character to Unicode NFC"


def test_a_pasted_text_is_said_to_be_as_pasted():
    assert how_extracted("pasted text") == "as pasted"


def test_a_page_is_said_to_be_extracted_by_its_tool_from_the_page_read_in_its_encoding():
    assert how_extracted("trafilatura 2.0.0, main content (utf-8)") == (
        "extracted by trafilatura 2.0.0, main content, from the page read as UTF-8"
    )


def test_a_document_is_said_to_be_extracted_by_its_tool():
    assert how_extracted("pypdf 5.1.0") == "extracted by pypdf 5.1.0"


def test_an_encoding_this_python_does_not_know_is_named_as_recorded():
    assert how_extracted("text as decoded (x-klingon)") == "read as x-klingon"


def test_provenance_page_says_how_the_text_was_read_in_words(client, analyst, workspace):
    source = SourceFactory(workspace=workspace, title="Report")
    CaptureFactory(source=source, filename="report.txt", extraction="text as decoded (utf-8)")
    client.force_login(analyst)
    page = client.get(reverse("archive:source_provenance", args=[workspace.slug, source.pk])).content.decode()
    assert "report.txt</span>; text read as UTF-8</dd>" in page
    assert "as decoded" not in page


def test_prov_export_keeps_the_extraction_method_as_recorded(client, analyst, workspace):
    source = SourceFactory(workspace=workspace, title="Report")
    CaptureFactory(source=source, extraction="text as decoded (utf-8)")
    client.force_login(analyst)
    exported = client.get(reverse("archive:source_prov_json", args=[workspace.slug, source.pk]))
    assert "text as decoded (utf-8)" in exported.content.decode()
