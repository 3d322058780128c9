"""What changed between versions of a source: the text word by word, the
passages that moved, changed or vanished, and evidence whose cited text is
no longer what it was when it was cited."""

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from archive.audit.diffing import Segment, condensed, word_diff
from archive.models import AnchorStatus, Evidence, PassageAnchor, Source, SourceVersion


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
    """The quote's word diff (changed passages)."""


@dataclass(frozen=True)
class Comparison:
    older: SourceVersion
    newer: SourceVersion
    words: list[Segment]
    """The text's word diff, long unchanged stretches shortened."""
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
    text_words = word_diff(older.text, newer.text)
    shifted = _shifts(text_words)
    changes, kept = [], 0
    for passage_id, was in sorted(before.items(), key=lambda item: (item[1].start, item[0])):
        now = after.get(passage_id)
        if now is None or was.status == AnchorStatus.ORPHANED:
            continue  # deleted since, or not in the older text either
        fate = _fate(was, now, shifted(was.start))
        if fate == PassageFate.KEPT:
            kept += 1
            continue
        words = word_diff(was.exact, now.exact) if fate == PassageFate.CHANGED else []
        changes.append(PassageChange(passage_id, fate, was, now, words))
    return Comparison(older, newer, condensed(text_words), changes, kept)


def _shifts(words: list[Segment]) -> Callable[[int], int | None]:
    """Where a position of the older text is in the newer, by the text's word diff
    (None: in text the newer one no longer has)."""
    kept: list[tuple[int, int, int]] = []  # (start, end) in the older text, start in the newer
    old = new = 0
    for segment in words:
        size = len(segment.text)
        if segment.op == "equal":
            kept.append((old, old + size, new))
        if segment.op != "insert":
            old += size
        if segment.op != "delete":
            new += size

    def shifted(position: int) -> int | None:
        index = bisect_right(kept, position, key=lambda stretch: stretch[0]) - 1
        if index < 0 or position >= kept[index][1]:
            return None
        start, _, moved_to = kept[index]
        return moved_to + position - start

    return shifted


def _fate(was: PassageAnchor, now: PassageAnchor, expected_start: int | None) -> str:
    if now.status == AnchorStatus.ORPHANED:
        return PassageFate.VANISHED
    if now.exact != was.exact:
        return PassageFate.CHANGED
    # Moved: somewhere the text's changes do not account for. A passage only shifted
    # by text added or removed before it is where it was among its words.
    return PassageFate.KEPT if now.start == expected_start else PassageFate.MOVED


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
            words = [] if removed else word_diff(cited.exact, passage.exact)
            changes[item.pk] = EvidenceChange(item.pk, cited, removed, words)
    return changes


def timeline(source: Source) -> list[SourceVersion]:
    """The source's versions, newest first, with who captured them (without their texts:
    a timeline shows hashes, and each text may be megabytes)."""
    return list(source.versions.select_related("captured_by").defer("text").order_by("-number"))
