"""The claim-evidence-source graph, laid out for a server-rendered SVG.

The claim stands on the left. Every source cited as evidence, and every
source those derive from (translation, republication, ...), is a node; the
originals stand furthest right, each derivative one column to the left of
what it derives from, so a reviewer sees at a glance whether a claim that
seems to rest on many sources really rests on one original. An original that
is not archived (Source.unarchived_original) is a node too, a dashed box saying
so: the chain traces back to it like to any original. An edge from the
claim to a source beyond the first column rises to a lane of its own above
all the boxes, runs over them, comes down in the gap left of the source's
column (never through a box above it) and enters the source from above, so
it never hides a derivation edge. The edges nest, none crossing another:
the further right and the higher up its source, the higher its lane.

The SVG's viewBox holds every text drawn, as wide as its characters are
estimated to be: a label beside a box at an edge is not cut off.
"""

import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from archive.core.graphemes import shorten
from archive.core.text import counted, isolated
from archive.models import (
    Claim,
    Derivation,
    Evidence,
    Outlet,
    ReviewStatus,
    Source,
    Stance,
    UnarchivedOriginal,
)

NODE_WIDTH, NODE_HEIGHT = 200, 62
COLUMN_GAP, ROW_GAP, MARGIN = 80, 26, 16
# An arc's lanes: the horizontal one above the boxes, the vertical one in a gap between columns.
LANE_STEP, GAP_STEP = 8, 8
CORNER = 6  # the radius of an arc's bends
HOOK = 20  # how far above its source an arc turns down into it: room for the arrowhead
LANE_CLEARANCE = 12  # between the lowest lane and what stands below it
# Font sizes (px) of the graph's texts, as app.css draws them: a box's lines, its last line
# (the outlet) and its tag ("original"); an edge's label.
NODE_FONT, SUB_FONT, TAG_FONT, EDGE_FONT = 13, 12, 11, 11
LABEL_GAP = 6  # between an edge's label and the end of the edge
ARROW = 14  # the length of an edge's arrowhead (7 stroke widths)
LABEL_STEP = 12  # between the baselines of labels stacked over one box
TEXT_ROOM = NODE_WIDTH - 2 * 8  # how wide a box's line may be, inside its padding

# Advance widths of Noto Sans (the face the pages load), in thousandths of an em, as Chromium
# measures them (canvas measureText at 1000px): printable ASCII, quotes, dashes, the ellipsis.
_MEASURED_CHARACTERS = (
    " !\"#$%&'()*+,-./0123456789:;<=>?"
    "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_"
    "`abcdefghijklmnopqrstuvwxyz{|}~"
    "\u2019\u2018\u201c\u201d\u2026\u2014\u2013\u00b7"  # quotes, ellipsis, dashes, middle dot
)
# fmt: off
_MEASURED_WIDTHS = (
    260, 269, 408, 646, 572, 831, 732, 225, 300, 300, 551, 572, 268, 322, 268, 372, 572, 572, 572, 572,
    572, 572, 572, 572, 572, 572, 268, 268, 572, 572, 572, 434, 899, 639, 650, 632, 730, 556, 519, 728,
    741, 339, 273, 619, 524, 907, 760, 781, 605, 781, 622, 549, 556, 731, 600, 930, 586, 566, 572, 329,
    372, 329, 572, 444, 281, 561, 615, 480, 615, 564, 344, 615, 618, 258, 258, 534, 258, 935, 618, 605,
    615, 615, 413, 479, 361, 618, 508, 786, 529, 510, 470, 380, 551, 380, 572, 175, 175, 359, 359, 791,
    1000, 500, 268,
)
# fmt: on
_MEASURED = dict(zip(_MEASURED_CHARACTERS, (width / 1000 for width in _MEASURED_WIDTHS), strict=True))
MARGIN_OF_ERROR = 1.04  # kerning and hinting at small sizes: an estimate errs on the wide side


def _advance(character: str) -> float:
    """A character's advance width in em: measured, or that of the letter it decorates
    (é as e), or estimated on the wide side (Arabic script's face is narrower than this)."""
    base = unicodedata.normalize("NFD", character)[0]
    if base in _MEASURED:
        return _MEASURED[base] * MARGIN_OF_ERROR
    if unicodedata.east_asian_width(character) in "WF":
        return 1.0
    if unicodedata.category(character) in ("Mn", "Me", "Cf"):  # a combining mark or a bidi control
        return 0
    return 0.79 if character.isupper() else 0.62


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """How wide `text` is drawn `size` px high, estimated from its characters (on the wide side)."""
    return sum(map(_advance, text)) * size * (1.07 if bold else 1)


def fitted(text: str, size: float, room: float = TEXT_ROOM) -> str:
    """`text`, or as much of it as is estimated to fit in `room` px with the ellipsis
    (whole clusters): a box's line drawn in its box, whatever its letters' widths."""
    if text_width(text, size) <= room:
        return text
    low, high = 1, len(text)  # shorten(text, low) fits, shorten(text, high) does not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if text_width(shorten(text, middle), size) <= room else (low, middle)
    return shorten(text, low)


Box = tuple[float, float, float, float]  # left, top, right, bottom


def text_box(text: str, x: float, y: float, anchor: str, size: float, *, bold: bool = False) -> Box:
    """Where an SVG <text> at (x, y), its baseline, with this text-anchor is drawn, estimated."""
    width = text_width(text, size, bold=bold)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    # Above and below the baseline: the fonts' ascent and descent, Arabic's the deeper.
    return (left, y - 1.1 * size, left + width, y + 0.5 * size)


@dataclass
class GraphNode:
    kind: str  # "claim", "source", or "unarchived" (an original that is not archived)
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
    column: int = 0  # the claim's is 0; a source's, how far right of it
    language: str = ""  # a source's, which its title (the first line) is in

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

    @property
    def tag(self) -> str:
        """Written in the box's lower corner."""
        if self.translation:
            return "cited in translation"
        if self.kind == "unarchived":
            return "not archived"
        return "original" if self.original and self.kind == "source" else ""

    @property
    def tag_position(self) -> tuple[float, float]:
        return self.x + 6, self.y + self.height - 5

    @property
    def text_boxes(self) -> list[Box]:
        """Its lines, centred, the last of a source's smaller (the outlet), and its tag."""
        last = len(self.lines) - 1
        boxes = [
            text_box(
                line,
                self.center_x,
                y,
                "middle",
                SUB_FONT if n == last and self.kind != "claim" else NODE_FONT,
            )
            for n, (line, y) in enumerate(self.text_lines)
        ]
        if self.tag:
            boxes.append(text_box(self.tag, *self.tag_position, "start", TAG_FONT, bold=True))
        return boxes


@dataclass
class GraphEdge:
    kind: str  # a stance, or "derivation"
    label: str
    path: str  # SVG path data
    label_x: float
    label_y: float
    label_anchor: str = "middle"

    @property
    def label_box(self) -> Box:
        return text_box(self.label, self.label_x, self.label_y, self.label_anchor, EDGE_FONT)


def _points(*points: tuple[float, float]) -> list[str]:
    return [f"{x:.0f},{y:.0f}" for x, y in points]


def side_edge(kind: str, label: str, start: tuple[float, float], end: tuple[float, float]) -> GraphEdge:
    """From the right side of one box to the left side of the next, labelled just before its end."""
    middle = (start[0] + end[0]) / 2
    a, b, c, d = _points(start, (middle, start[1]), (middle, end[1]), end)
    return GraphEdge(kind, label, f"M{a} C{b} {c} {d}", end[0] - LABEL_GAP, end[1] - 6, "end")


def _rounded(corners: list[tuple[float, float]]) -> str:
    """Path data through these points in straight lines, each bend rounded."""
    path = f"M{_points(corners[0])[0]}"
    for before, at, after in zip(corners, corners[1:], corners[2:], strict=False):
        ends = []
        for other in (before, after):
            length = math.dist(at, other)
            r = min(CORNER, length / 2) / length if length else 0
            ends.append((at[0] + (other[0] - at[0]) * r, at[1] + (other[1] - at[1]) * r))
        a, b, c = _points(ends[0], at, ends[1])
        path += f" L{a} C{b} {b} {c}"
    return path + f" L{_points(corners[-1])[0]}"


def arc_edge(
    kind: str,
    label: str,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    lane: float,
    gap_x: float,
    hook: float,
) -> GraphEdge:
    """Up from `start` to the horizontal `lane`, over to `gap_x`, down to `hook`, over to `end`
    and down into it; labelled at the height of its last bend."""
    corners = [start, (start[0], lane), (gap_x, lane), (gap_x, hook), (end[0], hook), end]
    return GraphEdge(kind, label, _rounded(corners), end[0] + LABEL_GAP, hook + 3, "start")


@dataclass
class ClaimGraph:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    width: int
    height: int
    originals: list["Source | UnarchivedOriginal"]
    summary: str
    # The viewBox's top left corner: above or left of the boxes when a text reaches past them.
    view_x: int = 0
    view_y: int = 0

    @property
    def view_box(self) -> Box:
        return (self.view_x, self.view_y, self.view_x + self.width, self.view_y + self.height)


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


# A node's key: a source's id, an original that is not archived (unarchived_key), None the claim.
NodeKey = int | str | None


def unarchived_key(original: UnarchivedOriginal) -> str:
    """One key for the sources that describe the same original that is not archived: by its
    address, or else by its title and outlet (two translations of one report trace back to one)."""
    if original.url:
        return f"unarchived:url:{original.url}"
    return f"unarchived:title:{original.title.casefold()}|{original.outlet.casefold()}"


def _parent_key(source: Source) -> NodeKey:
    if source.derived_from_id is not None:
        return source.derived_from_id
    described = source.unarchived_original
    return unarchived_key(described) if described is not None else None


def _original_of(source: Source, sources: dict[int, Source]) -> "Source | UnarchivedOriginal":
    while source.derived_from_id in sources:
        source = sources[source.derived_from_id]
    return source.unarchived_original or source


def _original_name(original: "Source | UnarchivedOriginal") -> str:
    if isinstance(original, Source):
        return f"“{isolated(original.title)}”"
    return f"“{isolated(original.label)}”, which is not archived"


def _translated(count: int) -> str:
    if not count:
        return ""
    what = "source is a translation" if count == 1 else "sources are translations"
    return f" {count} cited {what}: the original's words are a click away."


def _left_out(rejected: int, gone: int) -> str:
    said = ""
    if rejected:
        what = (
            "piece of evidence a reviewer rejected is"
            if rejected == 1
            else "pieces of evidence reviewers rejected are"
        )
        said += f" {rejected} {what} left out."
    if gone:
        what = "piece of evidence whose words are" if gone == 1 else "pieces of evidence whose words are"
        said += f" {gone} {what} no longer in the source's text and left out."
    return said


def _from_outlets(cited: list[Source]) -> str:
    """Where the cited sources come from: sources without an outlet are not one outlet
    between them (two may be two publishers), so they are counted apart."""
    outlets = len({source.outlet_id for source in cited if source.outlet_id is not None})
    unknown = sum(1 for source in cited if source.outlet_id is None)
    if not unknown:
        return f"{counted(len(cited), 'source')} from {counted(outlets, 'outlet')}"
    whose = "whose outlet is unknown" if unknown == 1 else "whose outlets are unknown"
    if not outlets:
        return f"{counted(unknown, 'source')} {whose}"
    known = f"{len(cited) - unknown} from {counted(outlets, 'outlet')}"
    return f"{counted(len(cited), 'source')} ({known}, {unknown} {whose})"


def _summary(cited: list[Source], originals: list["Source | UnarchivedOriginal"]) -> str:
    if not cited:
        return "No evidence yet: this claim rests on no source."
    rests = f"Rests on {_from_outlets(cited)}"
    unarchived = sum(1 for original in originals if isinstance(original, UnarchivedOriginal))
    if len(originals) == 1 and len(cited) > 1:
        return f"{rests}, all tracing back to one original: {_original_name(originals[0])}."
    if len(originals) == 1 and unarchived:
        return f"{rests}, tracing back to its original: {_original_name(originals[0])}."
    if len(originals) == 1:
        return f"{rests}."
    not_archived = f" ({unarchived} not archived)" if unarchived else ""
    return f"{rests}, tracing back to {len(originals)} independent originals{not_archived}."


def build_claim_graph(
    claim: Claim,
    evidence: list[Evidence],
    *,
    source_url: Callable[[Source], str],
    span_urls: dict[int, str] | None = None,
) -> ClaimGraph:
    """Lay out the graph. `source_url(source)` gives the link of a source node; an
    ancestor that is not cited itself links to `span_urls[its id]` where given (the
    cited passage's counterpart in it). Evidence that does not stand (Evidence.stands) is left
    out: the claim does not rest on it; the summary says how much was."""
    span_urls = span_urls or {}
    rejected = sum(1 for item in evidence if item.review_status == ReviewStatus.REJECTED)
    gone = sum(1 for item in evidence if not item.stands) - rejected
    evidence = [item for item in evidence if item.stands]
    sources = load_sources_with_ancestors(evidence)
    cited_ids = list(dict.fromkeys(item.passage.source_id for item in evidence))
    children: dict[NodeKey, list[Source]] = defaultdict(list)
    # The originals that are not archived, each once, as the first source to describe it does.
    unarchived: dict[str, UnarchivedOriginal] = {}
    for source in sorted(sources.values(), key=lambda s: (s.title, s.pk)):
        parent = _parent_key(source)
        children[parent].append(source)
        if isinstance(parent, str) and source.unarchived_original is not None:
            unarchived.setdefault(parent, source.unarchived_original)

    depth: dict[NodeKey, int] = {}
    row: dict[NodeKey, float] = {}
    next_row = 0

    def place(key: NodeKey, level: int) -> None:
        # A tidy tree: leaves take the next free row, a parent the middle of its children.
        nonlocal next_row
        depth[key] = level
        kids = children[key]
        for kid in kids:
            place(kid.pk, level + 1)
        if kids:
            row[key] = (row[kids[0].pk] + row[kids[-1].pk]) / 2
        else:
            row[key] = next_row
            next_row += 1

    roots: list[tuple[str, NodeKey]] = [(root.title, root.pk) for root in children[None]]
    roots += [(original.label, key) for key, original in unarchived.items()]
    for _, key in sorted(roots, key=lambda root: root[0]):  # stable: sources keep their order
        place(key, 0)

    deepest = max(depth.values(), default=0)
    rows = max(next_row, 1)
    counts = _stance_counts(evidence)
    # The arcs into one source from above bend one over another between the rows, each labelled
    # at its bend, the highest label clear of the box above.
    arcs = Counter(pk for pk, _ in counts if depth[pk] != deepest)
    stacked = max(arcs.values(), default=1)
    row_gap = (max(ROW_GAP, HOOK + EDGE_FONT - 1) if arcs else ROW_GAP) + LABEL_STEP * (stacked - 1)
    row_step = NODE_HEIGHT + row_gap
    # Above the boxes: a lane for each arc, over every box and the bends (and labels) of the
    # arcs into the highest boxes, with room for a lane's bend and a label's ascent between.
    bends = (HOOK + LABEL_STEP * (n - 1) - row[pk] * row_step for pk, n in arcs.items())
    top = MARGIN + ((arcs.total() - 1) * LANE_STEP + max([0, *bends]) + LANE_CLEARANCE if arcs else 0)
    height = top + MARGIN + rows * row_step - row_gap
    columns = deepest + 2 if sources else 1
    # The labels of the edges into the first column stand between it and the claim, clear of both.
    widest = max(
        (
            text_width(_stance_label(stance, count), EDGE_FONT)
            for (pk, stance), count in counts.items()
            if depth[pk] == deepest
        ),
        default=0,
    )
    first_gap = max(COLUMN_GAP, math.ceil(widest) + LABEL_GAP + ARROW)
    # A derivation's label stands over its line between two source columns, left of the arrowhead
    # (_derivation_edge): the gap holds the widest with LABEL_GAP to spare on either side.
    widest_derivation = max(
        (
            text_width(source.get_derivation_display(), EDGE_FONT)
            for source in sources.values()
            if _parent_key(source) is not None
        ),
        default=0,
    )
    gap = max(COLUMN_GAP, math.ceil(widest_derivation) + ARROW + 2 * LABEL_GAP)

    def column_x(column: int) -> float:
        if column == 0:
            return MARGIN
        return MARGIN + NODE_WIDTH + first_gap + (column - 1) * (NODE_WIDTH + gap)

    width = round(column_x(columns - 1)) + NODE_WIDTH + MARGIN

    claim_node = GraphNode(
        kind="claim",
        lines=[*_statement_lines(claim.statement), f"credibility {claim.credibility}"],
        full_text=claim.statement,
        url="",
        x=MARGIN,
        y=top + (rows * row_step - row_gap) / 2 - NODE_HEIGHT / 2 - 9,
        height=NODE_HEIGHT + 18,
    )
    nodes: dict[NodeKey, GraphNode] = {None: claim_node}  # None: the claim
    for key, described in unarchived.items():
        column = 1 + deepest - depth[key]
        nodes[key] = GraphNode(
            kind="unarchived",
            lines=[
                fitted(described.label, NODE_FONT),
                fitted(described.outlet, SUB_FONT) if described.outlet else "outlet unknown",
            ],
            full_text=described.label,
            url="",
            x=column_x(column),
            y=top + row[key] * row_step,
            column=column,
            original=True,
            cited=False,
        )
    originals: dict[NodeKey, Source | UnarchivedOriginal] = {}
    for source in sources.values():
        outlet = source.outlet
        column = 1 + deepest - depth[source.pk]
        nodes[source.pk] = GraphNode(
            kind="source",
            lines=[
                fitted(source.title, NODE_FONT),
                _outlet_line(outlet) if outlet else "outlet unknown",
            ],
            full_text=source.title,
            url=source_url(source)
            if source.pk in cited_ids
            else span_urls.get(source.pk, source_url(source)),
            x=column_x(column),
            y=top + row[source.pk] * row_step,
            column=column,
            original=_parent_key(source) is None,
            cited=source.pk in cited_ids,
            translation=source.pk in cited_ids and source.derivation == Derivation.TRANSLATION,
            language=source.language,
        )
        if source.pk in cited_ids:
            original = _original_of(source, sources)
            key = original.pk if isinstance(original, Source) else unarchived_key(original)
            originals.setdefault(key, original)

    edges = _stance_edges(claim_node, nodes, counts) + [
        _derivation_edge(source, nodes[source.pk], nodes[_parent_key(source)])
        for source in sources.values()
        if _parent_key(source) is not None
    ]
    cited = [sources[pk] for pk in cited_ids]
    # Widened to hold every text, with 2 px to spare.
    texts = [edge.label_box for edge in edges] + [box for node in nodes.values() for box in node.text_boxes]
    left = math.floor(min([0, *(box[0] - 2 for box in texts)]))
    top_edge = math.floor(min([0, *(box[1] - 2 for box in texts)]))
    right = math.ceil(max([width, *(box[2] + 2 for box in texts)]))
    bottom = math.ceil(max([height, *(box[3] + 2 for box in texts)]))
    return ClaimGraph(
        nodes=list(nodes.values()),
        edges=edges,
        width=right - left,
        height=bottom - top_edge,
        originals=list(originals.values()),
        summary=_summary(cited, list(originals.values()))
        + _translated(
            sum(
                1
                for source in cited
                if source.derived_from_id and source.derivation == Derivation.TRANSLATION
            )
        )
        + _left_out(rejected, gone),
        view_x=left,
        view_y=top_edge,
    )


def _outlet_line(outlet: Outlet) -> str:
    """The outlet's name, shortened to leave room for its reliability grade."""
    grade = f" · {outlet.reliability}"
    return fitted(outlet.name, SUB_FONT, TEXT_ROOM - text_width(grade, SUB_FONT)) + grade


def _statement_lines(statement: str) -> list[str]:
    """The claim's statement in up to two lines that fit its box, wrapped between words."""
    words, lines, current = statement.split(), [], ""
    for word in words:
        if current and text_width(f"{current} {word}", NODE_FONT) > TEXT_ROOM:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return [
        fitted(lines[0], NODE_FONT),
        *([fitted(" ".join(lines[1:]), NODE_FONT)] if len(lines) > 1 else []),
    ]


def _derivation_edge(source: Source, node: GraphNode, parent: GraphNode) -> GraphEdge:
    start = (node.x + node.width, node.y + node.height / 2)
    end = (parent.x, parent.y + parent.height / 2)
    edge = side_edge("derivation", source.get_derivation_display(), start, end)
    # Its label sits above the middle of the line left of the arrowhead, clear of stance labels
    # at the ends (the gap is wide enough for it: build_claim_graph).
    edge.label_x, edge.label_y, edge.label_anchor = (
        (start[0] + end[0] - ARROW) / 2,
        min(start[1], end[1]) - 6,
        "middle",
    )
    return edge


def _stance_counts(evidence: list[Evidence]) -> dict[tuple[int, str], int]:
    """How many passages of each source are evidence of each stance."""
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for item in evidence:
        counts[(item.passage.source_id, item.stance)] += 1
    return counts


def _stance_label(stance: str, count: int) -> str:
    return f"{Stance(stance).label}{f' ({count})' if count > 1 else ''}"


def _stance_edges(
    claim_node: GraphNode, nodes: dict[NodeKey, GraphNode], counts: dict[tuple[int, str], int]
) -> list[GraphEdge]:
    """One edge per (source, stance), labelled with how many passages it counts."""
    stance_order = list(Stance.values)
    stances = {
        source_id: sorted((s for pk, s in counts if pk == source_id), key=stance_order.index)
        for source_id, _ in counts
    }
    # The arcs from the innermost out, so that none crosses another: the nearer column first, in
    # it the lower source (its arcs come down the gap furthest left), into one source the stance
    # whose arrow is leftmost. Each further out starts further left on the claim, runs in a
    # higher lane, comes down further right and bends higher above its source.
    arcs = sorted(
        (
            (source_id, index)
            for source_id in stances
            if nodes[source_id].column > 1
            for index in range(len(stances[source_id]))
        ),
        key=lambda arc: (nodes[arc[0]].column, -nodes[arc[0]].y, arc[1]),
    )
    start_step = min(10.0, (claim_node.width - 32) / max(len(arcs) - 1, 1))
    in_column = Counter(nodes[source_id].column for source_id, _ in arcs)
    gap_step = min(GAP_STEP, (COLUMN_GAP - 20) / max(max(in_column.values(), default=1) - 1, 1))
    outward = {arc: n for n, arc in enumerate(arcs)}
    edges = []
    for source_id, into in stances.items():
        target = nodes[source_id]
        for index, stance in enumerate(into):
            # Several stances into one source fan out a little so each stays visible.
            offset = (index - (len(into) - 1) / 2) * 12
            label = _stance_label(stance, counts[(source_id, stance)])
            if target.column == 1:
                start = (claim_node.x + claim_node.width, claim_node.y + claim_node.height / 2 + offset)
                edges.append(
                    side_edge(stance, label, start, (target.x, target.y + target.height / 2 + offset))
                )
                continue
            n = outward[(source_id, index)]
            # How many arcs into the same column stand further out, coming down right of this one.
            outer = sum(
                1 for m, (other, _) in enumerate(arcs) if m > n and nodes[other].column == target.column
            )
            edge = arc_edge(
                stance,
                label,
                (claim_node.x + claim_node.width - 16 - n * start_step, claim_node.y),
                (target.center_x + offset, target.y),
                lane=MARGIN + (len(arcs) - 1 - n) * LANE_STEP,
                gap_x=target.x - 10 - outer * gap_step,
                hook=target.y - HOOK - LABEL_STEP * index,
            )
            # Their labels one above another, right of the last arrow, each at its arc's bend.
            edge.label_x = target.center_x + (len(into) - 1) * 6 + LABEL_GAP
            edges.append(edge)
    return edges
