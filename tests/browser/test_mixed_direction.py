"""A source in one direction quoting a paragraph in the other: each paragraph reads in the
direction of its own script, and highlighting in it keeps its code-point offsets."""

import pytest

from archive.models import Passage
from tests.browser.reading import annotate, open_reading_page
from tests.factories import SourceFactory

ARABIC = "قال مدير المحطة إن المحطة توقفت عن العمل بعد سقوط ثلاث قذائف على مبنى المضخات."
ENGLISH = "The station director said the pumps stopped after three shells hit the building."

# Where the first letter of `phrase` is drawn: which half of the text's box it falls in.
FIRST_LETTER_SIDE = """
(phrase) => {
  const container = document.getElementById("source-text");
  const texts = [...container.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE);
  const node = texts.find((n) => n.data.includes(phrase));
  const range = document.createRange();
  const at = node.data.indexOf(phrase);
  range.setStart(node, at);
  range.setEnd(node, at + 1);
  const letter = range.getBoundingClientRect();
  const box = container.getBoundingClientRect();
  return (letter.left + letter.right) / 2 > (box.left + box.right) / 2 ? "right" : "left";
}
"""


@pytest.mark.parametrize(
    ("language", "direction"), [("en", "ltr"), ("ar", "rtl")], ids=["english source", "arabic source"]
)
def test_each_paragraph_starts_on_the_side_of_its_own_script(
    page_for, analyst, workspace, language, direction
):
    source = SourceFactory(
        workspace=workspace, language=language, direction=direction, text=f"{ENGLISH}\n\n{ARABIC}\n"
    )
    page = page_for(analyst)
    open_reading_page(page, source)
    sides = {
        "english": page.evaluate(FIRST_LETTER_SIDE, "The station"),
        "arabic": page.evaluate(FIRST_LETTER_SIDE, "قال مدير"),
    }
    assert sides == {"english": "left", "arabic": "right"}
    assert page.errors == []


def test_a_phrase_in_a_quoted_arabic_paragraph_is_highlighted_at_its_code_points(
    page_for, analyst, workspace
):
    source = SourceFactory(
        workspace=workspace, language="en", direction="ltr", text=f"{ENGLISH}\n\n{ARABIC}\n"
    )
    page = page_for(analyst)
    open_reading_page(page, source)
    annotate(page, "ثلاث قذائف", "Three shells, as the English says.")
    passage = Passage.objects.get()
    assert (passage.exact, passage.start) == ("ثلاث قذائف", source.text.index("ثلاث قذائف"))
    assert page.errors == []
