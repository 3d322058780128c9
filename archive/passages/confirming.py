"""Analysts confirming where re-anchoring put each passage.

After a text correction or a new capture, passages found moved or only
approximately (fuzzy) may be wrong, and orphans need a home. An analyst
accepts the result, selects the passage anew in the current text (which also
re-attaches an orphan) or marks it orphaned. Each decision is an edit of the
passage, with a history row naming who decided and why, and its anchor in the
newest version follows it, with a history row too (what re-anchoring found
stays in the anchor's history).

A decision is `confirmed` (accepted or selected anew) or `orphaned`; a
passage confirmed stays so until the next version re-anchors it.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from archive.core.attribution import recorded_as
from archive.core.db import update_rows
from archive.core.editing import lock_at_version, required_reason, update_object
from archive.core.graphemes import check_whole_clusters
from archive.core.history import copy_history
from archive.core.spans import checked_position
from archive.core.unit_of_work import unit_of_work
from archive.models import AnchorStatus, Passage, PassageAnchor, Source, SourceVersion
from archive.passages.carrying import cited_words, selector_of, send_words_changed
from archive.passages.reanchoring import AnchorResult, reanchor
from archive.passages.selectors import TextSelector, selector_for
from archive.sources.versions import latest_version

# Results an analyst should look at; orphans are listed apart, to re-attach.
TO_CONFIRM = (AnchorStatus.MOVED, AnchorStatus.FUZZY)
REATTACHABLE = (*TO_CONFIRM, AnchorStatus.ORPHANED)
_SELECTOR_FIELDS = ("start", "end", "exact", "prefix", "suffix")


@dataclass(frozen=True)
class Reanchored:
    """A passage to confirm or re-attach, before and after re-anchoring."""

    passage: Passage
    before: TextSelector | None
    """Where it was in the previous version (its quote with context), if it was carried."""
    after: TextSelector | None
    """Where it is now; None for an orphan (it keeps its old quote)."""
    result: AnchorResult | None
    """How re-anchoring found it (score and reason), if the passage is still as it left it."""


@dataclass(frozen=True)
class ReviewCounts:
    to_confirm: int
    orphaned: int

    @property
    def total(self) -> int:
        return self.to_confirm + self.orphaned

    @classmethod
    def of(cls, statuses: Iterable[str]) -> "ReviewCounts":
        """The counts for passages with these anchor statuses."""
        counts = Counter(statuses)
        return cls(
            to_confirm=sum(counts[status] for status in TO_CONFIRM), orphaned=counts[AnchorStatus.ORPHANED]
        )


def review_counts(source: Source) -> ReviewCounts:
    """How many of the source's passages await confirmation, and how many are orphaned."""
    return ReviewCounts.of(
        source.passages.filter(anchor_status__in=REATTACHABLE).values_list("anchor_status", flat=True)
    )


def reanchored_passages(source: Source) -> list[Reanchored]:
    """The source's moved, fuzzy and orphaned passages, in text order, each
    with where it was in the previous version and how re-anchoring found it."""
    passages = list(source.passages.filter(anchor_status__in=REATTACHABLE).order_by("start", "id"))
    if not passages:
        return []
    anchors = {
        anchor.passage_id: anchor
        for anchor in PassageAnchor.objects.filter(
            source_version=latest_version(source), passage__anchor_status__in=REATTACHABLE
        ).select_related("carried_from")
    }
    carried: dict[int, PassageAnchor] = {}
    for passage_id, anchor in anchors.items():
        if anchor.carried_from is not None:
            carried[passage_id] = anchor.carried_from
    results = _results(passages, anchors, carried, new_text=source.text)
    return [
        Reanchored(
            passage=passage,
            before=selector_of(carried[passage.pk]) if passage.pk in carried else None,
            after=None if passage.anchor_status == AnchorStatus.ORPHANED else selector_of(passage),
            result=results.get(passage.pk),
        )
        for passage in passages
    ]


def _results(
    passages: list[Passage],
    anchors: dict[int, PassageAnchor],
    carried: dict[int, PassageAnchor],
    *,
    new_text: str,
) -> dict[int, AnchorResult]:
    """Re-anchoring's score and reason for each passage it left as it is (not
    yet decided), worked out again: they are not stored."""
    undecided = [
        passage
        for passage in passages
        # An anchor at its first version still says what re-anchoring found.
        if passage.pk in carried and anchors[passage.pk].version == 1
    ]
    if not undecided:
        return {}
    # Every anchor was carried from the previous version: its text is read once.
    old_text = SourceVersion.objects.values_list("text", flat=True).get(
        pk=carried[undecided[0].pk].source_version_id
    )
    found = reanchor(
        [selector_of(carried[passage.pk]) for passage in undecided], old_text=old_text, new_text=new_text
    )
    return {passage.pk: result for passage, result in zip(undecided, found, strict=True)}


def _locked_with_status(
    passage: Passage, expected_version: int | None, allowed: tuple[str, ...], refusal: str
) -> Passage:
    """The passage locked at `expected_version` (else StaleVersion), if its status is one of `allowed`."""
    current = lock_at_version(passage, expected_version)
    if current.anchor_status not in allowed:
        raise ValidationError({"anchor_status": refusal.format(status=current.get_anchor_status_display())})
    return current


@unit_of_work()
def accept_anchor(*, passage: Passage, user: Any, expected_version: int | None, reason: str = "") -> Passage:
    """Confirm a moved or fuzzy passage where re-anchoring found it."""
    why = (reason or "").strip()
    current = _locked_with_status(
        passage,
        expected_version,
        TO_CONFIRM,
        "Only a moved or fuzzy passage can be accepted; this one is {status}.",
    )
    return _decided(
        current,
        user=user,
        changes={"anchor_status": AnchorStatus.CONFIRMED},
        reason=f"re-anchoring accepted: {why}" if why else "re-anchoring accepted",
    )


@unit_of_work()
def reselect_passage(
    *, passage: Passage, user: Any, start: Any, end: Any, expected_version: int | None, reason: str
) -> Passage:
    """Select a moved, fuzzy or orphaned passage anew at [start, end) of the
    source's current text (code points); the passage is then confirmed there."""
    reason = required_reason(
        reason, "Say why you select the passage anew: the reason is kept in the history."
    )
    text = Source.objects.select_for_update().values_list("text", flat=True).get(pk=passage.source_id)
    start, end = checked_position(text, start, end)
    check_whole_clusters(text, start, end)
    current = _locked_with_status(
        passage,
        expected_version,
        REATTACHABLE,
        "Only a moved, fuzzy or orphaned passage can be selected anew; this one is {status}.",
    )
    selector = selector_for(text, start, end)
    changes: dict[str, Any] = {name: getattr(selector, name) for name in _SELECTOR_FIELDS}
    return _decided(
        current,
        user=user,
        changes=changes | {"anchor_status": AnchorStatus.CONFIRMED},
        reason=f"selected anew after re-anchoring: {reason}",
    )


@unit_of_work()
def orphan_passage(*, passage: Passage, user: Any, expected_version: int | None, reason: str) -> Passage:
    """Mark a moved or fuzzy passage as not in the current text. Like an orphan
    of re-anchoring, it keeps its quote from before: that of the anchor it was
    carried from, else its own."""
    reason = required_reason(
        reason, "Say why the passage is not in the text: the reason is kept in the history."
    )
    current = _locked_with_status(
        passage,
        expected_version,
        TO_CONFIRM,
        "Only a moved or fuzzy passage can be marked orphaned; this one is {status}.",
    )
    anchor = _newest_anchor(current)
    before = anchor.carried_from if anchor is not None else None
    changes: dict[str, Any] = {"anchor_status": AnchorStatus.ORPHANED}
    if before is not None:
        changes |= {name: getattr(before, name) for name in _SELECTOR_FIELDS}
    return _decided(
        current, user=user, changes=changes, reason=f"marked orphaned after re-anchoring: {reason}"
    )


def _newest_anchor(passage: Passage) -> PassageAnchor | None:
    """The passage's anchor in its source's newest version, locked (None if it has none there)."""
    return (
        PassageAnchor.objects.select_for_update(of=("self",))
        .filter(passage_id=passage.pk, source_version=latest_version(passage.source))
        .select_related("carried_from")
        .first()
    )


def _decided(current: Passage, *, user: Any, changes: dict[str, Any], reason: str) -> Passage:
    """The (locked) passage with an analyst's decision applied, and its anchor
    in the newest version made to say the same, each with a history row.

    The anchor is the one record of a version that changes after it is
    written, and only this way: the version's comparison with the next, and
    the next re-anchoring (which links to it), must start from where the
    analyst put the passage, not from re-anchoring's guess; that guess stays
    in the anchor's history.
    """
    words_before = cited_words(current.exact, current.anchor_status)
    passage = update_object(
        current,
        user=user,
        expected_version=current.version,
        changes=changes,
        editable={*_SELECTOR_FIELDS, "anchor_status"},
        reason=reason,
    )
    if cited_words(passage.exact, passage.anchor_status) != words_before:
        send_words_changed([passage], user=user, reason=reason)
    anchor = _newest_anchor(passage)
    if anchor is not None:
        for name in _SELECTOR_FIELDS:
            setattr(anchor, name, getattr(passage, name))
        anchor.status = passage.anchor_status
        anchor.version += 1
        anchor.updated_at = timezone.now()
        # Written as rows: PassageAnchor.save refuses any change, as it must everywhere else.
        update_rows([anchor], [*_SELECTOR_FIELDS, "status", "version", "updated_at"])
        with recorded_as(user=user, reason=reason):
            copy_history([anchor], reindex=[])
    return passage
