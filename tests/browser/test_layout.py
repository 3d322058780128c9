"""Layout in Chromium: the claims table's columns, narrow screens, mixed scripts."""

from django.urls import reverse

from archive.models import Stance
from tests.factories import ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory

COLUMNS = """
() => {
  const table = document.querySelector("table.claims");
  const headers = [...table.querySelectorAll("thead th")].map((th) => {
    const box = th.getBoundingClientRect();
    return [th.textContent.trim(), box.left, box.right];
  });
  const cells = [...table.querySelectorAll("tbody tr:first-child td")].map((td) => {
    const box = td.getBoundingClientRect();
    return [td.textContent.trim(), box.left, box.right];
  });
  return [headers, cells];
}
"""


def test_claim_counts_stand_under_their_headers(page_for, analyst, workspace):
    claim = ClaimFactory(workspace=workspace, statement="The pumping station stopped on Tuesday")
    source = SourceFactory(workspace=workspace)
    for n, stance in enumerate([Stance.SUPPORTS, Stance.SUPPORTS, Stance.REFUTES]):
        EvidenceFactory(claim=claim, passage=PassageFactory(source=source, start=n, length=3), stance=stance)

    page = page_for(analyst)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(reverse("archive:claims", args=[workspace.slug]))
    headers, cells = page.evaluate(COLUMNS)

    assert len(headers) == len(cells) == 8
    for (header, h_left, h_right), (cell, c_left, c_right) in zip(headers, cells, strict=True):
        overlap = min(h_right, c_right) - max(h_left, c_left)
        assert overlap > 0.5 * (h_right - h_left), (header, cell, (h_left, h_right), (c_left, c_right))
        assert abs(h_left - c_left) < 1 and abs(h_right - c_right) < 1, (header, cell)
    counts = {header: cell for (header, *_), (cell, *_) in zip(headers, cells, strict=True)}
    assert (counts["Supports"], counts["Refutes"], counts["Context"]) == ("2", "1", "0")
