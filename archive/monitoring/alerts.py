"""A new version's alerts: a notice per member when a recapture or a correction
changed or removed text cited as evidence, or a recapture failed. Members who
contribute (they cite the evidence) get them (archive.alerts records and
e-mails them); of a correction, all but the one who made it."""

from typing import Any

from archive.alerts import members_who_may, record
from archive.core.text import isolated
from archive.models import (
    Alert,
    AlertKind,
    AnchorStatus,
    Evidence,
    Membership,
    PassageAnchor,
    RecaptureCheck,
    SourceVersion,
)
from archive.permissions import Action


def recipients(workspace_id: int) -> list[Membership]:
    return list(members_who_may(Action.CONTRIBUTE, workspace_id=workspace_id).select_related("user"))


def evidence_alerts(*, check: RecaptureCheck, anchors: list[PassageAnchor], user) -> list[Alert]:
    """An alert per member for each piece of evidence whose cited text the recapture's
    version changed or removed."""
    return _cited_text_alerts(
        anchors=anchors, user=user, reason=str(check), check=check, recipients=recipients(check.workspace_id)
    )


def alert_on_corrected_text(
    sender: Any, *, version: SourceVersion, anchors: list[PassageAnchor], user, **kwargs: Any
) -> list[Alert]:
    """archive.passages.correction.text_corrected: as a recapture's evidence_alerts, to every
    member who contributes but the one who corrected the text (or undid a correction)."""
    corrector = getattr(user, "pk", None)
    members = [member for member in recipients(version.workspace_id) if member.user_id != corrector]
    return _cited_text_alerts(
        anchors=anchors,
        user=user,
        reason=f"{version}, a {version.get_origin_display()}",
        recipients=members,
        version=version,
    )


def _cited_text_alerts(
    *,
    anchors: list[PassageAnchor],
    user,
    reason: str,
    recipients: list[Membership],
    check: RecaptureCheck | None = None,
    version: SourceVersion | None = None,
) -> list[Alert]:
    touched: dict[int, tuple[AlertKind, PassageAnchor]] = {}
    for anchor in anchors:
        before = anchor.carried_from
        if before is None:
            continue
        if anchor.status == AnchorStatus.ORPHANED:
            if before.status == AnchorStatus.ORPHANED:
                continue  # alerted when it vanished; still gone is no news
            touched[anchor.passage_id] = (AlertKind.EVIDENCE_REMOVED, anchor)
        elif anchor.exact != before.exact:
            touched[anchor.passage_id] = (AlertKind.EVIDENCE_CHANGED, anchor)
    if not touched or not recipients:
        return []
    evidence = Evidence.objects.filter(passage_id__in=touched).select_related("claim").order_by("pk")
    alerts = []
    for item in evidence:
        kind, anchor = touched[item.passage_id]
        was = isolated(anchor.carried_from.exact if anchor.carried_from else anchor.exact)
        cited = f"the text cited for the claim “{isolated(item.claim.statement)}”"
        message = (
            f"{anchor.source_version} no longer contains {cited}: “{was}”"
            if kind == AlertKind.EVIDENCE_REMOVED
            else f"{anchor.source_version} changed {cited}: “{was}” now reads “{isolated(anchor.exact)}”"
        )
        alerts += [
            Alert(
                workspace_id=item.workspace_id,
                recipient=member.user,
                kind=kind,
                source_id=anchor.source_version.source_id,
                evidence=item,
                check_record=check,
                source_version=version,
                message=message,
            )
            for member in recipients
        ]
    for alert in alerts:
        # Each history row's reason names its own kind: the activity feed says "removed" of a removal.
        alert._change_reason = f"{reason}: {alert.get_kind_display()}"  # type: ignore[attr-defined]
    return record(alerts, user=user, reason=f"{reason}: cited text changed or removed")


def failure_alerts(*, check: RecaptureCheck, user) -> list[Alert]:
    """An alert per member that a recapture failed, and why; none to a member who
    has not yet read the alert of the source failing for the same reason (a page
    gone for good, checked hourly, would alert every hour)."""
    unread = set(
        Alert.objects.filter(
            workspace_id=check.workspace_id,
            kind=AlertKind.RECAPTURE_FAILED,
            source_id=check.source_id,
            check_record__reason=check.reason,
            read_at__isnull=True,
        ).values_list("recipient_id", flat=True)
    )
    alerts = [
        Alert(
            workspace_id=check.workspace_id,
            recipient=member.user,
            kind=AlertKind.RECAPTURE_FAILED,
            source_id=check.source_id,
            check_record=check,
            message=f"Recapturing “{check.source}” failed: {check.reason}",
        )
        for member in recipients(check.workspace_id)
        if member.user_id not in unread
    ]
    return record(alerts, user=user, reason=f"{check}: {check.reason}")
