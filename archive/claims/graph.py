"""The claim-evidence-source graph, laid out for a server-rendered SVG.

The claim stands on the left. Every source cited as evidence, and every
source those derive from (translation, republication, ...), is a node; the
originals stand furthest right, each derivative one column to the left of
what it derives from, so a reviewer sees at a glance whether a claim that
seems to rest on many sources really rests on one original. An edge from the
claim to a source beyond the first column arcs over the nodes in between and
enters the source from above, so it never hides a derivation edge.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from archive.core.graphemes import shorten
from archive.core.text import isolated
from archive.models import Claim, Derivation, Evidence, Source, Stance

NODE_WIDTH, NODE_HEIGHT = 200, 62
COLUMN_GAP, ROW_GAP, MARGIN = 80, 26, 16
ARC_LANE = 14  # vertical room per column for the arcs above the nodes


@dataclass
class GraphNode:
    kind: str  # "claim" or "source"
    lines: list[str]
    full_text: str
    url: str
    x: float = 0
    y: float = 0
    original: bool = False
    cited: bool = True
    translation: bool = False  # cited, and a translation: the evidence is not in the original's words
    width: int = NODE_WIDTH
    height: int = NODE_HEIGHT

    @property
    def center_x(self) -> float:
        return self.x + self.width / 2

    @property
    def line_ys(self) -> list[float]:
        """Baselines that centre the lines vertically in the box."""
        step = 18
        top = self.y + self.height / 2 - step * (len(self.lines) - 1) / 2 + 5
        return [top + step * index for index in range(len(self.lines))]

    @property
    def text_lines(self) -> list[tuple[str, float]]:
        return list(zip(self.lines, self.line_ys, strict=True))


@dataclass
class GraphEdge:
    kind: str  # a stance, or "derivation"
    label: str
    path: str  # SVG path data
    label_x: float
    label_y: float
    label_anchor: str = "middle"


def _points(*points: tuple[float, float]) -> list[str]:
    return [f"{x:.0f},{y:.0f}" for x, y in points]


def side_edge(kind: str, label: str, start: tuple[float, float], end: tuple[float, float]) -> GraphEdge:
    """From the right side of one box to the left side of the next, labelled just before its end."""
    middle = (start[0] + end[0]) / 2
    a, b, c, d = _points(start, (middle, start[1]), (middle, end[1]), end)
    return GraphEdge(kind, label, f"M{a} C{b} {c} {d}", end[0] - 6, end[1] - 6, "end")


def arc_edge(
    kind: str, label: str, start: tuple[float, float], end: tuple[float, float], lane: float
) -> GraphEdge:
    """Up from `start` to the horizontal `lane`, over to `end`'s column and down into it."""
    a, b, c, d = _points(start, (start[0] + 40, lane), (end[0], lane), end)
    return GraphEdge(kind, label, f"M{a} C{b} {c} {d}", end[0] + 6, end[1] - 8, "start")


@dataclass
class ClaimGraph:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    width: int
    height: int
    originals: list[Source]
    summary: str


def load_sources_with_ancestors(evidence: list[Evidence]) -> dict[int, Source]:
    """The cited sources and all they derive from: one query per derivation level."""
    sources = {item.passage.source_id: item.passage.source for item in evidence}
    missing = _parent_ids(sources.values()) - set(sources)
    while missing:
        found = {s.pk: s for s in Source.objects.filter(pk__in=missing).select_related("outlet")}
        sources |= found
        missing = _parent_ids(found.values()) - set(sources)
    return sources


def _parent_ids(sources: Iterable[Source]) -> set[int]:
    """The ids of the sources these derive from."""
    return {s.derived_from_id for s in sources if s.derived_from_id is not None}


def _original_of(source: Source, sources: dict[int, Source]) -> Source:
    while source.derived_from_id in sources:
        source = sources[source.derived_from_id]
    return source


def _translated(count: int) -> str:
    if not count:
        return ""
    what = "source is a translation" if count == 1 else "sources are translations"
    return f" {count} cited {what}: the original's words are a click away."


def _summary(cited: list[Source], originals: list[Source], outlet_count: int) -> str:
    if not cited:
        return "No evidence yet: this claim rests on no source."
    rests = (
        f"Rests on {len(cited)} source{'s' if len(cited) != 1 else ''} "
        f"from {outlet_count} outlet{'s' if outlet_count != 1 else ''}"
    )
    if len(originals) == 1 and len(cited) > 1:
        return f"{rests}, all tracing back to one original: “{isolated(originals[0].title)}”."
    if len(originals) == 1:
        return f"{rests}."
    return f"{rests}, tracing back to {len(originals)} independent originals."


def build_claim_graph(
    claim: Claim,
    evidence: list[Evidence],
    *,
    source_url: Callable[[Source], str],
    span_urls: dict[int, str] | None = None,
) -> ClaimGraph:
    """Lay out the graph. `source_url(source)` gives the link of a source node; an
    ancestor that is not cited itself links to `span_urls[its id]` where given (the
    cited passage's counterpart in it)."""
    span_urls = span_urls or {}
    sources = load_sources_with_ancestors(evidence)
    cited_ids = list(dict.fromkeys(item.passage.source_id for item in evidence))
    children: dict[int | None, list[Source]] = defaultdict(list)
    for source in sorted(sources.values(), key=lambda s: (s.title, s.pk)):
        children[source.derived_from_id].append(source)

    depth: dict[int, int] = {}
    row: dict[int, float] = {}
    next_row = 0

    def place(source: Source, level: int) -> None:
        # A tidy tree: leaves take the next free row, a parent the middle of its children.
        nonlocal next_row
        depth[source.pk] = level
        kids = children[source.pk]
        for kid in kids:
            place(kid, level + 1)
        if kids:
            row[source.pk] = (row[kids[0].pk] + row[kids[-1].pk]) / 2
        else:
            row[source.pk] = next_row
            next_row += 1

    for root in children[None]:
        place(root, 0)

    deepest = max(depth.values(), default=0)
    rows = max(next_row, 1)
    row_step = NODE_HEIGHT + ROW_GAP
    top = MARGIN + ARC_LANE * (deepest + 1)  # room for the arcs above the first row
    height = top + MARGIN + rows * row_step - ROW_GAP
    columns = deepest + 2 if sources else 1
    width = MARGIN * 2 + columns * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP

    claim_node = GraphNode(
        kind="claim",
        lines=[*_statement_lines(claim.statement), f"credibility {claim.credibility}"],
        full_text=claim.statement,
        url="",
        x=MARGIN,
        y=top + (rows * row_step - ROW_GAP) / 2 - NODE_HEIGHT / 2 - 9,
        height=NODE_HEIGHT + 18,
    )
    nodes: dict[int | None, GraphNode] = {None: claim_node}  # None: the claim
    originals: dict[int, Source] = {}
    for source in sources.values():
        outlet = source.outlet
        column = 1 + deepest - depth[source.pk]
        nodes[source.pk] = GraphNode(
            kind="source",
            lines=[
                shorten(source.title, 30),
                f"{shorten(outlet.name, 24)} · {outlet.reliability}" if outlet else "outlet unknown",
            ],
            full_text=source.title,
            url=source_url(source)
            if source.pk in cited_ids
            else span_urls.get(source.pk, source_url(source)),
            x=MARGIN + column * (NODE_WIDTH + COLUMN_GAP),
            y=top + row[source.pk] * row_step,
            original=source.derived_from_id is None,
            cited=source.pk in cited_ids,
            translation=source.pk in cited_ids and source.derivation == Derivation.TRANSLATION,
        )
        if source.pk in cited_ids:
            original = _original_of(source, sources)
            originals[original.pk] = original

    edges = _stance_edges(claim_node, nodes, evidence) + [
        _derivation_edge(source, nodes[source.pk], nodes[source.derived_from_id])
        for source in sources.values()
        if source.derived_from_id
    ]
    cited = [sources[pk] for pk in cited_ids]
    outlet_count = len({source.outlet_id for source in cited})
    return ClaimGraph(
        nodes=list(nodes.values()),
        edges=edges,
        width=width,
        height=height,
        originals=list(originals.values()),
        summary=_summary(cited, list(originals.values()), outlet_count)
        + _translated(sum(1 for source in cited if source.derivation == Derivation.TRANSLATION)),
    )


def _statement_lines(statement: str) -> list[str]:
    """The claim's statement in up to two lines of about 32 characters."""
    words, lines, current = statement.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > 32:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], shorten(" ".join(lines[1:]), 32)]
    return lines


def _derivation_edge(source: Source, node: GraphNode, parent: GraphNode) -> GraphEdge:
    start = (node.x + node.width, node.y + node.height / 2)
    end = (parent.x, parent.y + parent.height / 2)
    edge = side_edge("derivation", source.get_derivation_display(), start, end)
    # Its label sits above the middle of the line, clear of stance labels at the ends.
    edge.label_x, edge.label_y, edge.label_anchor = (
        (start[0] + end[0]) / 2,
        min(start[1], end[1]) - 6,
        "middle",
    )
    return edge


def _stance_edges(
    claim_node: GraphNode, nodes: dict[int | None, GraphNode], evidence: list[Evidence]
) -> list[GraphEdge]:
    """One edge per (source, stance), labelled with how many passages it counts."""
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for item in evidence:
        counts[(item.passage.source_id, item.stance)] += 1
    stance_order = list(Stance.values)
    edges = []
    for source_id in dict.fromkeys(source_id for source_id, _ in counts):
        stances = sorted((s for pk, s in counts if pk == source_id), key=stance_order.index)
        target = nodes[source_id]
        column = round((target.x - claim_node.x) / (NODE_WIDTH + COLUMN_GAP))
        for index, stance in enumerate(stances):
            # Several stances into one source fan out a little so each stays visible.
            offset = (index - (len(stances) - 1) / 2) * 12
            count = counts[(source_id, stance)]
            label = f"{Stance(stance).label}{f' ({count})' if count > 1 else ''}"
            if column == 1:
                start = (claim_node.x + claim_node.width, claim_node.y + claim_node.height / 2 + offset)
                edges.append(
                    side_edge(stance, label, start, (target.x, target.y + target.height / 2 + offset))
                )
            else:
                start = (claim_node.x + claim_node.width * 0.75 + offset, claim_node.y)
                lane = MARGIN + ARC_LANE * (column - 2) + offset / 3
                edges.append(arc_edge(stance, label, start, (target.center_x + offset, target.y), lane))
    return edges
