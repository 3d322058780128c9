"""The archive's data model. Every model belongs to exactly one workspace and
keeps its full history (see archive.history)."""

from archive.models.annotation import Annotation, Motivation, ReviewStatus
from archive.models.claim import Claim, ClaimStatus, Evidence, Stance
from archive.models.outlet import Outlet
from archive.models.passage import AnchorStatus, Passage
from archive.models.source import Derivation, Source, TextDirection
from archive.models.workspace import Membership, Role, Workspace

__all__ = [
    "AnchorStatus",
    "Annotation",
    "Claim",
    "ClaimStatus",
    "Derivation",
    "Evidence",
    "Membership",
    "Motivation",
    "Outlet",
    "Passage",
    "ReviewStatus",
    "Role",
    "Source",
    "Stance",
    "TextDirection",
    "Workspace",
]
