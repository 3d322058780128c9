"""Listings ({% stacked_table %}) at 360 px: each row a card of labelled values, not a table to scroll."""

import pytest
from django.urls import reverse

from archive.claims import create_claim
from archive.jobs.schedules import set_schedule
from archive.models import Job, JobStatus
from archive.sources.outlets import create_outlet, edit_outlet
from tests.browser.accessibility import assert_accessible
from tests.factories import EvidenceFactory, OutletFactory, PassageFactory, SourceFactory

PHONE = {"width": 360, "height": 740}

# The page's overflow, and each listing's: how far it reaches past the window or scrolls inside itself.
OVERFLOWS = """
() => [document.documentElement.scrollWidth - innerWidth,
       [...document.querySelectorAll("table.listing")].map((table) => {
         const box = table.getBoundingClientRect();
         return [Math.max(table.scrollWidth - table.clientWidth, box.right - innerWidth, -box.left),
                 table.className];
       })]
"""

# Each cell of the first body row: its column's header, its own written label, and its width.
CELLS = """
(selector) => {
  const table = document.querySelector(selector);
  const headers = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  const row = table.querySelector("tbody tr");
  const rowWidth = row.getBoundingClientRect().width;
  return [...row.cells].map((td, n) => [headers[n], getComputedStyle(td, "::before").content,
                                         td.getBoundingClientRect().width, rowWidth]);
}
"""

# Each listing, by its page (each listing's page lists what `listings` made).
PAGES = {
    "sources": ("archive:workspace", True),
    "claims": ("archive:claims", True),
    "outlets": ("archive:outlets", True),
    "activity": ("archive:activity", True),
    "schedules": ("archive:schedules", True),
    "jobs": ("archive:jobs", False),
}


def url_of(name: str, workspace) -> str:
    view, in_workspace = PAGES[name]
    return reverse(view, args=[workspace.slug] if in_workspace else [])


@pytest.fixture
def listings(workspace, ws_admin):
    """A row of every listing, with values as long as real ones."""
    outlet = OutletFactory(
        workspace=workspace,
        name="Hawran Voice of the South",
        url="https://hawranvoice.example.org/news/",
        reliability_reason="Its reporters in Daraa named their sources in each of the reports checked.",
    )
    source = SourceFactory(
        workspace=workspace,
        outlet=outlet,
        title="The Zaytoun water station stopped after the shelling of its generators",
        original_url="https://hawranvoice.example.org/news/2017/zaytoun-water-station",
    )
    claim = create_claim(
        workspace=workspace,
        user=ws_admin,
        statement="The water station in Tell al-Zaytoun stopped on Tuesday",
        tags=["water", "daraa-countryside"],
    )
    EvidenceFactory(claim=claim, passage=PassageFactory(source=source, start=0, length=20))
    set_schedule(
        workspace=workspace, user=ws_admin, kind="recapture", source=source, every_hours=24, enabled=True
    )
    Job.objects.create(
        kind="capture",
        workspace=workspace,
        started_by=ws_admin,
        target="https://hawranvoice.example.org/news/2017/zaytoun-water-station",
        status=JobStatus.FAILED,
        failure="The address answered HTTP 404 Not Found.",
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_at_360_px_a_listing_fits_the_screen_without_scrolling_sideways(
    page_for, ws_admin, workspace, listings, name
):
    page = page_for(ws_admin)  # an admin: every listing, the outlets' with its actions column
    page.set_viewport_size(PHONE)
    response = page.goto(url_of(name, workspace))
    assert response is not None and response.status == 200
    # Open too: a schedule's delete form, inside its row.
    page.evaluate("document.querySelectorAll('table.listing details').forEach((d) => { d.open = true; })")
    page_overflow, tables = page.evaluate(OVERFLOWS)
    assert tables, "no listing on the page"
    assert page_overflow <= 0
    assert [(overflow, kind) for overflow, kind in tables if overflow > 0] == []
    assert_accessible(page, f"{name} at 360 px")


def test_at_360_px_each_value_of_a_listing_follows_its_column_header(page_for, ws_admin, workspace, listings):
    page = page_for(ws_admin)
    page.set_viewport_size(PHONE)
    page.goto(url_of("sources", workspace))
    cells = page.evaluate(CELLS, "table.listing")
    assert [header for header, *_ in cells] == [
        "Title", "Outlet", "Published", "Language", "Derivation", "Passages"
    ]  # fmt: skip
    for header, label, width, row_width in cells:
        assert f'"{header}"' in label, (header, label)
        assert width > row_width - 4, header  # one value under another, across the card


def test_a_listing_stacked_at_360_px_is_still_a_table_to_screen_readers(
    page_for, ws_admin, workspace, listings
):
    page = page_for(ws_admin)
    page.set_viewport_size(PHONE)
    page.goto(url_of("outlets", workspace))
    table = page.locator("table.listing")
    assert table.evaluate("(table) => getComputedStyle(table.rows[1]).display") == "block"
    tree = table.aria_snapshot()
    for header in ("Outlet", "Reliability", "Why", "Sources", "Actions"):
        assert f'columnheader "{header}"' in tree, tree
    assert '- rowheader "Hawran Voice of the South' in tree, tree
    # The label the stylesheet writes is not read out a second time with the value.
    assert 'cell "Why' not in tree and 'rowheader "Outlet' not in tree, tree


# A history change's "After" cell: its written label, its direction, its value's, and where each starts.
AFTER_CELL = """
(td) => {
  const value = td.querySelector("bdi");
  return [getComputedStyle(td, "::before").content, getComputedStyle(td).direction,
          getComputedStyle(value).direction, td.getBoundingClientRect().left,
          value.getBoundingClientRect().left];
}
"""


def test_at_360_px_a_history_change_labels_an_arabic_value_in_the_page_direction(
    page_for, ws_admin, workspace
):
    outlet = create_outlet(workspace=workspace, user=ws_admin, name="Hawran Voice")
    edit_outlet(outlet, user=ws_admin, expected_version=outlet.version, changes={"name": "صوت حوران"})
    page = page_for(ws_admin)
    page.set_viewport_size(PHONE)
    page.goto(reverse("archive:object_history", args=[workspace.slug, "outlet", outlet.pk]))
    cell = page.locator("table.changes td.after", has_text="صوت حوران")
    label, direction, value_direction, cell_left, value_left = cell.evaluate(AFTER_CELL)
    assert label.startswith('"After"'), label
    assert (direction, value_direction) == ("ltr", "rtl")
    assert value_left > cell_left + 80  # the label on the left, the value after it
