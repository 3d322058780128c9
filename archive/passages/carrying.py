"""Carrying a source's passages to its new version.

The passage row is what annotations, evidence and analyses point at, so it
follows the newest version: it is re-anchored in place (archive.passages.reanchoring),
with a history row for each one whose selector or status changed. What it was
in each version is kept immutable as a PassageAnchor: the anchor in the new
version links to the one in the previous version it was carried from, with the
status it was found again with (exact, moved, fuzzy, orphaned). A passage made
since the previous version was recorded gets its anchor there first, from
where it stood.
"""

from collections import Counter
from dataclasses import dataclass
from typing import cast

from django.dispatch import Signal
from django.utils import timezone

from archive.core.attribution import recorded_as
from archive.core.db import update_rows
from archive.core.history import copy_history
from archive.core.unit_of_work import unit_of_work
from archive.models import FOUND_STATUSES, AnchorStatus, Passage, PassageAnchor, Source, SourceVersion
from archive.models.audit import HistoryAction
from archive.passages.reanchoring import reanchor
from archive.passages.selectors import TextSelector, selector_for

# What re-anchoring changes on a passage (version and updated_at included:
# the passages are written in bulk, not through Model.save).
_REANCHORED_FIELDS = ["start", "end", "exact", "prefix", "suffix", "anchor_status", "version", "updated_at"]
# What it reads (updated_at is only written).
_LOADED_FIELDS = [
    "id",
    "workspace_id",
    "source_id",
    "start",
    "end",
    "exact",
    "prefix",
    "suffix",
    "anchor_status",
    "version",
]

# Sent with `passages` whose words changed, left the text or came back to it (a
# correction or its revert, a recapture, an analyst's decision), `user` and `reason`,
# inside the change's transaction: the reviews of what cites their words follow
# (archive.audit.review), each receiver answering with the ReviewsChanged it made.
# Connected in ArchiveConfig.ready.
words_changed = Signal()


@dataclass(frozen=True)
class ReviewsChanged:
    """What a change of passages' words did to the reviews of the work citing them."""

    back: int = 0
    """Approved items sent back to the reviewers: the words they cite changed."""
    again: int = 0
    """Items approved again: the words they cite read again as when they were approved."""

    def __add__(self, other: "ReviewsChanged") -> "ReviewsChanged":
        return ReviewsChanged(back=self.back + other.back, again=self.again + other.again)


def send_words_changed(passages: list[Passage], *, user, reason: str) -> ReviewsChanged:
    """words_changed for `passages` (none: nothing sent), and what it did to reviews."""
    if not passages:
        return ReviewsChanged()
    answers = words_changed.send(sender=Passage, passages=passages, user=user, reason=reason)
    # (Django's stubs type a receiver's answer as text.)
    return sum((cast(ReviewsChanged, answer) for _, answer in answers), ReviewsChanged())


def cited_words(exact: str, status: str) -> tuple[str, bool]:
    """A passage's words as its citations see them: its quote, and whether it is in the
    text (an orphan keeps its old quote: the same words, no longer there)."""
    return exact, status != AnchorStatus.ORPHANED


@dataclass(frozen=True)
class ReanchorReport:
    source: Source
    counts: dict[AnchorStatus, int]
    """How many passages of the source have each anchor status now."""
    changed: list[Passage]
    """Passages whose selector or status changed (each has a new history row)."""
    orphaned: list[Passage]
    """Passages not found in the new text: they keep their old quote."""
    anchors: list[PassageAnchor]
    """Each passage's anchor in the new version, linked to the one it was carried from."""
    reviews: ReviewsChanged = ReviewsChanged()
    """Evidence and notes sent back to the reviewers, or approved again, by the change of their words."""

    def describe(self) -> str:
        """How the passages fared, e.g. "4 passages re-anchored: 2 exact, 1 moved, 0 fuzzy, 1 orphaned."."""
        total = sum(self.counts.values())
        if not total:
            return "The source has no passages to re-anchor."
        counts = ", ".join(f"{self.counts[status]} {status.value}" for status in FOUND_STATUSES)
        described = f"{total} passage{'s' if total != 1 else ''} re-anchored: {counts}."
        if back := self.reviews.back:
            items = "item goes" if back == 1 else "items go"
            described += f" {back} approved {items} back to review: the words cited changed."
        if again := self.reviews.again:
            items = "item is" if again == 1 else "items are"
            described += f" {again} {items} approved again: the words cited are those approved."
        return described


@unit_of_work()
def carry_passages(
    *,
    source: Source,
    old_text: str,
    previous: SourceVersion | None,
    version: SourceVersion,
    user,
    reason: str,
    same_text_as: SourceVersion | None = None,
) -> ReanchorReport:
    """Re-anchor every passage of `source` from `old_text` into `version`'s text
    (already the source's text), recording its anchors in `previous` and `version`.

    `same_text_as` is an earlier version with that very text (a text revert): a
    passage anchored in it goes back to that anchor, status included; only the
    others are re-anchored.
    """
    new_text = version.text
    # Only what re-anchoring reads and writes: thousands of rows are loaded.
    passages = list(source.passages.select_for_update().only(*_LOADED_FIELDS))
    before = [(selector_of(passage), passage.anchor_status) for passage in passages]
    carried_from = _anchors_in(previous, passages, before, user=user, reason=reason) if previous else {}
    # Finding a passage again from where it stands now would start from what the text
    # change did to it (a shortened quote, found exact): the earlier anchor knows better.
    known = {anchor.passage_id: anchor for anchor in same_text_as.anchors.all()} if same_text_as else {}
    after = {pk: (selector_of(anchor), anchor.status) for pk, anchor in known.items()}
    unknown = [
        (passage, selector)
        for passage, (selector, _) in zip(passages, before, strict=True)
        if passage.pk not in known
    ]
    results = reanchor([selector for _, selector in unknown], old_text=old_text, new_text=new_text)
    for (passage, selector), result in zip(unknown, results, strict=True):
        if result.status != AnchorStatus.ORPHANED:  # an orphan keeps its old quote
            selector = selector_for(new_text, result.start, result.end)
        after[passage.pk] = (selector, result.status)

    changed, requoted, words_moved = [], [], []
    now = timezone.now()
    for passage, (old_selector, old_status) in zip(passages, before, strict=True):
        selector, passage.anchor_status = after[passage.pk]
        passage.start, passage.end, passage.exact = selector.start, selector.end, selector.exact
        passage.prefix, passage.suffix = selector.prefix, selector.suffix
        if (selector_of(passage), passage.anchor_status) != (old_selector, old_status):
            passage.version += 1
            passage.updated_at = now
            passage.check_invariants()
            changed.append(passage)
            if passage.exact != old_selector.exact:
                requoted.append(passage)
            if cited_words(passage.exact, passage.anchor_status) != cited_words(
                old_selector.exact, old_status
            ):
                words_moved.append(passage)
    update_rows(changed, _REANCHORED_FIELDS)
    if changed:
        with recorded_as(user=user, reason=reason, action=HistoryAction.REANCHORED):
            # The index holds quotes, not offsets: only the requoted need it.
            copy_history(changed, reindex=requoted)
    reviews = send_words_changed(words_moved, user=user, reason=reason)
    anchors = _record_anchors(
        [
            _anchor(
                passage, version, selector_of(passage), passage.anchor_status, carried_from.get(passage.pk)
            )
            for passage in passages
        ],
        user=user,
        reason=reason,
    )
    counts = Counter(passage.anchor_status for passage in passages)
    return ReanchorReport(
        source=source,
        counts={status: counts[status] for status in FOUND_STATUSES},
        changed=changed,
        orphaned=[passage for passage in passages if passage.anchor_status == AnchorStatus.ORPHANED],
        anchors=anchors,
        reviews=reviews,
    )


def selector_of(passage: Passage | PassageAnchor) -> TextSelector:
    return TextSelector(
        start=passage.start,
        end=passage.end,
        exact=passage.exact,
        prefix=passage.prefix,
        suffix=passage.suffix,
    )


def _anchors_in(
    version: SourceVersion,
    passages: list[Passage],
    before: list[tuple[TextSelector, str]],
    *,
    user,
    reason: str,
) -> dict[int, PassageAnchor]:
    """Each passage's anchor in `version`, recorded from where it stands if it has none yet."""
    found = {anchor.passage_id: anchor for anchor in version.anchors.all()}
    missing = [
        _anchor(passage, version, selector, status)
        for passage, (selector, status) in zip(passages, before, strict=True)
        if passage.pk not in found
    ]
    for anchor in _record_anchors(missing, user=user, reason=reason):
        found[anchor.passage_id] = anchor
    return found


def _anchor(
    passage: Passage,
    version: SourceVersion,
    selector: TextSelector,
    status: str,
    carried_from: PassageAnchor | None = None,
) -> PassageAnchor:
    return PassageAnchor(
        passage=passage,
        workspace_id=passage.workspace_id,
        source_version=version,
        start=selector.start,
        end=selector.end,
        exact=selector.exact,
        prefix=selector.prefix,
        suffix=selector.suffix,
        status=status,
        carried_from=carried_from,
    )


def _record_anchors(anchors: list[PassageAnchor], *, user, reason: str) -> list[PassageAnchor]:
    if not anchors:
        return []
    created = PassageAnchor.objects.bulk_create(anchors)
    with recorded_as(user=user, reason=reason):
        PassageAnchor.history.bulk_history_create(created)
    return created
