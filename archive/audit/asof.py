"""The archive as it stood at a past moment, rebuilt from history.

An object's state at time T is its latest history row recorded at or before
T, unless that row records its deletion. Everything here reads history rows
(django-simple-history's Historical* models), which carry the same field
names as the live models, so templates can show them like live objects.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from django.db.models import QuerySet

from archive.audit.ledger import live_ledger
from archive.core.history import HistoryModel, HistoryRow
from archive.models import AnchorStatus, Annotation, Claim, Evidence, Outlet, Passage, Source, Workspace


def state_at(history: QuerySet, at: datetime) -> list[HistoryRow]:
    """The state at `at` of each object in `history` that existed then, by object id."""
    latest: dict[int, HistoryRow] = {}
    for row in history.filter(history_date__lte=at).order_by("id", "history_date", "history_id"):
        latest[row.id] = row
    return [row for row in latest.values() if row.history_type != "-"]


def object_at(
    model: type[Source | Outlet | Claim], *, workspace: Workspace, object_id: int, at: datetime
) -> HistoryRow | None:
    rows = state_at(model.history.filter(workspace=workspace, id=object_id), at)
    return rows[0] if rows else None


def deletion_at(
    model: type[Source | Claim], *, workspace: Workspace, object_id: int, at: datetime
) -> HistoryRow | None:
    """The history row of the object's deletion, if it had been deleted by `at`."""
    last = (
        model.history.filter(workspace=workspace, id=object_id, history_date__lte=at)
        .order_by("-history_date", "-history_id")
        .first()
    )
    return last if last is not None and last.history_type == "-" else None


@dataclass(frozen=True)
class AnnotationThen:
    annotation: HistoryRow
    passage_ids: list[int]


@dataclass(frozen=True)
class EvidenceThen:
    evidence: HistoryRow
    claim: HistoryRow | None
    passage: HistoryRow | None
    source: HistoryRow | None


@dataclass(frozen=True)
class SourceThen:
    at: datetime
    source: HistoryRow
    outlet: HistoryRow | None
    passages: list[HistoryRow]
    annotations: list[AnnotationThen]
    evidence: list[EvidenceThen]


@dataclass(frozen=True)
class ClaimThen:
    at: datetime
    claim: HistoryRow
    evidence: list[EvidenceThen]


def _by_id(rows: Iterable[HistoryRow]) -> dict[int, HistoryRow]:
    return {row.id: row for row in rows}


def _annotations_then(workspace: Workspace, passage_ids: set[int], at: datetime) -> list[AnnotationThen]:
    """Annotations that, at `at`, were on at least one of these passages."""
    m2m: HistoryModel  # the historical m2m model, made at runtime like the rows
    [(_, m2m)] = live_ledger().m2m_models["annotation"]
    candidates = set(
        m2m.objects.filter(passage_id__in=passage_ids).values_list("annotation_id", flat=True).distinct()
    )
    annotations = state_at(Annotation.history.filter(workspace=workspace, id__in=candidates), at)
    passages_of: dict[int, list[int]] = defaultdict(list)
    for history_id, passage_id in m2m.objects.filter(
        history_id__in=[row.history_id for row in annotations]
    ).values_list("history_id", "passage_id"):
        passages_of[history_id].append(passage_id)
    return [
        AnnotationThen(row, sorted(passages_of[row.history_id]))
        for row in sorted(annotations, key=lambda row: (row.created_at, row.id))
        if passage_ids.intersection(passages_of[row.history_id])
    ]


def _evidence_then(workspace: Workspace, evidence: list[HistoryRow], at: datetime) -> list[EvidenceThen]:
    claims = _by_id(
        state_at(Claim.history.filter(workspace=workspace, id__in={e.claim_id for e in evidence}), at)
    )
    passages = _by_id(
        state_at(Passage.history.filter(workspace=workspace, id__in={e.passage_id for e in evidence}), at)
    )
    source_ids = {passage.source_id for passage in passages.values()}
    sources = _by_id(
        state_at(Source.history.filter(workspace=workspace, id__in=source_ids).defer("text"), at)
    )
    return [
        EvidenceThen(
            evidence=row,
            claim=claims.get(row.claim_id),
            passage=passages.get(row.passage_id),
            source=sources.get(getattr(passages.get(row.passage_id), "source_id", None)),  # type: ignore[arg-type]
        )
        for row in sorted(evidence, key=lambda row: (row.created_at, row.id))
    ]


def source_as_of(*, workspace: Workspace, source_id: int, at: datetime) -> SourceThen | None:
    """A source's text, outlet, passages, annotations and evidence at `at`; None if it did not exist."""
    source = object_at(Source, workspace=workspace, object_id=source_id, at=at)
    if source is None:
        return None
    outlet = (
        object_at(Outlet, workspace=workspace, object_id=source.outlet_id, at=at)
        if source.outlet_id
        else None
    )
    passages = sorted(
        state_at(Passage.history.filter(workspace=workspace, source_id=source_id), at),
        key=lambda row: (row.start, row.end, row.id),
    )
    passage_ids = {passage.id for passage in passages}
    evidence = state_at(Evidence.history.filter(workspace=workspace, passage_id__in=passage_ids), at)
    return SourceThen(
        at=at,
        source=source,
        outlet=outlet,
        passages=passages,
        annotations=_annotations_then(workspace, passage_ids, at),
        evidence=_evidence_then(workspace, evidence, at),
    )


def claim_as_of(*, workspace: Workspace, claim_id: int, at: datetime) -> ClaimThen | None:
    """A claim and its evidence (with passages and sources) at `at`; None if it did not exist."""
    claim = object_at(Claim, workspace=workspace, object_id=claim_id, at=at)
    if claim is None:
        return None
    evidence = state_at(Evidence.history.filter(workspace=workspace, claim_id=claim_id), at)
    return ClaimThen(at=at, claim=claim, evidence=_evidence_then(workspace, evidence, at))


@dataclass(frozen=True)
class Stretch:
    """A run of a text, with the passages that cover it (none: plain text)."""

    text: str
    passage_ids: tuple[int, ...]


def marked_text(text: str, passages: Iterable[HistoryRow]) -> list[Stretch]:
    """The text cut where passages start and end, each run knowing which passages cover it.

    Orphaned passages no longer point into the text, so they mark nothing.
    """
    starts: dict[int, list[int]] = defaultdict(list)
    ends: dict[int, list[int]] = defaultdict(list)
    for passage in passages:
        if passage.anchor_status != AnchorStatus.ORPHANED and 0 <= passage.start < passage.end <= len(text):
            starts[passage.start].append(passage.id)
            ends[passage.end].append(passage.id)
    cuts = sorted({0, len(text), *starts, *ends})
    covering: set[int] = set()
    stretches = []
    for here, there in pairwise(cuts):
        covering.difference_update(ends[here])
        covering.update(starts[here])
        stretches.append(Stretch(text[here:there], tuple(sorted(covering))))
    return stretches
