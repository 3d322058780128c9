"""The reading page's content: a source's text with its passages highlighted,
and the annotations and evidence on it in text order.

Highlights are rendered on the server: the text is cut into segments at every
passage boundary, and each segment is wrapped in one <mark> per passage that
covers it, outermost first. Overlapping passages nest, the page works without
JavaScript, and the whole page costs a fixed number of queries however many
passages the source has.

Only the innermost mark of a segment can be a tab stop (a button on the reading
page), so that no tab stop is ever inside another: a segment where passages start
has one, for all the passages starting there (js/highlights.js draws the same).
"""

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from html import escape  # the stdlib one: Django's checks every argument for lazy strings, too slow here
from itertools import pairwise
from types import SimpleNamespace
from typing import cast

from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet
from django.utils.safestring import SafeString, mark_safe

from archive.audit.review import rejection_comments
from archive.claims.discussion import may_delete_reply, may_edit_reply, may_reply, may_resolve
from archive.models import (
    AnchorStatus,
    Annotation,
    Claim,
    Discussion,
    Evidence,
    Passage,
    Reply,
    ReviewStatus,
    Source,
)
from archive.models.grading import admiralty_code
from archive.permissions import can_change
from archive.reading.kinds import HighlightRole, annotation_role, highlight_role


@dataclass(frozen=True)
class Highlight:
    passage_id: int
    start: int
    end: int
    role: str

    @property
    def nesting_key(self) -> tuple[int, int, int]:
        # Longer passages starting at the same place are the outer marks.
        return (self.start, -self.end, self.passage_id)


def _mark_open(highlight: Highlight, *, first: bool, stop: bool, opens: bool) -> str:
    # The first mark of a passage is its anchor (#passage-N). The tab stop of the passages
    # starting at a segment is its innermost mark, the first of the innermost of them (the
    # marks outside it are in the same segment, none of them focusable); where it opens what
    # is on them, a button, for a screen reader to say it can be pressed.
    attributes = f' id="passage-{highlight.passage_id}"' if first else ""
    if stop:
        attributes += ' tabindex="0"'
        if opens:
            attributes += ' role="button" aria-haspopup="dialog"'
    return f'<mark class="hl hl-{highlight.role}" data-passage="{highlight.passage_id}"{attributes}>'


def highlighted_html(text: str, highlights: list[Highlight], *, opens: bool = False) -> SafeString:
    """`text`, escaped, with every highlight wrapped in nested <mark>s; with `opens`, the
    tab stop where passages start is a button that opens a dialog on all of those passages
    (the reading page's js/reading.js).

    Highlights must lie within the text (0 <= start < end <= len(text)).
    """
    starting, ending = defaultdict(list), defaultdict(list)
    for highlight in highlights:
        starting[highlight.start].append(highlight)
        ending[highlight.end].append(highlight)
    boundaries = sorted({0, len(text), *starting, *ending})
    active: list[Highlight] = []  # sorted by nesting_key, outermost first
    pieces = []
    for segment_start, segment_end in pairwise(boundaries):
        for highlight in ending[segment_start]:
            active.remove(highlight)
        for highlight in starting[segment_start]:
            bisect.insort(active, highlight, key=lambda h: h.nesting_key)
        segment = escape(text[segment_start:segment_end])
        if active:
            # Those starting here sort last (their start is the greatest): the innermost is one of them.
            innermost = len(active) - 1
            opening = "".join(
                _mark_open(
                    h,
                    first=h.start == segment_start,
                    stop=n == innermost and h.start == segment_start,
                    opens=opens,
                )
                for n, h in enumerate(active)
            )
            segment = f"{opening}{segment}{'</mark>' * len(active)}"
        pieces.append(segment)
    return mark_safe("".join(pieces))  # noqa: S308 (every piece of text is escaped above)  # nosec B308, B703


class Row(SimpleNamespace):
    """A row of a model, read by attribute like the instance it stands for
    (with `pk`). The reading page shows thousands of passages, notes and
    evidence: building model instances for them was most of its cost."""

    @property
    def pk(self) -> int:
        return self.id


def _rows(queryset: QuerySet, fields: tuple[str, ...]) -> list[Row]:
    rows = [Row(**values) for values in queryset.values(*fields)]
    # Whose work each row is, as the model says (permissions.is_own reads it).
    owner = getattr(queryset.model, "author_field", None)
    if owner is not None and f"{owner}_id" in fields:
        for row in rows:
            row.owner_id = getattr(row, f"{owner}_id")
    return rows


@dataclass
class ThreadReply:
    pk: int
    version: int
    owner_id: int | None  # its author (permissions.is_own reads it)
    person: str
    created_at: datetime
    body: str
    can_edit: bool = False  # what the reader may do to it
    can_delete: bool = False


@dataclass
class Thread:
    """The discussion under an annotation: its replies, whether it is resolved, what the viewer may do."""

    can_reply: bool
    can_resolve: bool
    version: int | None = None  # None: nobody has replied yet
    resolved: bool = False
    resolved_by: str = ""
    resolved_at: datetime | None = None
    replies: list[ThreadReply] = field(default_factory=list)


@dataclass
class ReadingItem:
    """One annotation or piece of evidence, shown at one of its passages."""

    kind: str  # "annotation", "evidence", or "passage" for a passage nothing refers to
    obj: Annotation | Evidence | Passage | Row
    passage: Passage | Row
    can_edit: bool
    person: str  # who wrote it
    grade: str = ""  # evidence only: outlet reliability + claim credibility
    review_comment: str = ""  # a rejected item's reviewer comment, for those who can revise it
    thread: Thread | None = None  # annotations only (with_discussions)
    # Its passage's counterparts across derivations (archive.reading.side_by_side.with_across).
    across: list = field(default_factory=list)

    @property
    def review_status(self) -> str:
        """Draft, submitted, approved or rejected; "" for a bare passage (not reviewed)."""
        return getattr(self.obj, "review_status", "") if self.kind != "passage" else ""

    @property
    def role(self) -> HighlightRole:
        """The item's own kind (its colour and label): a note, a question, an error flag, a stance."""
        if self.kind == "annotation":
            return annotation_role(cast(Annotation | Row, self.obj).motivation)
        if self.kind == "evidence":
            return HighlightRole(cast(Evidence | Row, self.obj).stance)
        return HighlightRole.PLAIN

    @property
    def dom_id(self) -> str:
        # "passage-N" is the highlight's own anchor in the text.
        kind = "highlight" if self.kind == "passage" else self.kind
        return f"{kind}-{self.obj.pk}"

    @property
    def text_order(self) -> tuple:
        return (self.passage.start, self.passage.end, self.kind, self.obj.pk)  # ids grow with creation


@dataclass
class Reading:
    text_html: SafeString
    items: list[ReadingItem]
    # Items whose passage could not be found in the current text (see re-anchoring).
    orphaned_items: list[ReadingItem] = field(default_factory=list)
    # Every passage's anchor status, for the count of those to confirm after re-anchoring.
    anchor_statuses: list[str] = field(default_factory=list)


def _anchored(passage: Passage | Row, text_length: int) -> bool:
    return passage.anchor_status != AnchorStatus.ORPHANED and 0 <= passage.start < passage.end <= text_length


def _name(person) -> str:
    return str(person) if person is not None else "unknown"


def annotation_item(
    annotation: Annotation | Row,
    passage: Passage | Row,
    *,
    user,
    user_role,
    person: str | None = None,
) -> ReadingItem:
    """The sidebar item of an annotation; `person` (its author's name) saves a query when known."""
    return ReadingItem(
        kind="annotation",
        obj=annotation,
        passage=passage,
        can_edit=can_change(user_role, user, annotation),
        person=person if person is not None else _name(annotation.author),
    )


def evidence_item(
    evidence: Evidence | Row,
    passage: Passage | Row,
    *,
    source: Source,
    user,
    user_role,
    person: str | None = None,
) -> ReadingItem:
    """The sidebar item of a piece of evidence, graded with the source's outlet and the claim."""
    outlet = source.outlet
    return ReadingItem(
        kind="evidence",
        obj=evidence,
        passage=passage,
        can_edit=can_change(user_role, user, evidence),
        person=person if person is not None else _name(evidence.created_by),
        grade=admiralty_code(outlet.reliability if outlet else None, evidence.claim.credibility),
    )


# Only what the page shows: every date-time loaded costs (most on PostgreSQL), so
# passages, which show none, load none, and the notes only when they last changed.
_PASSAGE_FIELDS = ("id", "version", "source_id", "start", "end", "exact", "anchor_status", "created_by_id")
_ANNOTATION_FIELDS = (
    "id",
    "version",
    "updated_at",
    "body",
    "motivation",
    "tags",
    "author_id",
    "review_status",
    "discussion__id",  # a join, not a query: most notes have no discussion
)
_EVIDENCE_FIELDS = (
    "id",
    "version",
    "updated_at",
    "passage_id",
    "claim_id",
    "stance",
    "note",
    "created_by_id",
    "review_status",
)


def with_review_comments(items: list[ReadingItem], *, workspace) -> list[ReadingItem]:
    """Give each rejected item its reviewer's comment, if the viewer may revise it (one query per kind)."""
    for kind in ("annotation", "evidence"):
        rejected = [
            item
            for item in items
            if item.kind == kind and item.can_edit and item.review_status == ReviewStatus.REJECTED
        ]
        if rejected:
            ids = [item.obj.pk for item in rejected]
            comments = rejection_comments(workspace=workspace, kind=kind, ids=ids)
            for item in rejected:
                item.review_comment = comments.get(item.obj.pk, "")
    return items


def with_discussions(items: list[ReadingItem], *, user, user_role: str | None) -> list[ReadingItem]:
    """Give each annotation item its discussion thread (no query if nobody replied, else two)."""
    annotations = {item.obj.pk: item for item in items if item.kind == "annotation"}
    threads = {
        pk: Thread(can_reply=may_reply(user_role), can_resolve=may_resolve(user_role, user, item.obj))
        for pk, item in annotations.items()
    }
    for pk, item in annotations.items():
        item.thread = threads[pk]
    # The page's rows say which notes have a discussion (None: none); an instance does not.
    if all(getattr(item.obj, "discussion__id", 0) is None for item in annotations.values()):
        return items
    username = f"__{get_user_model().USERNAME_FIELD}"
    discussions = list(
        Discussion.objects.filter(annotation_id__in=annotations).values(
            "id", "annotation_id", "version", "resolved", "resolved_at", resolver=F(f"resolved_by{username}")
        )
    )
    replies_of: dict[int, list[ThreadReply]] = defaultdict(list)
    if discussions:  # one query more only where someone replied
        replies = Reply.objects.filter(discussion_id__in=[d["id"] for d in discussions]).order_by(
            "created_at", "id"
        )
        fields = ("id", "version", "author_id", "discussion_id", "created_at", "body")
        for values in replies.values(*fields, person=F(f"author{username}")):
            shown = ThreadReply(
                pk=values["id"],
                version=values["version"],
                owner_id=values["author_id"],
                person=values["person"] or "unknown",
                created_at=values["created_at"],
                body=values["body"],
            )
            shown.can_edit = may_edit_reply(user_role, user, shown)
            shown.can_delete = may_delete_reply(user_role, user, shown)
            replies_of[values["discussion_id"]].append(shown)
    for row in discussions:
        thread = threads[row["annotation_id"]]
        thread.version, thread.resolved = row["version"], row["resolved"]
        thread.resolved_by = (row["resolver"] or "unknown") if row["resolved"] else ""
        thread.resolved_at = row["resolved_at"]
        thread.replies = replies_of[row["id"]]
    return items


def _usernames(user_ids: set[int | None]) -> dict[int | None, str]:
    User = get_user_model()
    known = {user_id for user_id in user_ids if user_id is not None}
    names = User.objects.filter(pk__in=known).values_list("pk", User.USERNAME_FIELD)
    return {None: "unknown", **dict(names)}


def build_reading(source: Source, *, user, user_role: str | None) -> Reading:
    """Everything the reading page shows, in a fixed number of queries however many passages
    there are (two more where notes have discussions).

    Passages, notes and evidence come as Rows of the fields the page shows,
    and claims and people once each rather than once per row.
    """
    passages = _rows(Passage.objects.filter(source=source), _PASSAGE_FIELDS)
    links = Annotation.passages.through.objects.filter(passage__source=source)
    annotations = _rows(Annotation.objects.filter(pk__in=links.values("annotation_id")), _ANNOTATION_FIELDS)
    annotation_by_id = {annotation.pk: annotation for annotation in annotations}
    evidence = _rows(Evidence.objects.filter(passage__source=source), _EVIDENCE_FIELDS)
    claims = Claim.objects.filter(pk__in={e.claim_id for e in evidence}).only("statement", "credibility")
    claim_by_id = {claim.pk: claim for claim in claims}
    names = _usernames(
        {p.created_by_id for p in passages}
        | {a.author_id for a in annotation_by_id.values()}
        | {e.created_by_id for e in evidence}
    )

    # Each query sees the rows committed when it ran: a note or claim deleted (or a
    # note added) by someone else in between is left out, not a server error.
    annotations_of: dict[int, list[Row]] = defaultdict(list)
    for passage_id, annotation_id in links.values_list("passage_id", "annotation_id"):
        if annotation_id in annotation_by_id:
            annotations_of[passage_id].append(annotation_by_id[annotation_id])
    evidence_of: dict[int, list[Row]] = defaultdict(list)
    for item in evidence:
        if item.claim_id in claim_by_id:
            item.claim = claim_by_id[item.claim_id]
            evidence_of[item.passage_id].append(item)

    text_length = len(source.text)
    highlights: list[Highlight] = []
    items: list[ReadingItem] = []
    orphaned_items: list[ReadingItem] = []
    shown_annotations: set[int] = set()
    for passage in passages:
        role = highlight_role(
            motivations={a.motivation for a in annotations_of[passage.pk]},
            stances={e.stance for e in evidence_of[passage.pk]},
        )
        anchored = _anchored(passage, text_length)
        if anchored:
            highlights.append(Highlight(passage.pk, passage.start, passage.end, role))
        listed = items if anchored else orphaned_items
        for annotation in annotations_of[passage.pk]:
            # An annotation on several passages is listed once, at its first.
            if annotation.pk not in shown_annotations:
                shown_annotations.add(annotation.pk)
                listed.append(
                    annotation_item(
                        annotation,
                        passage,
                        user=user,
                        user_role=user_role,
                        person=names[annotation.author_id],
                    )
                )
        listed.extend(
            evidence_item(
                e,
                passage,
                source=source,
                user=user,
                user_role=user_role,
                person=names[e.created_by_id],
            )
            for e in evidence_of[passage.pk]
        )
        if role == HighlightRole.PLAIN:
            listed.append(
                ReadingItem(
                    kind="passage",
                    obj=passage,
                    passage=passage,
                    can_edit=False,
                    person=names[passage.created_by_id],
                )
            )
    items.sort(key=lambda item: item.text_order)
    with_review_comments(items + orphaned_items, workspace=source.workspace_id)
    with_discussions(items + orphaned_items, user=user, user_role=user_role)
    return Reading(
        text_html=highlighted_html(source.text, highlights, opens=True),
        items=items,
        orphaned_items=orphaned_items,
        anchor_statuses=[passage.anchor_status for passage in passages],
    )


def passage_role(passage: Passage) -> str:
    """The colour of one passage, as its annotations and evidence stand now."""
    return highlight_role(
        motivations=set(passage.annotations.values_list("motivation", flat=True)),
        stances=set(passage.evidence.values_list("stance", flat=True)),
    )


def workspace_tags(workspace_id: int) -> list[str]:
    """Every tag on the workspace's annotations, sorted, for the annotation form's suggestions."""
    annotations = Annotation.objects.filter(workspace_id=workspace_id).exclude(tags=[])
    tag_lists = annotations.values_list("tags", flat=True)
    return sorted({tag for tags in tag_lists for tag in tags}, key=str.casefold)
