"""The archive's data model. Every model belongs to exactly one workspace and
keeps its full history (see archive.core.history)."""

from archive.models.alignment import Alignment, DivergenceKind, DivergenceNote, SentenceLink
from archive.models.analysis import Consistency, EvidenceItem, Hypothesis, Question, Rating
from archive.models.annotation import Annotation, Motivation, ReviewStatus
from archive.models.audit import HistoryAction, HistoryChain, HistoryEntry, HistoryVerification
from archive.models.claim import Claim, ClaimStatus, Evidence, Stance
from archive.models.discussion import Discussion, Reply
from archive.models.findings import PackageExport
from archive.models.idempotency import IdempotencyKey
from archive.models.job import Job, JobKind, JobStatus, Schedule, ScheduleKind
from archive.models.outlet import Outlet
from archive.models.passage import FOUND_STATUSES, AnchorStatus, Passage
from archive.models.provenance import Capture, CaptureMethod, FixityCheck, FixityStatus
from archive.models.search import SearchDocument, SearchKind, SearchTerm
from archive.models.source import Derivation, Source, TextDirection, UnarchivedOriginal
from archive.models.version import (
    Alert,
    AlertKind,
    CheckOutcome,
    PassageAnchor,
    RecaptureCheck,
    SourceVersion,
    VersionOrigin,
)
from archive.models.workspace import Membership, Role, Workspace

__all__ = [
    "FOUND_STATUSES",
    "Alert",
    "AlertKind",
    "Alignment",
    "AnchorStatus",
    "Annotation",
    "Capture",
    "CaptureMethod",
    "CheckOutcome",
    "Claim",
    "ClaimStatus",
    "Consistency",
    "Derivation",
    "Discussion",
    "DivergenceKind",
    "DivergenceNote",
    "Evidence",
    "EvidenceItem",
    "FixityCheck",
    "FixityStatus",
    "HistoryAction",
    "HistoryChain",
    "HistoryEntry",
    "HistoryVerification",
    "Hypothesis",
    "IdempotencyKey",
    "Job",
    "JobKind",
    "JobStatus",
    "Membership",
    "Motivation",
    "Outlet",
    "PackageExport",
    "Passage",
    "PassageAnchor",
    "Question",
    "Rating",
    "RecaptureCheck",
    "Reply",
    "ReviewStatus",
    "Role",
    "Schedule",
    "ScheduleKind",
    "SearchDocument",
    "SearchKind",
    "SearchTerm",
    "SentenceLink",
    "Source",
    "SourceVersion",
    "Stance",
    "TextDirection",
    "UnarchivedOriginal",
    "VersionOrigin",
    "Workspace",
]
