"""Importing a file in Chromium, confirming its metadata, landing on its reading page, and
opening its provenance page from there."""

from django.urls import reverse
from playwright.sync_api import expect

from archive.models import Source
from tests.browser.accessibility import assert_accessible
from tests.documents import ARTICLE_TEXT, article_html


def test_analyst_imports_a_file_reads_it_and_opens_its_provenance(page_for, analyst, workspace):
    page = page_for(analyst)
    page.goto(reverse("archive:import", args=[workspace.slug]))
    page.get_by_label("File").set_input_files(
        {"name": "water-station.html", "mimeType": "text/html", "buffer": article_html()}
    )
    page.get_by_role("button", name="Continue").click()
    title = page.get_by_label("Title", exact=True)  # not the unarchived original's "Its title"
    assert title.input_value() == "Water station out of service after shelling"
    title.fill("Water station hit (Hawran Voice)")
    page.get_by_role("button", name="Save source").click()
    page.wait_for_url("**/sources/*/")  # the reading page, to start annotating: saved by then

    source = Source.objects.get()
    assert page.url.endswith(f"/sources/{source.pk}/")
    page.get_by_role("link", name="Provenance", exact=True).click()
    page.wait_for_url("**/provenance/")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Provenance of Water station hit (Hawran Voice)"
    )
    card = page.locator(f"#source-{source.pk}")
    assert source.original_sha256 in card.inner_text()
    assert "Outlet\nHawran Voice F" in card.inner_text()
    assert page.errors == []


def test_the_extracted_text_preview_scrolls_by_keyboard_on_a_phone(page_for, analyst, workspace):
    page = page_for(analyst)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(reverse("archive:import", args=[workspace.slug]))
    page.get_by_label("File").set_input_files(
        {"name": "long.html", "mimeType": "text/html", "buffer": article_html(" ".join([ARTICLE_TEXT] * 4))}
    )
    page.get_by_role("button", name="Continue").click()
    preview = page.get_by_role("region", name="Beginning of the extracted text")
    expect(preview).to_have_attribute("tabindex", "0")
    assert_accessible(page, "the import's confirm page")
    assert page.errors == []


def test_text_pasted_in_the_browser_is_saved_without_a_line_break_normalization_to_report(
    page_for, analyst, workspace
):
    # Chromium sends the textarea's line breaks as CRLF, as HTML's form submission says.
    page = page_for(analyst)
    page.goto(reverse("archive:import", args=[workspace.slug]))
    page.get_by_label("Text", exact=True).fill("Pasted report\nSecond line\nThird line")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".normalization")).to_have_text("nothing: the text is stored exactly as extracted")
    page.get_by_role("button", name="Save source").click()
    page.wait_for_url("**/sources/*/")
    assert Source.objects.get().text == "Pasted report\nSecond line\nThird line"
    assert "normalized" not in page.locator("main").inner_text()
    assert page.errors == []
