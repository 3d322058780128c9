"""Downloads a script may fetch with its API token: the CSV and JSON lists, the
annotation exports and evidence packages. Marked with `accepts_api_token`, they
take `Authorization: Token <key>` on GET as the REST API does; every other page
keeps to the session (a token never signs anyone in, and never makes a write)."""

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.exceptions import AuthenticationFailed

from archive.api.authentication import TokenAuthentication
from archive.views.passing import PassingMiddleware

V = TypeVar("V", bound=Callable[..., Any])


def accepts_api_token(view: V) -> V:
    view.accepts_api_token = True  # type: ignore[attr-defined]
    return view


class ApiTokenDownloadsMiddleware(PassingMiddleware):
    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Token" or request.method not in ("GET", "HEAD"):
            return None
        if not getattr(view, "accepts_api_token", False):
            return None
        try:
            user, _ = TokenAuthentication().authenticate_credentials(key.strip())
        except AuthenticationFailed as failed:
            response = JsonResponse({"error": str(failed.detail)}, status=401)
            response["WWW-Authenticate"] = "Token"
            return response
        request.user = cast(User, user)
        return None
