"""The signed-in account's session: when it ends, and staying signed in."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from archive.core.sessions import SessionEnd, extend_session
from archive.permissions import member_view


def session_json(end: SessionEnd) -> dict[str, str]:
    """The session's end and latest end as every page and "Stay signed in" give them (ISO 8601)."""
    return {"ends": end.ends.isoformat(), "latest": end.latest.isoformat()}


@member_view
@require_POST
def session_extend(request: HttpRequest) -> JsonResponse:
    """Stay signed in (js/session-warning.js): the session ends SESSION_COOKIE_AGE from now."""
    return JsonResponse(session_json(extend_session(session=request.session)))
