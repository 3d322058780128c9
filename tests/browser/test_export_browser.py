"""An admin exports the workspace in Chromium at 360 px: the export page, the job's page and the
ZIP it downloads, each page accessible and fitting the screen."""

import zipfile

from django.urls import reverse

from tests.browser.accessibility import assert_accessible

NARROW = {"width": 360, "height": 780}
OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _fits(page) -> None:
    scroll_width, width = page.evaluate(OVERFLOW)
    assert scroll_width <= width, (page.url, scroll_width)


def test_an_admin_exports_the_workspace_and_downloads_the_zip_on_a_phone(
    page_for, ws_admin, workspace, source
):
    page = page_for(ws_admin)
    page.set_viewport_size(NARROW)
    page.goto(reverse("archive:members", args=[workspace.slug]))
    page.get_by_role("navigation", name="Manage the workspace").get_by_role("link", name="Export").click()
    page.wait_for_url("**/export/")
    assert_accessible(page, "the export page")
    _fits(page)

    page.get_by_role("button", name="Export the workspace").click()
    page.wait_for_url("**/jobs/*/")
    assert_accessible(page, "the export's job page")
    _fits(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the ZIP file").click()
    download = downloading.value
    assert download.suggested_filename.startswith(f"{workspace.slug}-")
    with zipfile.ZipFile(download.path()) as packed:
        assert any(name.endswith("/manifest.json") for name in packed.namelist())

    page.goto(reverse("archive:workspace_export", args=[workspace.slug]))
    assert page.get_by_role("link", name="Download").count() == 1
    assert_accessible(page, "the export page with an export")
    _fits(page)
    assert page.errors == []
