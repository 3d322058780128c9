"""What every page shows a signed-in member: their unread alerts, what waits for their
review, and when their session ends."""

from functools import partial

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from archive.alerts import unread_count
from archive.audit.review import waiting_count
from archive.core import sessions
from archive.permissions import Action, can
from archive.views.account import session_json


def unread_alerts(request: HttpRequest) -> dict[str, object]:
    # A callable: templates call it when the header is rendered, so other responses run no query.
    # A request refused before the user is known (a host not served here) has no user.
    user = getattr(request, "user", None)
    return {"unread_alerts": partial(unread_count, user) if user is not None else 0}


def review_waiting(request: HttpRequest) -> dict[str, object]:
    """How many items wait in the workspace's review queue, for the Review link of a
    member who may review: a callable, as unread_alerts is."""
    workspace, role = getattr(request, "workspace", None), getattr(request, "role", None)
    if workspace is None or role is None or not can(role, Action.REVIEW):
        return {"review_waiting": 0}
    return {"review_waiting": partial(waiting_count, workspace=workspace)}


def session_end(request: HttpRequest) -> dict[str, object]:
    """When a signed-in session ends, for the warning before it (templates/archive/_session_warning.html)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    end = sessions.session_end(session=request.session) if signed_in else None
    return {
        "session_end": session_json(end) if end else None,
        # The server's clock as the page is made: the page times the warning by it, not by
        # the computer's own clock, which may be minutes off the server's.
        "server_now": timezone.now().isoformat(timespec="milliseconds") if end else None,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }
