"""Alerts: a notice per member when a recapture changed or removed text cited
as evidence, or failed. Members who contribute (they cite the evidence) get
them; each may also have them e-mailed (Membership.email_alerts), through
Django's mail settings, once the recapture is committed."""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from archive.core.attribution import recorded_as
from archive.core.editing import update_object
from archive.core.text import isolated
from archive.core.unit_of_work import unit_of_work
from archive.models import (
    Alert,
    AlertKind,
    AnchorStatus,
    Evidence,
    Membership,
    PassageAnchor,
    RecaptureCheck,
    Role,
)
from archive.permissions import Action, can

RECIPIENT_ROLES = [role for role in Role.values if can(role, Action.CONTRIBUTE)]


def recipients(workspace_id: int) -> list[Membership]:
    return list(
        Membership.objects.filter(workspace_id=workspace_id, role__in=RECIPIENT_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )


def evidence_alerts(*, check: RecaptureCheck, anchors: list[PassageAnchor], user) -> list[Alert]:
    """An alert per member for each piece of evidence whose cited text the new version changed or removed."""
    touched: dict[int, tuple[AlertKind, PassageAnchor]] = {}
    for anchor in anchors:
        before = anchor.carried_from
        if before is None:
            continue
        if anchor.status == AnchorStatus.ORPHANED:
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
    return _record(alerts, user=user, reason=f"{check}: cited text changed")


def failure_alerts(*, check: RecaptureCheck, user) -> list[Alert]:
    """An alert per member that a recapture failed, and why."""
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
    ]
    return _record(alerts, user=user, reason=f"{check}: {check.reason}")


def _record(alerts: list[Alert], *, user, reason: str) -> list[Alert]:
    if not alerts:
        return []
    for alert in alerts:
        alert.check_invariants()
    created = Alert.objects.bulk_create(alerts)
    with recorded_as(user=user, reason=reason):
        Alert.history.bulk_history_create(created)
    _mail_after_commit(created)
    return created


def _mail_after_commit(alerts: list[Alert]) -> None:
    by_recipient: dict[int, list[Alert]] = defaultdict(list)
    for alert in alerts:
        by_recipient[alert.recipient_id].append(alert)
    wanting = Membership.objects.filter(
        workspace_id=alerts[0].workspace_id, user_id__in=by_recipient, email_alerts=True
    ).select_related("user", "workspace")
    messages = [
        (membership.user.email, membership.workspace.name, by_recipient[membership.user_id])
        for membership in wanting
        if membership.user.email
    ]
    if messages:
        transaction.on_commit(lambda: _send(messages))


def _send(messages: list[tuple[str, str, list[Alert]]]) -> None:
    for address, workspace_name, alerts in messages:
        subject = f"[Warrant] {len(alerts)} alert{'s' if len(alerts) != 1 else ''} in {workspace_name}"
        body = "\n\n".join(alert.message for alert in alerts)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)


def unread_count(user: User | AnonymousUser) -> int:
    if not user.is_authenticated:
        return 0
    return Alert.objects.filter(recipient=user, read_at__isnull=True).count()


@unit_of_work()
def mark_read(*, user: User, alert_ids: list[int] | None = None) -> int:
    """Mark the user's unread alerts read (those of `alert_ids`, or all); how many were."""
    unread = Alert.objects.filter(recipient=user, read_at__isnull=True).select_for_update()
    if alert_ids is not None:
        unread = unread.filter(pk__in=alert_ids)
    now = timezone.now()
    marked = 0
    for alert in unread:
        alert.read_at = now
        with recorded_as(user=user, reason="read"):
            alert.save()
        marked += 1
    return marked


def set_email_alerts(*, membership: Membership, user: User, enabled: bool) -> Membership:
    """Whether the member also gets their alerts of this workspace by e-mail."""
    return update_object(
        membership,
        user=user,
        expected_version=None,
        changes={"email_alerts": enabled},
        editable={"email_alerts"},
        reason="e-mail alerts " + ("on" if enabled else "off"),
    )
