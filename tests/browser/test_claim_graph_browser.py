"""The claim graph as Chromium draws it: no text cut off by the SVG's edges."""

from django.urls import reverse

from tests.test_claim_graph_labels import crowded_claim

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
