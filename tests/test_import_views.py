"""Importing in the browser: upload, proposed metadata, confirmation; original downloads."""

import datetime
import os
import re
import time

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.core.text import sha256_hex
from archive.models import Job, Outlet, Source, UnarchivedOriginal
from archive.sources.importing.staging import STAGING_DIR, stage
from tests.documents import article_html, docx_bytes
from tests.factories import OutletFactory, SourceFactory
from tests.media import stored_files


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def upload(client, workspace, **data):
    return client.post(reverse("archive:import", args=[workspace.slug]), data)


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def confirm(client, workspace, token: str, **overrides):
    data = {"token": token, "title": "Confirmed title", "language": "en", "direction": "ltr"} | overrides
    return client.post(reverse("archive:import_confirm", args=[workspace.slug]), data)


def test_upload_proposes_the_metadata_found_in_the_file(analyst_client, workspace):
    response = upload(analyst_client, workspace, file=SimpleUploadedFile("story.txt", article_html()))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Water station out of service after shelling"' in page
    assert "Samer al-Hourani" in page
    assert 'value="Hawran Voice"' in page
    assert 'value="2026-03-10"' in page


def test_a_new_outlets_name_is_typed_in_its_own_direction(analyst_client, workspace):
    page = upload(analyst_client, workspace, text="نص البيان.").content.decode()
    field = re.search(r'<input[^>]*name="new_outlet"[^>]*>', page)[0]
    assert 'dir="auto"' in field


def test_opening_the_confirm_address_goes_to_the_import_page(analyst_client, workspace):
    # After a refused confirmation, the address bar shows the confirm URL: Enter there is a GET.
    response = analyst_client.get(reverse("archive:import_confirm", args=[workspace.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("archive:import", args=[workspace.slug])


def test_upload_alone_creates_no_source(analyst_client, workspace):
    upload(analyst_client, workspace, file=SimpleUploadedFile("story.html", article_html()))
    assert Source.objects.count() == 0


def test_confirming_saves_the_source_with_the_edited_metadata(analyst_client, workspace, analyst):
    proposed = upload(analyst_client, workspace, file=SimpleUploadedFile("story.html", article_html()))
    response = confirm(
        analyst_client,
        workspace,
        token_of(proposed),
        title="Edited title",
        authors="Samer al-Hourani\nSecond Author",
        new_outlet="Hawran Voice",
        published_on="2026-03-11",
    )
    source = Source.objects.get()
    assert response["Location"] == reverse("archive:source", args=[workspace.slug, source.pk])  # to read it
    assert (source.title, source.authors) == ("Edited title", ["Samer al-Hourani", "Second Author"])
    assert source.outlet == Outlet.objects.get(name="Hawran Voice")
    assert source.published_on.isoformat() == "2026-03-11"
    assert (source.capture.filename, source.captured_by) == ("story.html", analyst)


def test_confirming_with_both_a_chosen_and_a_new_outlet_asks_for_one_and_saves_nothing(
    analyst_client, workspace
):
    chosen = OutletFactory(workspace=workspace, name="Enab Baladi")
    proposed = upload(analyst_client, workspace, file=SimpleUploadedFile("story.html", article_html()))
    response = confirm(
        analyst_client, workspace, token_of(proposed), outlet=chosen.pk, new_outlet="Hawran Voice"
    )
    assert response.status_code == 400
    assert "Choose an outlet from the list or type a new one, not both" in response.content.decode()
    assert not Source.objects.exists() and not Outlet.objects.filter(name="Hawran Voice").exists()


def test_an_uploaded_files_name_in_any_script_is_kept(analyst_client, workspace):
    proposed = upload(analyst_client, workspace, file=SimpleUploadedFile("تقرير المياه.html", article_html()))
    confirm(analyst_client, workspace, token_of(proposed))
    assert Source.objects.get().capture.filename == "تقرير المياه.html"


def test_confirming_removes_the_staged_upload(analyst_client, workspace):
    data = b"Staged, then archived."
    staged = f"{STAGING_DIR}/{sha256_hex(data)}"
    proposed = upload(analyst_client, workspace, file=SimpleUploadedFile("note.txt", data))
    assert default_storage.exists(staged)
    confirm(analyst_client, workspace, token_of(proposed))
    assert not default_storage.exists(staged)


def test_pasted_text_is_imported_as_plain_text(analyst_client, workspace):
    proposed = upload(analyst_client, workspace, text="<b>Pasted</b> words stay as they are.")
    confirm(analyst_client, workspace, token_of(proposed))
    source = Source.objects.get()
    assert (source.text, source.media_type) == ("<b>Pasted</b> words stay as they are.", "text/plain")


def test_refused_upload_says_why_and_stores_nothing(analyst_client, workspace):
    before = stored_files()
    response = upload(
        analyst_client, workspace, file=SimpleUploadedFile("notes.txt", b"#!/bin/sh\nrm -rf ~\n")
    )
    assert response.status_code == 400
    assert "This file is a script" in response.content.decode()
    assert stored_files() == before


def test_upload_named_as_a_pdf_with_other_bytes_is_refused_naming_both(analyst_client, workspace):
    response = upload(analyst_client, workspace, file=SimpleUploadedFile("bad.pdf", b"\xff\xfe\x00bad"))
    assert response.status_code == 400
    assert "bad.pdf is named as a PDF but its bytes are not a PDF (they look like UTF-16 text)" in (
        response.content.decode()
    )
    assert Source.objects.count() == 0


def test_confirm_page_says_what_normalizing_changed(analyst_client, workspace):
    data = "Cafe\u0301 in Daraa\r\nsecond line\r\n".encode()
    proposed = upload(analyst_client, workspace, file=SimpleUploadedFile("cafe.txt", data))
    page = proposed.content.decode()
    assert "characters, read as UTF-8" in page
    assert "1 character rewritten to Unicode NFC" in page
    assert "2 line breaks (CRLF, CR or Unicode separators) made \\n" in page
    saved = confirm(analyst_client, workspace, token_of(proposed))
    shown = analyst_client.get(saved["Location"]).content.decode()
    assert "Text normalized: 1 character to Unicode NFC, 2 line breaks to \\n." in shown


def test_confirm_page_says_when_nothing_was_normalized(analyst_client, workspace):
    page = upload(analyst_client, workspace, file=SimpleUploadedFile("a.txt", b"Plain.\n")).content.decode()
    assert "nothing: the text is stored exactly as extracted" in page


def test_pasted_texts_crlf_line_breaks_from_the_form_are_not_reported_as_normalized(
    analyst_client, workspace
):
    # A browser sends every line break of a textarea as CRLF.
    proposed = upload(analyst_client, workspace, text="First line\r\nSecond line\r\n")
    assert "nothing: the text is stored exactly as extracted" in proposed.content.decode()
    saved = confirm(analyst_client, workspace, token_of(proposed))
    shown = analyst_client.get(saved["Location"]).content.decode()
    assert "Imported “\u2068Confirmed title\u2069”." in shown
    assert "normalized" not in shown


def test_pasted_texts_original_holds_its_line_breaks_as_the_textarea_did(analyst_client, workspace):
    proposed = upload(analyst_client, workspace, text="First line\r\nSecond line")
    confirm(analyst_client, workspace, token_of(proposed))
    source = Source.objects.get()
    with default_storage.open(source.original.name, "rb") as stored:
        assert stored.read() == b"First line\nSecond line"
    assert source.original_sha256 == source.text_sha256


def test_pasted_text_still_says_what_else_normalizing_changed(analyst_client, workspace):
    page = upload(analyst_client, workspace, text="Cafe\u0301 in Daraa\r\nsecond line").content.decode()
    assert "1 character rewritten to Unicode NFC" in page
    assert "line break" not in page.split("Normalized", 1)[1].split("</dd>", 1)[0]


def test_a_typed_outlet_name_of_an_existing_outlet_says_it_was_attached_to_it(analyst_client, workspace):
    existing = OutletFactory(workspace=workspace, name="Enab Baladi", reliability="B")
    proposed = upload(analyst_client, workspace, text="A report from Daraa.")
    saved = confirm(analyst_client, workspace, token_of(proposed), new_outlet="Enab Baladi")
    shown = analyst_client.get(saved["Location"]).content.decode()
    assert Source.objects.get().outlet == existing
    assert "Attached to the existing outlet “\u2068Enab Baladi\u2069” (B: usually reliable)." in shown


def test_a_typed_outlet_name_that_differs_says_which_existing_outlet_it_matched(analyst_client, workspace):
    existing = OutletFactory(workspace=workspace, name="Enab Baladi", reliability="B")
    proposed = upload(analyst_client, workspace, text="A report from Daraa.")
    saved = confirm(analyst_client, workspace, token_of(proposed), new_outlet="enab  BALADI")
    shown = analyst_client.get(saved["Location"]).content.decode()
    assert Source.objects.get().outlet == existing
    assert (
        "Attached to the existing outlet “\u2068Enab Baladi\u2069” (B: usually reliable), "
        "which the name “\u2068enab BALADI\u2069” matched."
    ) in shown
    assert Outlet.objects.filter(workspace=workspace).count() == 1


def test_oversized_upload_is_refused_with_the_limit(analyst_client, workspace, settings):
    settings.IMPORT_MAX_BYTES = 1024
    response = upload(analyst_client, workspace, file=SimpleUploadedFile("big.txt", b"a" * 2048))
    assert response.status_code == 400
    assert "larger than the limit of 1.0" in response.content.decode()


def test_upload_needs_exactly_one_input(analyst_client, workspace):
    response = upload(analyst_client, workspace, text="Some text", url="https://example.org/")
    assert response.status_code == 400
    assert "Give one file, one pasted text or one URL." in response.content.decode()


def test_duplicate_is_shown_with_a_link_to_the_existing_source(analyst_client, workspace):
    existing = SourceFactory(workspace=workspace, text="Already archived text.")
    response = upload(
        analyst_client, workspace, file=SimpleUploadedFile("again.txt", b"Already archived text.")
    )
    link = reverse("archive:source_provenance", args=[workspace.slug, existing.pk])
    assert "Already archived" in response.content.decode()
    assert f'href="{link}"' in response.content.decode()


def test_confirming_a_duplicate_without_asking_for_a_copy_saves_nothing(analyst_client, workspace):
    SourceFactory(workspace=workspace, text="Already archived text.")
    proposed = upload(
        analyst_client, workspace, file=SimpleUploadedFile("again.txt", b"Already archived text.")
    )
    response = confirm(analyst_client, workspace, token_of(proposed))
    assert response.status_code == 409
    assert Source.objects.count() == 1


def test_a_duplicate_is_saved_when_asked_for_explicitly(analyst_client, workspace):
    SourceFactory(workspace=workspace, text="Already archived text.")
    proposed = upload(
        analyst_client, workspace, file=SimpleUploadedFile("again.txt", b"Already archived text.")
    )
    confirm(analyst_client, workspace, token_of(proposed), import_duplicate="on")
    assert Source.objects.count() == 2


def test_a_token_made_for_another_user_is_refused(client, workspace, analyst, ws_admin):
    client.force_login(analyst)
    token = token_of(upload(client, workspace, text="Analyst's upload."))
    client.force_login(ws_admin)
    response = confirm(client, workspace, token)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert Source.objects.count() == 0


def test_derivation_can_be_set_at_import(analyst_client, workspace):
    original = SourceFactory(workspace=workspace)
    proposed = upload(analyst_client, workspace, text="A faithful translation of the original.")
    confirm(analyst_client, workspace, token_of(proposed), derived_from=original.pk, derivation="translation")
    source = Source.objects.exclude(pk=original.pk).get()
    assert (source.derived_from, source.derivation) == (original, "translation")


def test_derivation_without_its_kind_is_refused_at_import(analyst_client, workspace):
    original = SourceFactory(workspace=workspace)
    proposed = upload(analyst_client, workspace, text="Derived, but of what kind?")
    response = confirm(analyst_client, workspace, token_of(proposed), derived_from=original.pk)
    assert response.status_code == 400
    assert Source.objects.count() == 1


def test_original_download_is_an_attachment_that_is_not_sniffed(analyst_client, workspace):
    source = SourceFactory(workspace=workspace, with_original=True)
    response = analyst_client.get(reverse("archive:source_original", args=[workspace.slug, source.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == source.text.encode()


def test_download_of_a_missing_stored_original_is_404(analyst_client, workspace):
    source = SourceFactory(workspace=workspace, text="Stored, then lost.", with_original=True)
    default_storage.delete(source.original.name)
    response = analyst_client.get(reverse("archive:source_original", args=[workspace.slug, source.pk]))
    assert response.status_code == 404


def test_stale_staged_uploads_are_deleted_when_something_new_is_staged(db):
    old = stage(b"Abandoned before confirming.")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(default_storage.path(f"{STAGING_DIR}/{old}"), (two_days_ago, two_days_ago))
    fresh = stage(b"Just uploaded.")
    assert not default_storage.exists(f"{STAGING_DIR}/{old}")
    assert default_storage.exists(f"{STAGING_DIR}/{fresh}")


def test_a_word_document_is_uploaded_confirmed_and_its_original_downloaded_as_one(analyst_client, workspace):
    data = docx_bytes("The pumps stopped on Monday.", title="Water directorate statement")
    proposed = upload(analyst_client, workspace, file=SimpleUploadedFile("statement.docx", data))
    assert 'value="Water directorate statement"' in proposed.content.decode()
    confirm(analyst_client, workspace, token_of(proposed), title="Water directorate statement")
    source = Source.objects.get()
    response = analyst_client.get(reverse("archive:source_original", args=[workspace.slug, source.pk]))
    assert response["Content-Disposition"].endswith('.docx"')
    assert b"".join(response.streaming_content) == data


# --- addresses refused at once, and messages that say what is wrong ------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/report.txt", "Only http and https addresses can be captured"),
        ("http://user:secret@example.org/", "Remove the user name and password from the address"),
        ("http://example.org:99999/", "has an invalid port"),
        ("http://10.1.2.3/admin", "the archive does not capture internal addresses"),
        ("http://169.254.169.254/latest/meta-data/", "the archive does not capture internal addresses"),
    ],
    ids=["ftp", "credentials", "port", "private-address", "link-local-address"],
)
def test_an_address_that_cannot_be_captured_is_refused_at_once_without_a_job(
    analyst_client, workspace, url, message
):
    response = upload(analyst_client, workspace, url=url)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Job.objects.exists()


def test_an_invalid_url_shows_only_its_own_error(analyst_client, workspace):
    page = upload(analyst_client, workspace, url="http://exa mple.org/").content.decode()
    assert "Enter a valid URL." in page
    assert "Give one file, one pasted text or one URL." not in page


def test_an_empty_file_among_several_is_named_without_the_generic_message(analyst_client, workspace):
    files = [SimpleUploadedFile("notes.txt", b"The pumps stopped."), SimpleUploadedFile("blank.txt", b"")]
    page = upload(analyst_client, workspace, file=files).content.decode()
    assert "blank.txt: The submitted file is empty." in page
    assert "Give one file, one pasted text or one URL." not in page


def test_sources_of_one_title_are_told_apart_where_a_derivation_is_chosen(analyst_client, workspace):
    original = SourceFactory(
        workspace=workspace,
        title="Report on Daraa",
        outlet=OutletFactory(workspace=workspace, name="Baladi News"),
        published_on=datetime.date(2017, 7, 5),
    )
    copy = SourceFactory(workspace=workspace, title="Report on Daraa")
    page = upload(analyst_client, workspace, file=SimpleUploadedFile("t.txt", b"A text.")).content.decode()
    assert f"Report on Daraa (Baladi News, 2017-07-05, #{original.pk})</option>" in page
    assert f"Report on Daraa (#{copy.pk})</option>" in page


def test_a_derivation_from_a_source_that_is_not_there_says_only_that(analyst_client, workspace):
    proposed = upload(analyst_client, workspace, file=SimpleUploadedFile("t.txt", b"A text."))
    response = confirm(
        analyst_client, workspace, token_of(proposed), derived_from="999999", derivation="translation"
    )
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "Give both the source derived from" not in page
    assert not Source.objects.exists()


# --- an original that is not archived, recorded at import -----------------------------

ARABIC_REPORT = {
    "unarchived_title": "محطة المياه خارج الخدمة",
    "unarchived_url": "baladi-news.example/ar/2017/water",
    "unarchived_outlet": "Baladi News",
    "unarchived_language": "ar",
    "unarchived_published_on": "2017-07-04",
}


def import_translation(client, workspace, **fields):
    """Upload a translation and confirm it with `fields` (a translation of the Arabic report by default)."""
    proposed = upload(client, workspace, file=SimpleUploadedFile("translation.txt", b"The station stopped."))
    return confirm(client, workspace, token_of(proposed), **({"derivation": "translation"} | fields))


def test_an_analyst_records_an_unarchived_original_when_importing_a_file(analyst_client, workspace):
    response = import_translation(analyst_client, workspace, **ARABIC_REPORT)
    source = Source.objects.get()
    assert response["Location"] == reverse("archive:source", args=[workspace.slug, source.pk])
    assert (source.derived_from, source.derivation) == (None, "translation")
    assert source.unarchived_original == UnarchivedOriginal(
        title="محطة المياه خارج الخدمة",
        url="https://baladi-news.example/ar/2017/water",
        outlet="Baladi News",
        language="ar",
        published_on=datetime.date(2017, 7, 4),
    )


def test_an_imported_sources_first_history_row_keeps_its_unarchived_original(analyst_client, workspace):
    import_translation(analyst_client, workspace, **ARABIC_REPORT, reason="only the translation reached us")
    [first] = Source.objects.get().history.all()
    assert (first.unarchived_title, first.unarchived_language, first.derivation) == (
        "محطة المياه خارج الخدمة",
        "ar",
        "translation",
    )
    assert first.history_change_reason == "only the translation reached us"


def test_an_imported_sources_reading_page_shows_its_unarchived_original_as_not_archived(
    analyst_client, workspace
):
    page = analyst_client.get(import_translation(analyst_client, workspace, **ARABIC_REPORT)["Location"])
    derivation = page.content.decode().split('<ol class="derivation">')[1].split("</ol>")[0]
    assert "translation of <bdi>محطة المياه خارج الخدمة</bdi>" in derivation
    assert '<span class="not-archived">not archived</span>' in derivation


def test_the_confirm_page_asks_for_an_unarchived_original_beside_the_archived_source(
    analyst_client, workspace
):
    proposed = upload(analyst_client, workspace, text="The station stopped.").content.decode()
    group = proposed.split("<legend>Or an original that is not archived</legend>")[1].split("</fieldset>")[0]
    assert proposed.index('name="derivation"') < proposed.index("Or an original that is not archived")
    assert all(f'name="{name}"' in group for name in ARABIC_REPORT)


def test_importing_with_both_an_archived_source_and_an_unarchived_original_is_refused_saving_nothing(
    analyst_client, workspace
):
    archived = SourceFactory(workspace=workspace, title="The Arabic report, archived")
    proposed = upload(analyst_client, workspace, file=SimpleUploadedFile("t.txt", b"The station stopped."))
    before = stored_files()
    response = confirm(
        analyst_client,
        workspace,
        token_of(proposed),
        derived_from=archived.pk,
        derivation="translation",
        **ARABIC_REPORT,
    )
    assert response.status_code == 400
    assert "not both" in response.content.decode()
    assert list(Source.objects.all()) == [archived]
    assert stored_files() == before


def test_importing_an_unarchived_original_without_its_title_or_address_is_refused_saving_nothing(
    analyst_client, workspace
):
    response = import_translation(
        analyst_client, workspace, unarchived_outlet="Baladi News", unarchived_language="ar"
    )
    assert response.status_code == 400
    assert "Give the title or the address of the original that is not archived." in response.content.decode()
    assert not Source.objects.exists()


def test_importing_an_unarchived_original_in_an_invalid_language_is_refused_saving_nothing(
    analyst_client, workspace
):
    response = import_translation(
        analyst_client, workspace, **(ARABIC_REPORT | {"unarchived_language": "Arabic!"})
    )
    assert response.status_code == 400
    assert "BCP 47" in response.context["form"].errors["unarchived_language"][0]
    assert not Source.objects.exists()


def test_importing_an_unarchived_original_without_its_kind_of_derivation_is_refused_saving_nothing(
    analyst_client, workspace
):
    response = import_translation(analyst_client, workspace, derivation="", **ARABIC_REPORT)
    assert response.status_code == 400
    assert "the kind of derivation" in response.content.decode()
    assert not Source.objects.exists()


def test_a_reviewer_may_not_import_a_source_with_an_unarchived_original(client, analyst, reviewer, workspace):
    client.force_login(analyst)  # a reviewer cannot even upload: confirm an analyst's upload
    token = token_of(upload(client, workspace, text="The station stopped."))
    client.force_login(reviewer)
    response = confirm(client, workspace, token, derivation="translation", **ARABIC_REPORT)
    assert response.status_code == 403
    assert not Source.objects.exists()


def test_the_import_page_says_several_files_are_saved_deriving_from_nothing(analyst_client, workspace):
    page = analyst_client.get(reverse("archive:import", args=[workspace.slug])).content.decode()
    assert "Several files are saved with their proposed details alone, deriving from nothing" in (
        " ".join(page.split())
    )


def test_the_import_page_asks_what_a_web_page_derives_from_when_not_archived(analyst_client, workspace):
    page = analyst_client.get(reverse("archive:import", args=[workspace.slug])).content.decode()
    assert 'name="derivation"' in page
    assert 'name="unarchived_title"' in page
