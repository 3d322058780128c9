"""The claim graph as Chromium draws it: no text cut off by the SVG's edges, nor out of its box."""

from django.urls import reverse

from archive.models import Stance
from tests.factories import ClaimFactory, OutletFactory, SourceFactory
from tests.test_claim_graph_labels import cite, crowded_claim

# The viewBox, and each text drawn that reaches past it: its content and its box.
CUT_OFF = """
async () => {
  await document.fonts.ready;
  const svg = document.querySelector(".claim-graph svg");
  const view = svg.viewBox.baseVal;
  return [...svg.querySelectorAll("text")].map((text) => [text.textContent, text.getBBox()])
    .filter(([, box]) => box.x < view.x || box.y < view.y
      || box.x + box.width > view.x + view.width || box.y + box.height > view.y + view.height)
    .map(([content, box]) => [content, box.x, box.y, box.width, box.height]);
}
"""


def test_every_text_of_the_claim_graph_lies_within_its_viewbox(page_for, analyst, workspace):
    claim, _ = crowded_claim(workspace)
    page = page_for(analyst)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(reverse("archive:claim", args=[workspace.slug, claim.pk]))
    assert page.evaluate(CUT_OFF) == []
    assert page.errors == []


def test_the_claim_graph_keeps_readable_labels_on_a_phone_and_scrolls_in_its_box(
    page_for, analyst, workspace
):
    claim, _ = crowded_claim(workspace)
    page = page_for(analyst)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(reverse("archive:claim", args=[workspace.slug, claim.pk]))
    figure = page.locator(".claim-graph")
    # The label's height on screen: about its font size when drawn at full size.
    label_height = page.evaluate(
        "document.querySelector('.claim-graph .node text').getBoundingClientRect().height"
    )
    assert label_height >= 11
    assert figure.evaluate("box => box.scrollWidth > box.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_screen_reader_hears_the_graphs_sources_not_a_run_of_edge_labels(page_for, analyst, workspace):
    claim, _ = crowded_claim(workspace)
    page = page_for(analyst)
    page.goto(reverse("archive:claim", args=[workspace.slug, claim.pk]))
    heard = page.locator(".claim-graph svg").aria_snapshot()
    assert "supports" not in heard and "refutes" not in heard, heard
    assert "The Zaytoun water station stopped" in heard, heard


# Each line drawn past the sides of its box: its content and how far past.
OUT_OF_ITS_BOX = """
async () => {
  await document.fonts.ready;
  return [...document.querySelectorAll(".claim-graph .node")].flatMap((node) => {
    const box = node.querySelector("rect").getBBox();
    return [...node.querySelectorAll("text")].map((text) => [text.textContent, text.getBBox()])
      .filter(([, drawn]) => drawn.x < box.x || drawn.x + drawn.width > box.x + box.width)
      .map(([content, drawn]) => [content, drawn.x - box.x, drawn.x + drawn.width - box.x - box.width]);
  });
}
"""


def test_every_line_of_the_claim_graph_is_drawn_inside_its_box(page_for, analyst, workspace):
    outlet = OutletFactory(workspace=workspace, name="WORLD WIDE MEDIA WATCH MONITORING NETWORK")
    wide = SourceFactory(workspace=workspace, title="WAR WATER WOMEN WORK " * 3, outlet=outlet)
    claim = ClaimFactory(workspace=workspace, statement="Mmm wow, what a power cut: " * 6)
    cite(claim, wide, Stance.SUPPORTS, 1)
    cite(claim, SourceFactory(workspace=workspace, title="illicit little lilies " * 4), Stance.REFUTES, 1)
    page = page_for(analyst)
    page.goto(reverse("archive:claim", args=[workspace.slug, claim.pk]))
    assert page.evaluate(OUT_OF_ITS_BOX) == []
    assert page.errors == []
