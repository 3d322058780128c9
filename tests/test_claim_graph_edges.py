"""The claim graph's edges: each clear of every box but the two it joins, the arcs from the claim
over the boxes clear of one another."""

import re
from itertools import pairwise

import pytest

from archive.claims.graph import build_claim_graph
from archive.models import Stance
from tests.factories import ClaimFactory, OutletFactory, SourceFactory
from tests.test_claim_graph_labels import cite, crowded_claim

SAMPLES = 50  # points along each segment of a path
MARGIN = 2  # how close to a box an edge may pass


def far_column_claim(workspace):
    """A claim citing three originals that stand in the far right column, one over another, one
    of them in several ways; its translation and a republication of that stand in between."""
    outlet = OutletFactory(workspace=workspace, name="Enab Baladi")
    council = SourceFactory(workspace=workspace, title="A local council's statement", outlet=outlet)
    bakery = SourceFactory(workspace=workspace, title="Bakery reopens in Daraa", outlet=outlet)
    station = SourceFactory(workspace=workspace, title="The Zaytoun water station stopped", outlet=outlet)
    translation = SourceFactory(
        workspace=workspace,
        title="Translation",
        outlet=outlet,
        derived_from=station,
        derivation="translation",
    )
    copy = SourceFactory(
        workspace=workspace, title="Copy", outlet=outlet, derived_from=translation, derivation="republication"
    )
    claim = ClaimFactory(workspace=workspace, statement="The water station in Tell al-Zaytoun stopped")
    evidence = (
        cite(claim, council, Stance.SUPPORTS, 2)
        + cite(claim, bakery, Stance.CONTEXTUALIZES, 1)
        + cite(claim, station, Stance.SUPPORTS, 1)
        + cite(claim, station, Stance.REFUTES, 3)
        + cite(claim, translation, Stance.SUPPORTS, 1)
        + cite(claim, copy, Stance.REFUTES, 1)
    )
    return claim, evidence


def path_points(path: str) -> list[tuple[float, float]]:
    """Points along SVG path data of M, L and C commands (absolute), SAMPLES per segment."""
    points: list[tuple[float, float]] = []
    for command, numbers in re.findall(r"([MLC])([^MLC]*)", path):
        values = [float(n) for n in re.findall(r"-?[\d.]+", numbers)]
        pairs = list(zip(values[::2], values[1::2], strict=True))
        if command == "M":
            points.append(pairs[0])
            continue
        steps = (
            [pairs[n : n + 3] for n in range(0, len(pairs), 3)] if command == "C" else [[p] for p in pairs]
        )
        for step in steps:
            start = points[-1]
            for n in range(1, SAMPLES + 1):
                t = n / SAMPLES
                if command == "L":
                    ((x, y),) = step
                    points.append((start[0] + (x - start[0]) * t, start[1] + (y - start[1]) * t))
                else:
                    (x1, y1), (x2, y2), (x3, y3) = step
                    a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
                    points.append(
                        (
                            a * start[0] + b * x1 + c * x2 + d * x3,
                            a * start[1] + b * y1 + c * y2 + d * y3,
                        )
                    )
    return points


def inside(point, node, margin: float) -> bool:
    x, y = point
    return (
        node.x - margin < x < node.x + node.width + margin
        and node.y - margin < y < node.y + node.height + margin
    )


@pytest.mark.parametrize("claim_with_evidence", [crowded_claim, far_column_claim])
def test_no_edge_crosses_a_box_other_than_the_two_it_joins(workspace, claim_with_evidence):
    claim, evidence = claim_with_evidence(workspace)
    graph = build_claim_graph(claim, evidence, source_url=str)
    crossed = []
    for edge in graph.edges:
        points = path_points(edge.path)
        # Its ends: the boxes its first and last points touch.
        ends = [
            node
            for node in graph.nodes
            if inside(points[0], node, MARGIN + 1) or inside(points[-1], node, MARGIN + 1)
        ]
        assert len(ends) == 2, edge.path
        crossed += [
            (edge.label, node.full_text)
            for node in graph.nodes
            if node not in ends and any(inside(point, node, MARGIN) for point in points)
        ]
    assert crossed == []


def segments_cross(a, b, c, d) -> bool:
    """Whether the segment a-b crosses the segment c-d (touching aside)."""

    def side(p, q, r) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return side(c, d, a) * side(c, d, b) < 0 and side(a, b, c) * side(a, b, d) < 0


def test_the_arcs_over_the_boxes_do_not_cross_one_another(workspace):
    claim, evidence = far_column_claim(workspace)
    graph = build_claim_graph(claim, evidence, source_url=str)
    # The arcs: the edges from the claim labelled over their source, not beside it.
    arcs = [path_points(edge.path) for edge in graph.edges if edge.label_anchor == "start"]
    assert len(arcs) == 5
    crossing = [
        (m, n)
        for m, one in enumerate(arcs)
        for n, other in enumerate(arcs[m + 1 :], m + 1)
        if any(segments_cross(a, b, c, d) for a, b in pairwise(one) for c, d in pairwise(other))
    ]
    assert crossing == []
