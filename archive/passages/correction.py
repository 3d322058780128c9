"""Correcting a source's text, and finding every passage of it again."""

from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from archive.core.attribution import recorded_as
from archive.core.db import update_rows
from archive.core.editing import update_object
from archive.core.history import copy_history
from archive.core.text import normalize_text
from archive.core.unit_of_work import unit_of_work
from archive.models import AnchorStatus, Passage, Source
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


@dataclass(frozen=True)
class ReanchorReport:
    source: Source
    counts: dict[AnchorStatus, int]
    """How many passages of the source have each anchor status now."""
    changed: list[Passage]
    """Passages whose selector or status changed (each has a new history row)."""
    orphaned: list[Passage]
    """Passages not found in the new text: they keep their old quote."""

    def describe(self) -> str:
        """How the passages fared, e.g. "4 passages re-anchored: 2 exact, 1 moved, 0 fuzzy, 1 orphaned."."""
        total = sum(self.counts.values())
        if not total:
            return "The source has no passages to re-anchor."
        counts = ", ".join(f"{self.counts[status]} {status.value}" for status in AnchorStatus)
        return f"{total} passage{'s' if total != 1 else ''} re-anchored: {counts}."


@unit_of_work()
def correct_source_text(
    *, source: Source, user, new_text: str, reason: str, expected_version: int | None = None
) -> ReanchorReport:
    """Replace the source's text and re-anchor every passage of it, in one transaction.

    The source is refused with StaleVersion if it is no longer at
    `expected_version`. Each passage whose selector or status changes gets a
    history row by `user`, giving `reason`; prefix and suffix are taken
    afresh from the new text. See archive.passages.reanchoring for how passages are
    found again.
    """
    new_text = normalize_text(new_text)
    old_text = Source.objects.select_for_update().values_list("text", flat=True).get(pk=source.pk)
    source = update_object(
        source,
        user=user,
        expected_version=expected_version,
        changes={"text": new_text},
        editable={"text"},
        reason=reason,
    )
    # Only what re-anchoring reads and writes: thousands of rows are loaded.
    passages = list(source.passages.select_for_update().only(*_LOADED_FIELDS))
    before = [(_selector(passage), passage.anchor_status) for passage in passages]
    results = reanchor([selector for selector, _ in before], old_text=old_text, new_text=new_text)

    changed, requoted = [], []
    now = timezone.now()
    for passage, result, (old_selector, old_status) in zip(passages, results, before, strict=True):
        if result.status != AnchorStatus.ORPHANED:
            selector = selector_for(new_text, result.start, result.end)
            passage.start, passage.end, passage.exact = selector.start, selector.end, selector.exact
            passage.prefix, passage.suffix = selector.prefix, selector.suffix
        passage.anchor_status = result.status
        if (_selector(passage), passage.anchor_status) != (old_selector, old_status):
            passage.version += 1
            passage.updated_at = now
            passage.check_invariants()
            changed.append(passage)
            if passage.exact != old_selector.exact:
                requoted.append(passage)
    passage_reason = f"re-anchored after text correction: {reason}"
    update_rows(changed, _REANCHORED_FIELDS)
    if changed:
        with recorded_as(user=user, reason=passage_reason, action=HistoryAction.REANCHORED):
            # The index holds quotes, not offsets: only the requoted need it.
            copy_history(changed, reindex=requoted)

    counts = Counter(result.status for result in results)
    return ReanchorReport(
        source=source,
        counts={status: counts[status] for status in AnchorStatus},
        changed=changed,
        orphaned=[passage for passage in passages if passage.anchor_status == AnchorStatus.ORPHANED],
    )


def _selector(passage: Passage) -> TextSelector:
    return TextSelector(
        start=passage.start,
        end=passage.end,
        exact=passage.exact,
        prefix=passage.prefix,
        suffix=passage.suffix,
    )
