"""Highlight kinds on the reading page are told apart by more than colour, and stay
readable and distinct in forced colours (Windows high contrast)."""

import pytest
from django.urls import reverse

from tests.factories import AnnotationFactory, EvidenceFactory, PassageFactory, SourceFactory

pytestmark = pytest.mark.browser

# Each legend entry's line: its text decoration, bottom border and outline, without colours.
CUES = """
() => [...document.querySelectorAll(".legend li.hl")].map((item) => {
  const style = getComputedStyle(item);
  return [
    item.textContent,
    style.textDecorationLine === "none" ? "" : `${style.textDecorationLine} ${style.textDecorationStyle}`,
    style.borderBottomStyle === "none" ? "" : `${style.borderBottomStyle} ${style.borderBottomWidth}`,
    style.outlineStyle === "none" ? "" : style.outlineStyle,
  ];
})
"""

COLOURS = """
() => [...document.querySelectorAll(".legend li.hl, #source-text mark.hl")].map((item) => {
  const style = getComputedStyle(item);
  return [item.textContent, style.color, style.backgroundColor];
})
"""


def _rgba(value: str) -> tuple[float, ...]:
    numbers = value[value.index("(") + 1 : -1].replace("/", ",").split(",")
    channels = [float(number) for number in numbers]
    return tuple(channels + [1.0] * (4 - len(channels)))


def _luminance(rgb: tuple[float, ...]) -> float:
    def linear(channel: float) -> float:
        channel /= 255
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(one: tuple[float, ...], other: tuple[float, ...]) -> float:
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.fixture
def reading_page(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace, text="The pump station stopped working on Tuesday.")
    noted = PassageFactory(source=source, created_by=analyst, start=4, length=12)
    AnnotationFactory(workspace=workspace, passages=[noted], author=analyst, motivation="commenting")
    cited = PassageFactory(source=source, created_by=analyst, start=36, length=7)
    EvidenceFactory(passage=cited, created_by=analyst, stance="refutes")
    page = page_for(analyst)
    return page, reverse("archive:source", args=[workspace.slug, source.pk])


def test_every_highlight_kind_has_its_own_line_not_only_its_colour(reading_page):
    page, url = reading_page
    page.goto(url)
    cues = page.evaluate(CUES)
    assert len(cues) == 8
    assert all(any(cue[1:]) for cue in cues), cues
    assert len({tuple(cue[1:]) for cue in cues}) == len(cues), cues


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_in_forced_colours_highlights_are_opaque_readable_and_still_distinct(reading_page, scheme):
    page, url = reading_page
    page.emulate_media(forced_colors="active", color_scheme=scheme)
    page.goto(url)
    shown = page.evaluate(COLOURS)
    assert {"pump station", "Tuesday"} <= {kind for kind, *_ in shown}
    for kind, colour, background in shown:
        text, fill = _rgba(colour), _rgba(background)
        assert fill[3] == 1.0, (kind, background)
        assert _contrast(text, fill) >= 4.5, (kind, colour, background)
    cues = page.evaluate(CUES)
    assert len({tuple(cue[1:]) for cue in cues}) == len(cues), cues
