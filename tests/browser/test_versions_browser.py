"""A recaptured Arabic source in Chromium: from its reading page to the
comparison of its two versions, at phone and desktop widths, axe clean."""

import re

import pytest
from django.urls import reverse

from archive.models import TextDirection
from archive.monitoring.recapture import recapture
from tests.browser.accessibility import assert_accessible
from tests.pages import article, capture_source, cite

CITED = "قال المجلس المحلي إن أربعين عائلة عادت إلى الحي القديم في شهر تموز."
DELETED = "أعيدت قافلة ثانية عند الحاجز شمال المدينة بعد ساعات من الانتظار."
FILLER = [
    "يصف سكان درعا مدينة لا تزال مقسمة بالحواجز بعد شهرين من وقف إطلاق النار في الجنوب.",
    "وصلت صهاريج المياه إلى القرى الشرقية مرتين في الأسبوع خلال أشهر الصيف الطويلة.",
    "أعيد فتح المحلات على الطريق الرئيسي، لكن كثيرا من أصحابها يقولون إن الزبائن لم يعودوا بعد.",
    "قال المعلمون في المدرستين اللتين أعيد فتحهما إن الصفوف مكتظة والكتب نادرة هذا العام.",
]
TITLE = "درعا بعد وقف إطلاق النار"


@pytest.fixture
def arabic_source(live_site, workspace, analyst, ws_admin):
    url = live_site.serve(
        "/daraa-ar", article([FILLER[0], CITED, FILLER[1], DELETED, *FILLER[2:]], title=TITLE, lang="ar")
    )
    source = capture_source(url, workspace=workspace, user=analyst)
    cite(source, analyst, CITED, "Forty families returned to the old quarter")
    cite(source, analyst, DELETED, "A second convoy was turned back")
    live_site.serve(
        "/daraa-ar",
        article([FILLER[0], CITED.replace("أربعين", "أربع عشرة"), *FILLER[1:]], title=TITLE, lang="ar"),
    )
    recapture(source_id=source.pk, by=ws_admin)
    return source


@pytest.mark.parametrize("width", [390, 1366])
def test_analyst_compares_the_versions_of_an_arabic_source(page_for, analyst, arabic_source, width):
    source = arabic_source
    assert source.direction == TextDirection.RTL
    page = page_for(analyst)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("archive:source", args=[source.workspace.slug, source.pk]))
    if page.locator(".menu-toggle").is_visible():
        page.locator(".menu-toggle").click()
    assert page.locator(".alerts-link .badge").inner_text().startswith("2")
    page.get_by_role("link", name="Versions (2)").click()
    page.get_by_role("button", name="Compare").click()
    # Read whole below: the page is there once loaded, not once its navigation has begun.
    page.wait_for_url("**/versions/compare/**")

    diff = page.locator(".diff-columns")
    old_side, new_side = diff.locator("section").nth(0), diff.locator("section").nth(1)
    assert old_side.locator(".word-diff").get_attribute("dir") == "rtl"
    assert old_side.locator(".word-diff").get_attribute("lang") == "ar"
    assert "أربعين" in old_side.locator("del").all_inner_texts()
    assert any("عشرة" in text for text in new_side.locator("ins").all_inner_texts())
    assert page.locator(".fate-changed").count() == 1
    assert DELETED in page.locator(".fate-vanished").inner_text()
    old_box, new_box = old_side.bounding_box(), new_side.bounding_box()
    if width >= 1000:
        assert abs(old_box["y"] - new_box["y"]) < 1  # side by side
    else:
        assert new_box["y"] >= old_box["y"] + old_box["height"]  # stacked
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, f"the comparison at {width} px")

    page.get_by_role("link", name="version 1", exact=True).first.click()
    page.wait_for_url("**/versions/1/")
    assert "as captured on" in page.locator(".version-banner").inner_text()
    assert DELETED in page.locator(".source-text").inner_text()
    assert_accessible(page, f"version 1 at {width} px")
    page.goto(reverse("archive:source_versions", args=[source.workspace.slug, source.pk]))
    assert page.locator(".timeline li").count() == 2
    checks = page.locator("table.checks")
    # A narrow screen shows each recapture check as a card, not a table to scroll sideways.
    assert checks.get_attribute("data-stacked") is not None
    assert checks.evaluate("table => table.scrollWidth <= table.clientWidth")
    assert_accessible(page, f"the timeline at {width} px")
    page.goto(reverse("archive:alerts"))
    page.get_by_role("link", name="the claim").first.click()
    page.wait_for_url(re.compile(r"/claims/\d+/"))
    assert "Evidence" in page.locator(".evidence-changed").first.inner_text()
    assert_accessible(page, f"the claim page at {width} px")
    page.goto(reverse("archive:alerts"))
    assert_accessible(page, f"the alerts at {width} px")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.errors == []
