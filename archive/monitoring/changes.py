"""What changed between versions of a source: the text word by word, the
passages that moved, changed or vanished, and evidence whose cited text is
no longer what it was when it was cited."""

from collections.abc import Iterable
from dataclasses import dataclass

from archive.audit.diffing import Segment, condensed, shown_diff
from archive.models import AnchorStatus, Evidence, PassageAnchor, Source, SourceVersion
from archive.passages.carrying import selector_of
from archive.passages.reanchoring import reanchor


class PassageFate:
    KEPT = "kept"
    MOVED = "moved"
    CHANGED = "changed"
    VANISHED = "vanished"


@dataclass(frozen=True)
class PassageChange:
    passage_id: int
    fate: str
    before: PassageAnchor
    after: PassageAnchor
    words: list[Segment]
    """The quote's diff as pages show it (changed passages)."""


@dataclass(frozen=True)
class Comparison:
    older: SourceVersion
    newer: SourceVersion
    words: list[Segment]
    """The text's diff as pages show it, long unchanged stretches shortened."""
    passages: list[PassageChange]
    """The passages of the older version that moved, changed or vanished, in text order."""
    kept: int
    """How many passages stayed where they were, unchanged."""

    @property
    def identical(self) -> bool:
        return self.older.text_sha256 == self.newer.text_sha256


def anchors_in(version: SourceVersion) -> dict[int, PassageAnchor]:
    """Where each passage is in `version`, by passage id.

    The newest version also has the passages made since it was recorded
    (their anchors are written when the next version comes).
    """
    found = {anchor.passage_id: anchor for anchor in version.anchors.all()}
    newest = not SourceVersion.objects.filter(source_id=version.source_id, number__gt=version.number).exists()
    if newest:
        for passage in version.source.passages.exclude(pk__in=found):
            found[passage.pk] = PassageAnchor(
                passage=passage,
                workspace_id=passage.workspace_id,
                source_version=version,
                start=passage.start,
                end=passage.end,
                exact=passage.exact,
                prefix=passage.prefix,
                suffix=passage.suffix,
                status=passage.anchor_status,
            )
    return found


def compare(older: SourceVersion, newer: SourceVersion) -> Comparison:
    """`older` and `newer` compared (either order is taken oldest first)."""
    if older.number > newer.number:
        older, newer = newer, older
    before, after = anchors_in(older), anchors_in(newer)
    carried = [
        (passage_id, was, now)
        for passage_id, was in sorted(before.items(), key=lambda item: (item[1].start, item[0]))
        # Not there: deleted since, or not in the older text either.
        if (now := after.get(passage_id)) is not None and was.status != AnchorStatus.ORPHANED
    ]
    in_place = _in_place(
        older,
        newer,
        [was for _, was, now in carried if now.status != AnchorStatus.ORPHANED and now.exact == was.exact],
    )
    changes, kept = [], 0
    for passage_id, was, now in carried:
        fate = _fate(was, now, in_place.get(passage_id))
        if fate == PassageFate.KEPT:
            kept += 1
            continue
        words = shown_diff(before=was.exact, after=now.exact) if fate == PassageFate.CHANGED else []
        changes.append(PassageChange(passage_id, fate, was, now, words))
    return Comparison(older, newer, condensed(shown_diff(before=older.text, after=newer.text)), changes, kept)


def _in_place(
    older: SourceVersion, newer: SourceVersion, anchors: list[PassageAnchor]
) -> dict[int, tuple[int, int]]:
    """Where the text's changes from `older` to `newer` leave each of `anchors` in place,
    by passage id (none for a passage they do not leave in place).

    Worked out as re-anchoring works out an edit, from the older text straight to the
    newer: the word diff shown pairs text added before a passage with the passage's own
    first words when it starts with them ("The …" before "The internal factors"), as
    what several versions added together often does, and would call the passage moved.
    """
    results = reanchor([selector_of(anchor) for anchor in anchors], old_text=older.text, new_text=newer.text)
    return {
        anchor.passage_id: (result.start, result.end)
        for anchor, result in zip(anchors, results, strict=True)
        if result.status == AnchorStatus.EXACT
    }


def _fate(was: PassageAnchor, now: PassageAnchor, expected: tuple[int, int] | None) -> str:
    if now.status == AnchorStatus.ORPHANED:
        return PassageFate.VANISHED
    if now.exact != was.exact:
        return PassageFate.CHANGED
    # Moved: somewhere the text's changes do not account for. A passage only shifted
    # by text added or removed before it is where it was among its words.
    return PassageFate.KEPT if (now.start, now.end) == expected else PassageFate.MOVED


@dataclass(frozen=True)
class EvidenceChange:
    """A piece of evidence whose passage no longer reads as it did when it was cited."""

    evidence_id: int
    cited: PassageAnchor
    """The passage as cited, in the version that was the newest then."""
    removed: bool
    words: list[Segment]
    """From the text cited to the text now."""


def evidence_changes(evidence: Iterable[Evidence]) -> dict[int, EvidenceChange]:
    """Each piece of `evidence` whose cited text changed or vanished since it was cited, by id."""
    items = list(evidence)
    anchors: dict[int, list[PassageAnchor]] = {}
    for anchor in (
        PassageAnchor.objects.filter(passage_id__in={item.passage_id for item in items})
        .select_related("source_version")
        .order_by("source_version__number")
    ):
        anchors.setdefault(anchor.passage_id, []).append(anchor)
    changes = {}
    for item in items:
        history = anchors.get(item.passage_id)
        if not history:
            continue  # never carried to another version
        then = [anchor for anchor in history if anchor.source_version.created_at <= item.created_at]
        cited = then[-1] if then else history[0]
        passage = item.passage
        removed = passage.anchor_status == AnchorStatus.ORPHANED
        if removed or passage.exact != cited.exact:
            words = [] if removed else shown_diff(before=cited.exact, after=passage.exact)
            changes[item.pk] = EvidenceChange(item.pk, cited, removed, words)
    return changes


def as_cited(evidence: Evidence, changes: dict[int, EvidenceChange]) -> tuple[str, str]:
    """The evidence's passage as it read when cited, and what became of it since, as exports
    name it ("changed", "removed", or "" when it reads the same); `changes` from evidence_changes()."""
    change = changes.get(evidence.pk)
    if change is None:
        return evidence.passage.exact, ""
    return change.cited.exact, "removed" if change.removed else "changed"


def cited_texts(evidence: Iterable[Evidence]) -> dict[int, tuple[str, str]]:
    """as_cited() of each piece of `evidence` (its passage loaded), by id."""
    items = list(evidence)
    changes = evidence_changes(items)
    return {item.pk: as_cited(item, changes) for item in items}


def timeline(source: Source) -> list[SourceVersion]:
    """The source's versions, newest first, with who captured them (without their texts:
    a timeline shows hashes, and each text may be megabytes)."""
    return list(source.versions.select_related("captured_by").defer("text").order_by("-number"))
