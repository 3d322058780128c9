"""A recapture's alerts: a notice per member when it changed or removed text
cited as evidence, or failed. Members who contribute (they cite the
evidence) get them (archive.alerts records and e-mails them)."""

from archive.alerts import members_who_may, record
from archive.core.text import isolated
from archive.models import Alert, AlertKind, AnchorStatus, Evidence, Membership, PassageAnchor, RecaptureCheck
from archive.permissions import Action


def recipients(workspace_id: int) -> list[Membership]:
    return list(members_who_may(Action.CONTRIBUTE, workspace_id=workspace_id).select_related("user"))


def evidence_alerts(*, check: RecaptureCheck, anchors: list[PassageAnchor], user) -> list[Alert]:
    """An alert per member for each piece of evidence whose cited text the new version changed or removed."""
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
    if not touched:
        return []
    evidence = Evidence.objects.filter(passage_id__in=touched).select_related("claim").order_by("pk")
    members = recipients(check.workspace_id)
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
                workspace_id=check.workspace_id,
                recipient=member.user,
                kind=kind,
                source_id=check.source_id,
                evidence=item,
                check_record=check,
                message=message,
            )
            for member in members
        ]
    for alert in alerts:
        # Each history row's reason names its own kind: the activity feed says "removed" of a removal.
        alert._change_reason = f"{check}: {alert.get_kind_display()}"  # type: ignore[attr-defined]
    return record(alerts, user=user, reason=f"{check}: cited text changed or removed")


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
