"""The signed-in account's session: when it ends, staying signed in, and taking up a
session begun in another tab."""

from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import require_http_methods

from archive.core.sessions import SessionEnd, extend_session, session_end
from archive.permissions import member_view


def session_json(end: SessionEnd) -> dict[str, str]:
    """The session's end and latest end as every page and "Stay signed in" give them (ISO 8601),
    and which sign-in it is."""
    return {"ends": end.ends.isoformat(), "latest": end.latest.isoformat(), "sign_in": end.sign_in}


@member_view
@require_http_methods(["GET", "HEAD", "POST"])
def account_session(request: HttpRequest) -> JsonResponse:
    """POST, "Stay signed in" (js/session-warning.js): the session ends SESSION_COOKIE_AGE
    from now. GET, after signing in again in another tab: when the new session ends, whose
    it is, and its CSRF token, for a page of the ended one to save what was typed in it."""
    if request.method == "POST":
        return JsonResponse(session_json(extend_session(session=request.session)))
    end = session_end(session=request.session)
    return JsonResponse(
        {
            **(session_json(end) if end else {}),
            "username": request.user.get_username(),
            "csrf_token": get_token(request),
        }
    )
