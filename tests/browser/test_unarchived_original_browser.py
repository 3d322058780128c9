"""Recording, on a phone, the original a translation derives from when it is not archived."""

from django.urls import reverse

from archive.models import Source, UnarchivedOriginal
from tests.browser.accessibility import assert_accessible
from tests.factories import SourceFactory

# What fits the screen: nothing wider than the viewport (a scrolling table's own box aside).
PAGE_WIDTH = "document.documentElement.scrollWidth"


def test_an_admin_records_an_unarchived_original_at_360_px(page_for, ws_admin, workspace):
    source = SourceFactory(workspace=workspace, title="Water station out of service", language="en")
    page = page_for(ws_admin)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(reverse("archive:source_derivation", args=[workspace.slug, source.pk]))
    assert page.evaluate(PAGE_WIDTH) <= 360
    assert_accessible(page, "the derivation page at 360 px")

    page.get_by_label("Kind").select_option("translation")
    original = page.get_by_role("group", name="Or an original that is not archived")
    original.get_by_label("Its title").fill("محطة المياه خارج الخدمة")
    original.get_by_label("Its address").fill("baladi-news.example/ar/2017/water")
    original.get_by_label("Its language").fill("ar")
    page.get_by_label("Why (kept in the history)").fill("the outlet's Arabic page is offline")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{reverse('archive:source_provenance', args=[workspace.slug, source.pk])}")

    assert page.locator(f"#unarchived-original-{source.pk} .not-archived").inner_text() == "not archived"
    assert page.evaluate(PAGE_WIDTH) <= 360
    assert_accessible(page, "the provenance page at 360 px")
    # The chain's arrows are drawn between its steps, and not read out.
    assert page.locator("ol.chain > li + li, ul.derived > li").count() > 0
    assert "↓" not in page.locator("main").aria_snapshot()
    assert Source.objects.get(pk=source.pk).unarchived_original == UnarchivedOriginal(
        title="محطة المياه خارج الخدمة", url="https://baladi-news.example/ar/2017/water", language="ar"
    )
    assert page.errors == []


def test_an_analyst_imports_a_translation_of_an_unarchived_original_at_360_px(page_for, analyst, workspace):
    page = page_for(analyst)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(reverse("archive:import", args=[workspace.slug]))
    page.get_by_label("Text", exact=True).fill("The water station has been out of service since Tuesday.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Derivation").select_option("translation")
    original = page.get_by_role("group", name="Or an original that is not archived")
    original.get_by_label("Its title").fill("محطة المياه خارج الخدمة")
    original.get_by_label("Its language").fill("ar")
    assert page.evaluate(PAGE_WIDTH) <= 360
    assert_accessible(page, "the import's confirm page at 360 px")

    page.get_by_role("button", name="Save source").click()
    page.wait_for_url("**/sources/*/")  # the reading page: saved by then

    source = Source.objects.get()
    page.get_by_text("Record: authors, outlet, dates, hashes").click()  # folded on a phone
    assert page.locator(".derivation .not-archived").inner_text() == "not archived"
    assert source.unarchived_original == UnarchivedOriginal(title="محطة المياه خارج الخدمة", language="ar")
    assert page.errors == []
