"""Token authentication for the API, and the credentials that obtain a token."""

import base64
import binascii
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from archive.core.compiled_query import CompiledQuery

_TOKEN = CompiledQuery(lambda key: Token.objects.select_related("user").filter(key=key), key=str)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's, with the token looked up by a query compiled once (every API request makes it)."""

    def authenticate_credentials(self, key: str) -> tuple[object, Token]:
        found = _TOKEN(key=key)
        if not found:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not found[0].user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return found[0].user, found[0]


def revoke_tokens_on_password_change(
    sender: type, instance: Any, update_fields: Any = None, **kwargs: Any
) -> None:
    """Before a user is saved with a new password, delete their API token, as the new
    password's session auth hash ends their other sessions: a reset after an account
    was taken over must also shut out a token minted with it. (pre_save of the user model.)"""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return  # a new account has no token; a sign-in saves last_login alone
    stored = type(instance).objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        Token.objects.filter(user_id=instance.pk).delete()


def user_by_credentials(request: Request, credentials: dict[str, str] | None) -> Any:
    """The user whose username and password are `credentials` (the JSON body's) or,
    without those, the request's HTTP Basic credentials; None if it has neither.

    Checked by Django's authenticate(), as the sign-in form is: django-axes
    (AUTHENTICATION_BACKENDS) counts a failure and refuses a locked-out account,
    which is answered here in the API's error format (429) rather than as axes'
    lockout page.
    """
    if credentials is None:
        credentials = _basic_credentials(request)
        if credentials is None:
            return None
    user = authenticate(request._request, **credentials)
    if getattr(request._request, "axes_locked_out", False):
        # Answered here, in the API's format, not by AxesMiddleware's lockout page.
        request._request.axes_locked_out = False  # type: ignore[attr-defined]
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        raise exceptions.Throttled(
            wait=settings.AXES_COOLOFF_TIME.total_seconds(),
            detail=(
                "Too many failed sign-ins for this account or from this address: "
                f"try again in {minutes} minutes."
            ),
        )
    if user is None:
        raise exceptions.AuthenticationFailed("Unable to sign in with this username and password.")
    # A sign-in, as the form's: axes resets the failures and last_login is set.
    _signed_in_without_session(request._request, user)
    return user


def _signed_in_without_session(request: HttpRequest, user: Any) -> None:
    """Send user_logged_in for a sign-in that makes no session: axes logs a sign-in with
    a hash of the session's key, creating a session (and its cookie) for one if there is
    none, so the receivers see a request without a session, as axes allows."""
    session = request.__dict__.pop("session", None)
    try:
        user_logged_in.send(sender=type(user), request=request, user=user)
    finally:
        if session is not None:
            request.session = session


def _basic_credentials(request: Request) -> dict[str, str] | None:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, colon, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        username, colon, password = "", "", ""
    if not colon:
        raise exceptions.AuthenticationFailed("Basic credentials are base64 of username:password, in UTF-8.")
    if "\x00" in username:  # (a JSON body's or a form's is refused before any view)
        raise exceptions.AuthenticationFailed("A username holds no NUL character.")
    return {"username": username, "password": password}
