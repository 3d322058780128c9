"""The review workflow of annotations, claims and evidence.

    draft ──submit──> submitted ──approve──> approved
    rejected ──submit──┘      └───reject───> rejected

Analysts submit their own work (admins anyone's); reviewers and admins
approve or reject it with a comment, and only what is submitted: never an
item they wrote, nor one they changed since its last decision (`has_a_hand_in`).
Nobody rewrites an item while reviewing it: a decision changes the review status
and nothing else. Editing an approved item sends it back to submitted (the
rule lives in archive.claims.editing, which every edit goes
through), so "approved" always means a reviewer approved exactly this content.
Review status never changes through an edit: only through these functions. Every
transition is a history row with who, why, and its action in the ledger.

Approved evidence and annotations go back to submitted too when the words they cite
change under them (a text correction, a recapture, a passage selected anew): a
reviewer approved them on those words; undoing the change approves them again
(`review_on_changed_words`).
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from archive.alerts import members_who_may, record
from archive.audit.diffing import FieldChange, field_changes, shown_diff, shown_fields
from archive.audit.kinds import Reviewed, kind_of
from archive.core.attribution import recorded_as
from archive.core.editing import StaleVersion, lock_at_version
from archive.core.graphemes import shorten
from archive.core.history import record_history
from archive.core.text import isolated
from archive.core.unit_of_work import unit_of_work
from archive.models import (
    Alert,
    AlertKind,
    AnchorStatus,
    Annotation,
    Claim,
    Evidence,
    HistoryAction,
    HistoryEntry,
    Passage,
    ReviewStatus,
    Source,
    Stance,
    Workspace,
)
from archive.passages.carrying import ReviewsChanged, cited_words
from archive.permissions import Action, can, can_change, is_own, role_in


def _transition(
    obj: Reviewed,
    *,
    user: Any,
    expected_version: int | None,
    allowed_from: set[ReviewStatus],
    to: ReviewStatus,
    action: HistoryAction,
    reason: str,
) -> Reviewed:
    try:
        current = lock_at_version(obj, expected_version)
    except StaleVersion as stale:
        if action in _DECISIONS:
            raise _decided_meanwhile(stale) from None
        raise
    if current.review_status not in allowed_from:
        raise ValidationError(
            f"This {current._meta.verbose_name} is {current.get_review_status_display()}: "
            f"it cannot be {action.label} now."
        )
    current.review_status = to
    with recorded_as(user=user, reason=reason, action=action):
        current.save()
    return current


def _decided_meanwhile(stale: StaleVersion) -> StaleVersion:
    """`stale`, saying who decided what, if the change since the reviewer read the item
    was another reviewer's decision: they need not look for an edit that is not there."""
    current = stale.current
    latest = (
        HistoryEntry.objects.filter(
            workspace=current.workspace_id, model=kind_of(current), object_id=current.pk
        )
        .exclude(action=HistoryAction.FLAGGED)  # a flag changes no version: not the change meant
        .select_related("user")
        .order_by("-sequence")
        .first()
    )
    if latest is None or latest.action not in _DECISIONS:
        return stale
    who = latest.user.get_username() if latest.user is not None else "Another reviewer"
    return StaleVersion(
        current,
        f"{who} {latest.get_action_display()} it meanwhile (now version {current.version}): "
        "look at it again before deciding.",
    )


def review_on_changed_words(
    sender: type[Passage], *, passages: Sequence[Passage], user: Any, reason: str, **kwargs: object
) -> ReviewsChanged:
    """archive.passages.carrying.words_changed: the evidence and annotations on `passages`,
    whose words changed, left the text or came back to it, reviewed anew. Approved ones go
    back to submitted: a reviewer approved them on the words as they were. Submitted ones
    last decided by an approval go back to approved if they read again exactly as then,
    their words included (the change undone): nothing in them is new to review. Each
    with a history row by `user` saying why."""
    left = {passage.pk for passage in passages if passage.anchor_status == AnchorStatus.ORPHANED}
    ids = [passage.pk for passage in passages]
    on_changed: dict[tuple[type[Reviewed], int], set[int]] = {}
    for pk, passage_id in Evidence.objects.filter(passage_id__in=ids).values_list("pk", "passage_id"):
        on_changed[Evidence, pk] = {passage_id}
    links = Annotation.passages.through.objects.filter(passage_id__in=ids)
    for pk, passage_id in links.values_list("annotation_id", "passage_id"):
        on_changed.setdefault((Annotation, pk), set()).add(passage_id)
    back = again = 0
    for model in (Evidence, Annotation):
        kind, what = ("evidence", "cites") if model is Evidence else ("annotation", "annotates")
        items: list[Reviewed] = list(
            model.objects.select_for_update()
            .filter(
                pk__in=[pk for kind_, pk in on_changed if kind_ is model],
                review_status__in=[ReviewStatus.APPROVED, ReviewStatus.SUBMITTED],
            )
            .order_by("pk")
        )
        waiting = [item.pk for item in items if item.review_status == ReviewStatus.SUBMITTED]
        decisions = latest_decisions(workspace=passages[0].workspace_id, kind=kind, ids=waiting)
        for item in items:
            if item.review_status == ReviewStatus.APPROVED:
                # "Left the text" only when none of its words are still there, changed.
                happened = "left the text" if on_changed[model, item.pk] <= left else "changed"
                item.review_status, action = ReviewStatus.SUBMITTED, HistoryAction.SUBMITTED
                why = f"Back to review: the words it {what} {happened} ({reason})"
                back += 1
            else:
                decision = decisions.get(item.pk)
                if (
                    decision is None
                    or decision.action != HistoryAction.APPROVED
                    or decision.history_id is None
                ):
                    continue
                version, changes = changes_since(item, history_id=decision.history_id)
                if version is None or changes:
                    continue
                # Restored, as a revert to the approved version restores it (archive.audit.revert).
                item.review_status, action = ReviewStatus.APPROVED, HistoryAction.REVERTED
                why = f"Approved again: it {what} the words approved in version {version} again ({reason})"
                again += 1
            with recorded_as(user=user, reason=why, action=action):
                item.save()
    return ReviewsChanged(back=back, again=again)


SUBMITTABLE = {ReviewStatus.DRAFT, ReviewStatus.REJECTED}


def may_submit(role: str | None, user: Any, obj: Reviewed) -> bool:
    """Its author or an admin may send a draft or rejected item to the reviewers."""
    return obj.review_status in SUBMITTABLE and can_change(role, user, obj)


def may_decide(
    role: str | None, user: Any, obj: Reviewed, *, changed_by: Collection[int] | None = None
) -> bool:
    """Reviewers and admins approve or reject what is submitted, but not what they had a
    hand in (`has_a_hand_in`): a review is a second pair of eyes."""
    return (
        obj.review_status == ReviewStatus.SUBMITTED
        and can(role, Action.REVIEW)
        and not has_a_hand_in(user, obj, changed_by=changed_by)
    )


def has_a_hand_in(user: Any, obj: Reviewed, *, changed_by: Collection[int] | None = None) -> bool:
    """Whether `user` wrote `obj`, or changed it since a reviewer last approved or rejected
    it (since it was created, if never): either way, another reviewer decides on it.

    `changed_by`: the ids of those who changed it, when already known (`changed_since_decided`
    reads them for a whole page of the queue at once); else they are read here.
    """
    if is_own(user, obj):
        return True
    if changed_by is None:
        found = changed_since_decided(workspace=obj.workspace_id, kind=kind_of(obj), ids=[obj.pk])
        changed_by = found.get(obj.pk, set())
    return user.pk in changed_by


OWN_WORK = "You wrote or changed this: another reviewer or admin approves or rejects it."

# A decision starts the item's review afresh; submitting and flagging change no content.
_DECISIONS = (HistoryAction.APPROVED, HistoryAction.REJECTED)
_NOT_CONTENT = (*_DECISIONS, HistoryAction.SUBMITTED, HistoryAction.FLAGGED, HistoryAction.GRADED)


def changed_since_decided(
    *, workspace: Workspace | int, kind: str, ids: Collection[int]
) -> dict[int, set[int]]:
    """Who changed each item since its last approval or rejection (since it was created,
    if never), as user ids by item id, from the ledger in one query: every entry that
    is not a decision, submission or flag changed the content (edits, reverts, the
    creation), whichever way it came in."""
    if not ids:
        return {}
    of_kind = HistoryEntry.objects.filter(workspace=workspace, model=kind)
    last_decision = (
        of_kind.filter(object_id=OuterRef("object_id"), action__in=_DECISIONS)
        .order_by("-sequence")
        .values("sequence")[:1]
    )
    changes = (
        of_kind.filter(object_id__in=ids, user__isnull=False)
        .exclude(action__in=_NOT_CONTENT)
        .filter(sequence__gt=Coalesce(Subquery(last_decision), Value(0)))
        .values_list("object_id", "user_id")
        .distinct()
    )
    changed_by: dict[int, set[int]] = {}
    for object_id, user_id in changes:
        changed_by.setdefault(object_id, set()).add(user_id)
    return changed_by


@unit_of_work()
def submit_for_review(
    obj: Reviewed, *, user: Any, expected_version: int | None = None, reason: str = ""
) -> Reviewed:
    """Send a draft or rejected item to the reviewers."""
    if not can_change(role_in(user, obj.workspace), user, obj):
        raise PermissionDenied("Only its author or an admin can submit this for review.")
    return _transition(
        obj,
        user=user,
        expected_version=expected_version,
        allowed_from=SUBMITTABLE,
        to=ReviewStatus.SUBMITTED,
        action=HistoryAction.SUBMITTED,
        reason=reason,
    )


def _my_drafts(*, source: Source, user: Any) -> tuple[QuerySet[Annotation], QuerySet[Evidence]]:
    drafts = {"workspace_id": source.workspace_id, "review_status": ReviewStatus.DRAFT}
    # A subquery rather than a join: no DISTINCT over every column of the annotations.
    on_source = Annotation.passages.through.objects.filter(passage__source=source).values("annotation_id")
    annotations = Annotation.objects.filter(**drafts, author=user, pk__in=on_source)
    evidence = Evidence.objects.filter(**drafts, created_by=user, passage__source=source)
    return annotations, evidence


def my_drafts_on(*, source: Source, user: Any) -> list[Reviewed]:
    """The user's draft annotations and evidence on passages of `source`, in text order."""
    annotations, evidence = _my_drafts(source=source, user=user)
    return [*annotations.order_by("pk"), *evidence.order_by("pk")]


def count_my_drafts_on(*, source: Source, user: Any) -> int:
    """How many items my_drafts_on() would give, without loading them."""
    return sum(drafts.count() for drafts in _my_drafts(source=source, user=user))


@unit_of_work()
def submit_drafts_on_source(*, source: Source, user: Any, reason: str = "") -> list[Reviewed]:
    """Send every draft annotation and evidence of `user` on `source` to the reviewers, at once.

    All or nothing: one unit of work, one history row per item (each its own
    SUBMITTED ledger entry with `reason`). Rejected items are left alone: each
    is resubmitted on its own, after its author has read the comment.
    """
    drafts = my_drafts_on(source=source, user=user)
    return [submit_for_review(obj, user=user, reason=reason) for obj in drafts]


def _latest_decisions(
    *, workspace: Workspace | int, kind: str, ids: list[int], actions: Sequence[str]
) -> dict[int, tuple[str, str]]:
    """Each object's latest ledger entry of `actions`: its action and reason, by object id."""
    if not ids:
        return {}
    entries = (
        HistoryEntry.objects.filter(workspace=workspace, model=kind, object_id__in=ids, action__in=actions)
        .order_by("sequence")
        .values_list("object_id", "action", "reason")
    )
    return {object_id: (action, reason) for object_id, action, reason in entries}  # the latest wins


def rejection_comments(*, workspace: Workspace | int, kind: str, ids: list[int]) -> dict[int, str]:
    """The reviewer's comment of each object's latest rejection (from the ledger), by object id."""
    latest = _latest_decisions(workspace=workspace, kind=kind, ids=ids, actions=[HistoryAction.REJECTED])
    return {object_id: reason for object_id, (_, reason) in latest.items()}


def submission_notes(*, workspace: Workspace | int, kind: str, ids: list[int]) -> dict[int, str]:
    """The note its author gave the reviewers with each object's submission that still
    waits for a decision (from the ledger), by object id; none once it is decided."""
    actions = [HistoryAction.SUBMITTED, HistoryAction.APPROVED, HistoryAction.REJECTED]
    latest = _latest_decisions(workspace=workspace, kind=kind, ids=ids, actions=actions)
    return {
        object_id: reason
        for object_id, (action, reason) in latest.items()
        if action == HistoryAction.SUBMITTED and reason
    }


def _require_reviewer(user: Any, obj: Reviewed) -> None:
    if not can(role_in(user, obj.workspace), Action.REVIEW):
        raise PermissionDenied("Only reviewers and admins approve or reject.")


def _require_another_reviewer(user: Any, obj: Reviewed) -> None:
    _require_reviewer(user, obj)
    if has_a_hand_in(user, obj):
        raise PermissionDenied(OWN_WORK)


@unit_of_work()
def approve(obj: Reviewed, *, user: Any, expected_version: int | None = None, comment: str = "") -> Reviewed:
    """Approve a submitted item, as it stands at `expected_version` (not one's own or one
    changed since its last decision)."""
    _require_another_reviewer(user, obj)
    return _transition(
        obj,
        user=user,
        expected_version=expected_version,
        allowed_from={ReviewStatus.SUBMITTED},
        to=ReviewStatus.APPROVED,
        action=HistoryAction.APPROVED,
        reason=comment,
    )


@unit_of_work()
def reject(obj: Reviewed, *, user: Any, comment: str, expected_version: int | None = None) -> Reviewed:
    """Reject a submitted item, saying why; its author can edit and submit it again."""
    _require_another_reviewer(user, obj)
    if not comment.strip():
        raise ValidationError("Say why it is rejected: the analyst needs to know.")
    rejected = _transition(
        obj,
        user=user,
        expected_version=expected_version,
        allowed_from={ReviewStatus.SUBMITTED},
        to=ReviewStatus.REJECTED,
        action=HistoryAction.REJECTED,
        reason=comment,
    )
    tell_the_author(rejected, by=user, kind=AlertKind.REJECTED, done="rejected", reason=comment)
    return rejected


# How much of the item an alert quotes: enough to recognise it.
_QUOTED = 120


def tell_the_author(item: Reviewed, *, by: Any, kind: AlertKind, done: str, reason: str) -> None:
    """An alert to the item's author that `by` `done` it ("rejected", "reverted"), and
    why: they are the one to change it again (if they still can). None to themselves."""
    author_id = item.owner_id
    if author_id is None or author_id == by.pk:
        return
    if (
        not members_who_may(Action.CONTRIBUTE, workspace_id=item.workspace_id)
        .filter(user_id=author_id)
        .exists()
    ):
        return
    alert = Alert(workspace_id=item.workspace_id, recipient_id=author_id, kind=kind, message="")
    what = _point_at(alert, item)
    alert.message = f"{by.get_username()} {done} your {what}: {reason.strip()}"
    record([alert], user=by, reason=reason)


def _point_at(alert: Alert, item: Reviewed) -> str:
    """Link `alert` to the item (and what its inbox entry links to: the claim of
    evidence, the source of an annotation); name the item, without an article."""
    if isinstance(item, Claim):
        alert.claim = item
        return f"claim {isolated(shorten(item.statement, _QUOTED))}"
    if isinstance(item, Evidence):
        alert.evidence, alert.claim = item, item.claim
        return f"evidence for the claim {isolated(shorten(item.claim.statement, _QUOTED))}"
    alert.annotation = item
    alert.source = Source.objects.filter(passages__annotations=item).order_by("passages__pk").first()
    what = item.get_motivation_display().lower()
    if item.body.strip():
        what += f" {isolated(shorten(item.body, _QUOTED))}"
    elif alert.source is not None:
        what += f" on {isolated(alert.source.title)}"
    return what


def _tell_the_admins(item: Reviewed, *, flagger: Any, reason: str) -> None:
    """An alert to each active admin of the item's workspace (but the flagger) naming
    the item, who flagged it and why, linking to it."""
    # Those a flag is for: the workspace's admins.
    admins = (
        members_who_may(Action.MANAGE, workspace_id=item.workspace_id)
        .exclude(user_id=flagger.pk)
        .values_list("user_id", flat=True)
    )
    alerts = []
    for admin_id in admins:
        alert = Alert(
            workspace_id=item.workspace_id, recipient_id=admin_id, kind=AlertKind.FLAGGED, message=""
        )
        what = _point_at(alert, item)
        alert.message = f"{flagger.get_username()} flagged the {what} for an admin: {reason}"
        alerts.append(alert)
    record(alerts, user=flagger, reason=reason)


@unit_of_work()
def flag_for_admin(obj: Reviewed, *, user: Any, reason: str, expected_version: int | None = None) -> Reviewed:
    """Ask the workspace's admins to look at an item (reviewers and admins), saying why.

    The flag is a history row of the item with the action FLAGGED and the
    reason, so it is in the item's history and the ledger, and admins find
    every flag in the activity feed (action: flagged for an admin); each
    admin (but the flagger) also gets an alert, and the item's page shows its
    latest flag (`latest_flag`). Nothing else changes: not the content, not
    the review status, not the version (a reviewer deciding on the item
    meanwhile is not told it changed).
    """
    _require_reviewer(user, obj)
    if not reason.strip():
        raise ValidationError("Say what the admins should look at.")
    current = lock_at_version(obj, expected_version)
    with recorded_as(user=user, reason=reason.strip(), action=HistoryAction.FLAGGED):
        record_history(current, "~")
    _tell_the_admins(current, flagger=user, reason=reason.strip())
    return current


@dataclass(frozen=True)
class Flag:
    by: AbstractBaseUser | None
    reason: str
    at: datetime


def latest_flag(*, workspace: Workspace | int, kind: str, object_id: int) -> Flag | None:
    """The item's latest flag for an admin (from the ledger), if it was ever flagged.
    Flags are not resolved: an admin reads it and acts on the item."""
    entry = (
        HistoryEntry.objects.filter(
            workspace=workspace, model=kind, object_id=object_id, action=HistoryAction.FLAGGED
        )
        .select_related("user")
        .order_by("-sequence")
        .first()
    )
    return None if entry is None else Flag(by=entry.user, reason=entry.reason, at=entry.recorded_at)


@dataclass(frozen=True)
class Decision:
    action: HistoryAction
    by: AbstractBaseUser | None
    at: datetime
    comment: str = ""
    history_id: int | None = None  # the item's history row as the reviewer decided on it


def latest_decisions(*, workspace: Workspace | int, kind: str, ids: Collection[int]) -> dict[int, Decision]:
    """Each item's latest approval or rejection (from the ledger), by item id: who
    decided, what, when and with which comment; items no reviewer decided on are left out."""
    if not ids:
        return {}
    entries = (
        HistoryEntry.objects.filter(workspace=workspace, model=kind, object_id__in=ids, action__in=_DECISIONS)
        .select_related("user")
        .order_by("sequence")
    )
    return {  # the latest wins
        entry.object_id: Decision(
            action=HistoryAction(entry.action),
            by=entry.user,
            at=entry.recorded_at,
            comment=entry.reason,
            history_id=entry.history_id,
        )
        for entry in entries
    }


def claim_decisions(claim: Claim, *, evidence_ids: Collection[int]) -> dict[tuple[str, int], Decision]:
    """The latest decision on `claim` and on each of its pieces of evidence, by (kind, id)."""
    found = {
        ("claim", pk): d
        for pk, d in latest_decisions(workspace=claim.workspace_id, kind="claim", ids=[claim.pk]).items()
    }
    evidence = latest_decisions(workspace=claim.workspace_id, kind="evidence", ids=evidence_ids)
    return found | {("evidence", pk): decision for pk, decision in evidence.items()}


def latest_decision(*, workspace: Workspace | int, kind: str, object_id: int) -> Decision | None:
    """The item's latest approval or rejection; None if no reviewer ever decided on it."""
    return latest_decisions(workspace=workspace, kind=kind, ids=[object_id]).get(object_id)


@dataclass(frozen=True)
class UnapprovedEvidence:
    """How many of a claim's pieces of evidence are not approved yet, by review status:
    approving the claim leaves them as they are, and a reviewer should know it."""

    total: int
    draft: int
    waiting: int
    rejected: int

    @property
    def count(self) -> int:
        return self.draft + self.waiting + self.rejected

    @property
    def by_status(self) -> list[tuple[int, str]]:
        """The statuses it has any evidence in, as (count, label)."""
        counts = ((self.draft, "draft"), (self.waiting, "waiting"), (self.rejected, "rejected"))
        return [(count, label) for count, label in counts if count]


# Prefixed: a claim of the queue is annotated with its evidence by stance too.
_BY_REVIEW = {
    status: f"evidence_review_{status}"
    for status in (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.REJECTED)
}


def with_evidence_review(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """`claims`, each with how many pieces of evidence it has and in which review status
    (for `unapproved_evidence`): counted in the query that loads them, not one per claim."""
    return claims.annotate(
        evidence_review_total=Count("evidence"),
        **{
            name: Count("evidence", filter=Q(evidence__review_status=status))
            for status, name in _BY_REVIEW.items()
        },
    )


def unapproved_evidence(claim: Claim) -> UnapprovedEvidence:
    """Of a claim loaded `with_evidence_review`."""
    counted = {status: getattr(claim, name) for status, name in _BY_REVIEW.items()}
    return UnapprovedEvidence(
        total=getattr(claim, "evidence_review_total"),  # noqa: B009 (an annotation)
        draft=counted[ReviewStatus.DRAFT],
        waiting=counted[ReviewStatus.SUBMITTED],
        rejected=counted[ReviewStatus.REJECTED],
    )


@dataclass
class QueueItem:
    kind: str
    obj: Reviewed
    waiting_since: datetime
    author: AbstractBaseUser | None
    # What a reviewer needs beside the item: the passage it is about (in context),
    # the claim it serves, and what changed since a reviewer last approved it.
    passage: Passage | None = None
    claim: Claim | None = None
    # A claim's: how many pieces of evidence it has of each stance, as (label, count).
    evidence: list[tuple[str, int]] = field(default_factory=list)
    # A claim's: how many of its pieces of evidence are not approved yet.
    unapproved_evidence: UnapprovedEvidence | None = None
    last_approved_version: int | None = None
    changes_since_approved: list[FieldChange] = field(default_factory=list)
    # Who changed it since its last decision (user ids): they do not decide on it.
    changed_by: set[int] = field(default_factory=set)
    # What its author asked the reviewers with this submission, if anything.
    submission_note: str = ""
    # Its latest decision, if that was a rejection: it comes back, and what changed since.
    rejected_before: Decision | None = None
    rejected_version: int | None = None
    changes_since_rejected: list[FieldChange] = field(default_factory=list)

    @property
    def source(self) -> Source | None:
        return self.passage.source if self.passage is not None else None


@dataclass(frozen=True)
class QueueFilters:
    """What a reviewer narrows the queue to; every field optional."""

    kind: str = ""
    author_id: int | None = None
    source_id: int | None = None
    waiting_at_least: timedelta | None = None


def _first_passage(annotation: Annotation) -> Passage | None:
    passages = sorted(annotation.passages.all(), key=lambda p: (p.start, p.end, p.pk))
    return passages[0] if passages else None


def changes_since_approved(obj: Model, *, kind: str) -> tuple[int | None, list[FieldChange]]:
    """The version a reviewer last approved, and what changed since (word diffs for text).

    (None, []) for an item never approved: everything in it is new to the reviewers.
    """
    entry = (
        HistoryEntry.objects.filter(
            workspace=obj.workspace_id,  # type: ignore[attr-defined]
            model=kind,
            object_id=obj.pk,
            action=HistoryAction.APPROVED,
        )
        .order_by("-sequence")
        .first()
    )
    return (None, []) if entry is None else changes_since(obj, history_id=entry.history_id)


def changes_since(obj: Model, *, history_id: int) -> tuple[int | None, list[FieldChange]]:
    """The item's version in its history row `history_id`, and what changed since (its
    review status left out); (None, []) if that row is gone."""
    row = obj.history.filter(history_id=history_id).first()  # type: ignore[attr-defined]
    if row is None:
        return None, []
    model = type(obj)
    fields = shown_fields(model)
    before = {f.attname: getattr(row, f.attname) for f in fields}
    after = {f.attname: getattr(obj, f.attname) for f in fields}
    changes = [change for change in field_changes(model, before, after) if change.name != "review_status"]
    return row.version, changes + _words_changed_since(obj, row.history_date)


def _words_changed_since(obj: Model, when: datetime) -> list[FieldChange]:
    """How the words evidence cites, or an annotation annotates, changed since `when`
    (a text correction or a recapture changes them without a row of the item's own)."""
    if isinstance(obj, Evidence):
        passages, label = [obj.passage], "Words cited"
    elif isinstance(obj, Annotation):
        passages, label = sorted(obj.passages.all(), key=lambda p: (p.start, p.pk)), "Words annotated"
    else:
        return []
    changes = []
    for passage in passages:
        then = (
            Passage.history.filter(id=passage.pk, history_date__lte=when)
            .order_by("-history_date", "-history_id")
            .values_list("exact", "anchor_status")
            .first()
        )
        # Moved, or found again less surely, its words are the same: nothing to show.
        if then is None or cited_words(*then) == cited_words(passage.exact, passage.anchor_status):
            continue
        left = passage.anchor_status == AnchorStatus.ORPHANED
        after = "(no longer in the source's text)" if left else passage.exact
        words = None if left else shown_diff(before=then[0], after=passage.exact)
        named = label if len(passages) == 1 else f"{label} (passage {passage.pk})"
        changes.append(FieldChange(f"passage-{passage.pk}", named, then[0], after, words))
    return changes


@dataclass(frozen=True, order=True)
class Waiting:
    """An item in the queue before it is loaded: the queue's order is theirs."""

    since: datetime
    kind: str
    pk: int


# The kinds reviewed, and how each reaches the sources it is about.
_QUEUED: dict[str, tuple[type[Reviewed], str]] = {
    "annotation": (Annotation, "passages__source"),
    "claim": (Claim, "evidence__passage__source"),
    "evidence": (Evidence, "passage__source"),
}


def _submitted_at(model: type[Reviewed]) -> Coalesce:
    """When the item last became submitted: the time of its first history row after its
    latest one in another review status (a submission, or an edit or revert that reopened
    its review). Flagging, grading and other saves while it waits leave this as it is.

    Without such a row (a status written around the history) it waits since its last change.
    """
    rows = model.history.filter(id=OuterRef("pk"))
    last_not_submitted = (
        model.history.filter(id=OuterRef("id"))
        .exclude(review_status=ReviewStatus.SUBMITTED)
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    became_submitted = (
        rows.filter(history_id__gt=Coalesce(Subquery(last_not_submitted), Value(0)))
        .order_by("history_id")
        .values("history_date")[:1]
    )
    return Coalesce(Subquery(became_submitted), "updated_at")


def waiting_items(*, workspace: Workspace, filters: QueueFilters | None = None) -> list[Waiting]:
    """What waits for review in the workspace and `filters` keep, longest waiting first
    (since its submission): ids only, so that a long queue is shown a page at a time
    (`queue_items`)."""
    filters = filters or QueueFilters()
    waiting = []
    for kind, (model, to_source) in _QUEUED.items():
        if filters.kind and filters.kind != kind:
            continue
        queryset = model.objects.filter(workspace=workspace, review_status=ReviewStatus.SUBMITTED)
        if filters.author_id is not None:
            queryset = queryset.filter(**{f"{model.author_field}_id": filters.author_id})
        if filters.source_id is not None:
            queryset = queryset.filter(**{f"{to_source}_id": filters.source_id}).distinct()
        queryset = queryset.annotate(submitted_at=_submitted_at(model))
        if filters.waiting_at_least is not None:
            queryset = queryset.filter(submitted_at__lte=timezone.now() - filters.waiting_at_least)
        waiting += [Waiting(since, kind, pk) for since, pk in queryset.values_list("submitted_at", "pk")]
    return sorted(waiting)


def waiting_count(*, workspace: Workspace) -> int:
    """How many items wait for review in the workspace: the queue's length, unfiltered."""
    submitted = [
        model.objects.filter(workspace=workspace, review_status=ReviewStatus.SUBMITTED)
        .order_by()
        .values("pk")
        for model, _ in _QUEUED.values()
    ]
    return submitted[0].union(*submitted[1:], all=True).count()


def sources_waited_on(*, workspace: Workspace) -> QuerySet[Source]:
    """The sources of the workspace that something waiting for review is about (as the
    queue's source filter finds it: a claim by the sources of any of its evidence)."""
    on_source = Q(pk__in=[])
    for model, to_source in _QUEUED.values():
        waiting = model.objects.filter(workspace=workspace, review_status=ReviewStatus.SUBMITTED)
        on_source |= Q(pk__in=waiting.values(f"{to_source}_id"))
    return Source.objects.filter(on_source, workspace=workspace)


def queue_items(*, workspace: Workspace, waiting: Sequence[Waiting]) -> list[QueueItem]:
    """The items `waiting` names, in its order, each with what a reviewer needs beside
    it. One decided or deleted since it was listed is left out."""
    with_context: dict[str, QuerySet[Any]] = {
        "annotation": Annotation.objects.select_related("author").prefetch_related(
            "passages__source__outlet"
        ),
        "claim": with_evidence_review(Claim.objects.select_related("created_by")).annotate(
            **{
                f"evidence_{stance}": Count("evidence", filter=Q(evidence__stance=stance))
                for stance in Stance
            }
        ),
        "evidence": Evidence.objects.select_related("created_by", "claim", "passage__source__outlet"),
    }
    loaded: dict[tuple[str, int], Any] = {}
    changed_by: dict[tuple[str, int], set[int]] = {}
    notes: dict[tuple[str, int], str] = {}
    rejections: dict[tuple[str, int], Decision] = {}
    for kind, queryset in with_context.items():
        if pks := [each.pk for each in waiting if each.kind == kind]:
            found = queryset.filter(workspace=workspace, review_status=ReviewStatus.SUBMITTED, pk__in=pks)
            loaded |= {(kind, obj.pk): obj for obj in found}
            # For the whole page at once: whose decision form the queue leaves out.
            changed = changed_since_decided(workspace=workspace, kind=kind, ids=pks)
            changed_by |= {(kind, pk): users for pk, users in changed.items()}
            notes |= {
                (kind, pk): note
                for pk, note in submission_notes(workspace=workspace, kind=kind, ids=pks).items()
            }
            rejections |= {
                (kind, pk): decision
                for pk, decision in latest_decisions(workspace=workspace, kind=kind, ids=pks).items()
                if decision.action == HistoryAction.REJECTED
            }
    items = []
    for each in waiting:
        if (obj := loaded.get((each.kind, each.pk))) is None:
            continue
        item = QueueItem(
            each.kind,
            obj,
            each.since,
            author=getattr(obj, obj.author_field or "", None),
            changed_by=changed_by.get((each.kind, each.pk), set()),
            submission_note=notes.get((each.kind, each.pk), ""),
        )
        if isinstance(obj, Annotation):
            item.passage = _first_passage(obj)
        elif isinstance(obj, Evidence):
            item.passage, item.claim = obj.passage, obj.claim
        else:
            item.evidence = [(stance.label, getattr(obj, f"evidence_{stance}")) for stance in Stance]
            item.unapproved_evidence = unapproved_evidence(obj)
        item.last_approved_version, item.changes_since_approved = changes_since_approved(obj, kind=each.kind)
        if (rejection := rejections.get((each.kind, each.pk))) is not None and rejection.history_id:
            item.rejected_before = rejection
            item.rejected_version, item.changes_since_rejected = changes_since(
                obj, history_id=rejection.history_id
            )
        items.append(item)
    return items


def review_queue(*, workspace: Workspace, filters: QueueFilters | None = None) -> list[QueueItem]:
    """What waits for review in the workspace, longest waiting first, with each item's context."""
    return queue_items(workspace=workspace, waiting=waiting_items(workspace=workspace, filters=filters))
