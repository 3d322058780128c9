"""Alerts: a member's notices, in their inbox (/alerts/) and, if they ask, by
e-mail through Django's mail settings once the change is committed.

What raises them lives with the change: a recapture that changed or removed
cited text, or failed (archive.monitoring.alerts), and a reviewer rejecting
someone's work (archive.audit.review). They record them here.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from archive.core.attribution import recorded_as
from archive.core.editing import update_object
from archive.core.unit_of_work import unit_of_work
from archive.models import Alert, Membership, Role
from archive.permissions import Action, can, scoped

# Those who contribute: they cite the evidence a recapture may change, and
# write the work a reviewer may reject.
RECIPIENT_ROLES = [role for role in Role.values if can(role, Action.CONTRIBUTE)]


def members_who_may(action: Action, *, workspace_id: int) -> QuerySet[Membership]:
    """The workspace's active members whose role may `action`, by user id: whom an alert
    about it is for (those who contribute, who audit, who manage)."""
    roles = [role for role in Role.values if can(role, action)]
    return Membership.objects.filter(
        workspace_id=workspace_id, role__in=roles, user__is_active=True
    ).order_by("user_id")


def record(alerts: list[Alert], *, user, reason: str) -> list[Alert]:
    """Save alerts of one workspace, with their history, and e-mail them after the commit."""
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


def alerts_of(user: User | AnonymousUser) -> QuerySet[Alert]:
    """The member's alerts, of the workspaces they belong to now: one removed from a
    workspace no longer sees, counts or marks its alerts (nor writes to its history)."""
    if not user.is_authenticated:
        return Alert.objects.none()
    return scoped(Alert.objects.filter(recipient=user), user)


def unread_count(user: User | AnonymousUser) -> int:
    if not user.is_authenticated:
        return 0
    return alerts_of(user).filter(read_at__isnull=True).count()


@unit_of_work()
def mark_read(*, user: User, alert_ids: list[int] | None = None) -> int:
    """Mark the user's unread alerts read (those of `alert_ids`, or all); how many were."""
    unread = alerts_of(user).filter(read_at__isnull=True).select_for_update()
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
