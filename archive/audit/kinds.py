"""The kinds of tracked object, by the names that pages, URLs and the ledger
use ("annotation", "claim", ...): the one registry of what each kind is and
what the audit pages may do with it."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q

from archive.models import (
    Alert,
    Annotation,
    Capture,
    Claim,
    Discussion,
    DivergenceNote,
    Evidence,
    EvidenceItem,
    FixityCheck,
    Hypothesis,
    Membership,
    Outlet,
    PackageExport,
    Passage,
    PassageAnchor,
    Question,
    Rating,
    RecaptureCheck,
    Reply,
    Schedule,
    Source,
    SourceVersion,
    Workspace,
)
from archive.permissions import Action, can


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[Model]
    reviewed: bool = False
    """In the review workflow (draft, submitted, approved, rejected)."""
    revert: Action | None = None
    """Who may go back to an earlier version; None: never reverted (records of what happened)."""
    personal_to: str = ""
    """The field naming the one member an object is for (an alert's recipient): other
    members see neither it nor its history, but for those who audit the workspace."""
    names_itself: bool = False
    """Its objects' names say what they are ("version 1 of …", "Discussion of …", "Reply by …"):
    no kind is put before them."""
    grade: tuple[str, ...] = ()
    """The fields of its grade: a change to them is a grade. Such changes were once recorded
    as "changed", and an entry's action is hashed with it, so the activity tells those
    apart by what they changed."""


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("annotation", Annotation, reviewed=True, revert=Action.REVIEW),
        Kind("claim", Claim, reviewed=True, revert=Action.REVIEW),
        Kind("evidence", Evidence, reviewed=True, revert=Action.REVIEW),
        Kind("passage", Passage, revert=Action.REVIEW),
        Kind("source", Source, revert=Action.REVIEW),
        Kind("outlet", Outlet, revert=Action.REVIEW, grade=("reliability", "reliability_reason")),
        # Memberships and the workspace itself grant access: only admins restore them.
        Kind("membership", Membership, revert=Action.MANAGE),
        Kind("workspace", Workspace, revert=Action.MANAGE),
        Kind("question", Question, revert=Action.REVIEW),
        Kind("hypothesis", Hypothesis, revert=Action.REVIEW),
        Kind("evidenceitem", EvidenceItem, revert=Action.REVIEW),
        Kind("rating", Rating, revert=Action.REVIEW),
        # Discussions are conversations, not work to restore: replies are never reverted.
        Kind("discussion", Discussion, names_itself=True),
        Kind("reply", Reply, names_itself=True),
        # An analyst's judgement on a divergence flag: restored like other work.
        Kind("divergencenote", DivergenceNote, revert=Action.REVIEW),
        # Named by how the source came in ("web capture of …", "pasted text of …").
        Kind("capture", Capture, names_itself=True),
        Kind("fixitycheck", FixityCheck),
        # Versions, recapture checks and anchors are records of what was captured: never reverted.
        Kind("sourceversion", SourceVersion, names_itself=True),
        Kind("recapturecheck", RecaptureCheck, names_itself=True),
        Kind("passageanchor", PassageAnchor),
        Kind("alert", Alert, personal_to="recipient"),
        # What was handed out, named "evidence package … of the claim …": never reverted.
        Kind("packageexport", PackageExport, names_itself=True),
        # Schedules decide what is re-checked and when: only admins restore one.
        Kind("schedule", Schedule, revert=Action.MANAGE),
    )
}
# What goes through the review workflow.
Reviewed = Annotation | Claim | Evidence
REVIEWED: dict[str, type[Reviewed]] = {"annotation": Annotation, "claim": Claim, "evidence": Evidence}


def may_see_history(role: str | None, user: Any, model_name: str, object_id: int) -> bool:
    """Whether a member sees one object's history: any object of the workspace, but
    another member's personal one (an alert) only if they audit the workspace."""
    kind = KINDS.get(model_name)
    if kind is None or not kind.personal_to or can(role, Action.AUDIT):
        return True
    # A deleted one: none of theirs exists with that id, so only auditors see it.
    return kind.model._default_manager.filter(pk=object_id, **{kind.personal_to: user}).exists()


def others_personal_entries(role: str | None, user: Any) -> Q:
    """The ledger entries of other members' personal objects, to leave out of the
    activity of a member who does not audit the workspace (nothing for one who does)."""
    hidden = Q(pk__in=[])
    if can(role, Action.AUDIT):
        return hidden
    for kind in KINDS.values():
        if kind.personal_to:
            theirs = kind.model._default_manager.filter(**{kind.personal_to: user}).values("pk")
            hidden |= Q(model=kind.name) & ~Q(object_id__in=theirs)
    return hidden


def kind_label(name: str) -> str:
    """What pages call a kind: its model's verbose name ("evidence item", not "evidenceitem")."""
    kind = KINDS.get(name)
    return str(kind.model._meta.verbose_name) if kind else name


def kind_before_name(name: str) -> str:
    """What the activity puts before an object's name: its kind, unless the name says it
    ("source version version 1 of …", "reply Reply by …" would say it twice)."""
    kind = KINDS.get(name)
    return "" if kind and kind.names_itself else kind_label(name)


def object_name(name: str, object_repr: str) -> str:
    """An object in a sentence as the activity names it: its kind (unless its name says
    it) before its name as the ledger recorded it, quoted unless it is a quote already."""
    kind = kind_before_name(name)
    if not kind:
        return object_repr
    return f"{kind} {object_repr if object_repr.startswith('“') else f'“{object_repr}”'}"


def kind_of(obj: Model) -> str:
    return obj._meta.model_name  # type: ignore[return-value]
