"""When a signed-in session ends, known to the server so that every page can warn before it.

A session ends SESSION_COOKIE_AGE after sign-in; staying signed in moves the end to
SESSION_COOKIE_AGE from then, never past SESSION_MAX_AGE after sign-in. The end is the
session's own expiry (Django's `set_expiry`), so the stored session ends exactly then:
without one, Django would end it SESSION_COOKIE_AGE after its last write (a message
kept in it moves the end), a time no page could know. The cookie still ends with the
browser (SESSION_ENGINE is this module's SessionStore).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

SIGNED_IN_KEY = "_signed_in_at"
SIGN_IN_KEY = "_sign_in"


class SessionStore(db.SessionStore):
    """Django's database sessions, whose cookie ends with the browser although the session has an end."""

    def get_expire_at_browser_close(self) -> bool:
        return settings.SESSION_EXPIRE_AT_BROWSER_CLOSE

    async def aget_expire_at_browser_close(self) -> bool:
        return settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@dataclass(frozen=True)
class SessionEnd:
    ends: datetime
    latest: datetime  # the furthest staying signed in can move `ends`
    # Which sign-in this is, so that a page tells its own session from the next one, even
    # one begun in the same second. Not the session key, which would let a script take it.
    sign_in: str


def _now() -> datetime:
    # Whole seconds: the end is written out, and compared, as ISO 8601 text.
    return timezone.now().replace(microsecond=0)


def _latest(session: SessionBase) -> datetime:
    return datetime.fromisoformat(session[SIGNED_IN_KEY]) + timedelta(seconds=settings.SESSION_MAX_AGE)


def _sign_in(session: SessionBase) -> str:
    # A session signed in before sign-ins were told apart: its start tells it apart.
    return str(session.get(SIGN_IN_KEY) or session[SIGNED_IN_KEY])


def start_session_end(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """user_logged_in: the session ends SESSION_COOKIE_AGE from now. A sign-in through
    the API makes no session (archive.api.authentication): nothing to end."""
    session = getattr(request, "session", None)
    if session is not None:
        now = _now()
        session[SIGNED_IN_KEY] = now.isoformat()
        session[SIGN_IN_KEY] = secrets.token_urlsafe(12)
        session.set_expiry(now + timedelta(seconds=settings.SESSION_COOKIE_AGE))


def session_end(*, session: SessionBase) -> SessionEnd | None:
    """When the session ends; None for one signed in before ends were kept, which ends as Django's did."""
    if SIGNED_IN_KEY not in session:
        return None
    return SessionEnd(ends=session.get_expiry_date(), latest=_latest(session), sign_in=_sign_in(session))


def extend_session(*, session: SessionBase) -> SessionEnd:
    """Move the end to SESSION_COOKIE_AGE from now, or to the latest end if that is sooner."""
    now = _now()
    session.setdefault(SIGNED_IN_KEY, now.isoformat())
    latest = _latest(session)
    ends = min(now + timedelta(seconds=settings.SESSION_COOKIE_AGE), latest)
    session.set_expiry(ends)
    return SessionEnd(ends=ends, latest=latest, sign_in=_sign_in(session))
