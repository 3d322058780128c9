"""The claim graph's labels: each inside the SVG's viewBox, none over another or under a box."""

import pytest

from archive.claims.graph import EDGE_FONT, build_claim_graph
from archive.models import Stance
from tests.factories import ClaimFactory, EvidenceFactory, OutletFactory, PassageFactory, SourceFactory


def cite(claim, source, stance: str, times: int) -> list:
    return [
        EvidenceFactory(claim=claim, passage=PassageFactory(source=source, start=n, length=3), stance=stance)
        for n in range(times)
    ]


def crowded_claim(workspace):
    """A claim and its evidence: an original cited three ways (its labels over its box, at the
    graph's right edge), its translation cited two ways (beside the claim), another original."""
    outlet = OutletFactory(workspace=workspace, name="Hawran Voice of the South")
    original = SourceFactory(workspace=workspace, title="The Zaytoun water station stopped", outlet=outlet)
    translation = SourceFactory(
        workspace=workspace,
        title="Translation",
        outlet=outlet,
        derived_from=original,
        derivation="translation",
    )
    other = SourceFactory(workspace=workspace, title="A local council's statement", outlet=outlet)
    claim = ClaimFactory(
        workspace=workspace, statement="The water station in Tell al-Zaytoun stopped on Tuesday"
    )
    evidence = (
        cite(claim, original, Stance.SUPPORTS, 1)
        + cite(claim, original, Stance.REFUTES, 2)
        + cite(claim, original, Stance.CONTEXTUALIZES, 12)
        + cite(claim, translation, Stance.REFUTES, 12)
        + cite(claim, translation, Stance.CONTEXTUALIZES, 12)
        + cite(claim, other, Stance.SUPPORTS, 2)
    )
    return claim, evidence


@pytest.fixture
def crowded(workspace):
    claim, evidence = crowded_claim(workspace)
    return build_claim_graph(claim, evidence, source_url=str)


def overlap(a, b) -> bool:
    """Whether two labels cover each other: side by side, on lines closer than their font size."""
    return (
        a.label_box[0] < b.label_box[2]
        and b.label_box[0] < a.label_box[2]
        and abs(a.label_y - b.label_y) < EDGE_FONT
    )


def test_the_viewbox_holds_every_label_s_estimated_box(crowded):
    left, top, right, bottom = crowded.view_box
    outside = [
        (edge.label, edge.label_box)
        for edge in crowded.edges
        if not (left <= edge.label_box[0] and top <= edge.label_box[1])
        or not (edge.label_box[2] <= right and edge.label_box[3] <= bottom)
    ]
    assert outside == []
    # Past the right edge of the boxes: the labels into the original, over its top right corner.
    assert right > max(node.x + node.width for node in crowded.nodes)


def test_labels_of_several_stances_into_one_source_do_not_overlap(crowded):
    labels = [edge for edge in crowded.edges if edge.kind != "derivation"]
    assert len(labels) == 6
    covered = [(a.label, b.label) for n, a in enumerate(labels) for b in labels[n + 1 :] if overlap(a, b)]
    assert covered == []


def test_a_label_beside_the_claim_is_clear_of_the_claim_s_box(crowded):
    claim = next(node for node in crowded.nodes if node.kind == "claim")
    beside = [edge for edge in crowded.edges if edge.label_anchor == "end"]
    assert [edge.label for edge in beside] == ["refutes (12)", "gives context to (12)"]
    assert all(edge.label_box[0] > claim.x + claim.width for edge in beside)


def test_no_edge_label_overlaps_a_box(workspace):
    claim, evidence = crowded_claim(workspace)
    translation = next(item.passage.source for item in evidence if item.passage.source.title == "Translation")
    republication = SourceFactory(
        workspace=workspace, title="Republished", derived_from=translation, derivation="republication"
    )
    graph = build_claim_graph(
        claim, evidence + cite(claim, republication, Stance.SUPPORTS, 1), source_url=str
    )
    assert "republication of" in [edge.label for edge in graph.edges]
    covered = [
        (edge.label, node.full_text)
        for edge in graph.edges
        for node in graph.nodes
        if edge.label_box[0] < node.x + node.width
        and node.x < edge.label_box[2]
        and edge.label_box[1] < node.y + node.height
        and node.y < edge.label_box[3]
    ]
    assert covered == []


def test_every_line_of_a_box_stays_inside_it_whatever_its_letters(workspace):
    outlet = OutletFactory(workspace=workspace, name="WORLD WIDE MEDIA WATCH MONITORING NETWORK")
    source = SourceFactory(workspace=workspace, title="WAR WATER WOMEN WORK " * 3, outlet=outlet)
    claim = ClaimFactory(workspace=workspace, statement="Mmm wow " * 20)
    graph = build_claim_graph(claim, cite(claim, source, Stance.SUPPORTS, 1), source_url=str)
    outside = [
        (node.kind, line)
        for node in graph.nodes
        for line, (left, _, right, _) in zip(node.lines, node.text_boxes, strict=False)
        if left < node.x or right > node.x + node.width
    ]
    assert outside == []
    source_node = next(node for node in graph.nodes if node.kind == "source")
    assert source_node.lines[-1].startswith("WORLD") and source_node.lines[-1].endswith(
        f" · {outlet.reliability}"
    )


def test_a_short_statement_keeps_its_words_on_lines_that_fit(workspace):
    claim = ClaimFactory(workspace=workspace, statement="A power cut stopped the pumps.")
    graph = build_claim_graph(claim, [], source_url=str)
    lines = graph.nodes[0].lines
    assert " ".join(lines[:-1]) == "A power cut stopped the pumps."
    assert lines[-1] == f"credibility {claim.credibility}"
