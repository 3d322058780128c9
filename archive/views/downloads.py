"""Downloads a script may fetch with its API token: the CSV and JSON lists, the
annotation exports, evidence packages, PROV exports and the stored files of a source's
versions. Marked with `accepts_api_token`, they take `Authorization: Token <key>` on GET
as the REST API does; every other page keeps to the session (a token never signs anyone
in, and never makes a write).

Without a session or a token, a browser (whose Accept names text/html) is sent to the
sign-in page; a script, which asks for the file, gets the 401 a bad token gets, in JSON
with `WWW-Authenticate: Token`, rather than the sign-in page's HTML. So too any other
refusal of a download (a filter it refuses, not found): the page for a browser, JSON
for a script."""

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar, cast

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated

from archive.api.authentication import TokenAuthentication
from archive.sources.fixity import DamagedFile
from archive.views.passing import PassingMiddleware
from archive.views.refusals import Refusal

V = TypeVar("V", bound=Callable[..., Any])


def accepts_api_token(view: V) -> V:
    view.accepts_api_token = True  # type: ignore[attr-defined]
    return view


class ApiTokenDownloadsMiddleware(PassingMiddleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and _is_download(request)
            and response.get("Content-Type", "").startswith("text/html")
            and not _asks_for_a_page(request)
        ):
            return _refused_to_a_script(response)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD") or not getattr(view, "accepts_api_token", False):
            return None
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Token":
            if request.user.is_authenticated or _asks_for_a_page(request):
                return None
            return _unauthorized(str(NotAuthenticated.default_detail))
        try:
            user, _ = TokenAuthentication().authenticate_credentials(key.strip())
        except AuthenticationFailed as failed:
            return _unauthorized(str(failed.detail))
        request.user = cast(User, user)
        return None


def _is_download(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and getattr(match.func, "accepts_api_token", False)


def _refused_to_a_script(page: HttpResponse) -> HttpResponse:
    """The refusal in JSON, in the same response: its headers (Allow, Retry-After) kept,
    and logged once."""
    problem = page.problem if isinstance(page, Refusal) else f"{HTTPStatus(page.status_code).phrase}."
    page.content = json.dumps({"error": problem}).encode()
    page["Content-Type"] = "application/json"
    if page.has_header("Content-Length"):
        page["Content-Length"] = str(len(page.content))
    return page


def _asks_for_a_page(request: HttpRequest) -> bool:
    """Whether the request names HTML among what it accepts, as a browser does (`*/*`,
    a script's default, does not: it takes the download, not a sign-in page)."""
    return any(
        (kind.main_type, kind.sub_type) == ("text", "html") and kind.quality > 0
        for kind in request.accepted_types
    )


def damaged_file_refused(request: HttpRequest, damaged: DamagedFile) -> HttpResponse:
    """409 for a stored file that is not what was archived (archive.api.stored_files): a
    page for a browser, the API's JSON error for a script."""
    if _asks_for_a_page(request):
        return render(request, "archive/damaged_file.html", {"problem": str(damaged)}, status=409)
    return JsonResponse({"error": str(damaged)}, status=409)


def _unauthorized(error: str) -> JsonResponse:
    response = JsonResponse({"error": error}, status=401)
    response["WWW-Authenticate"] = "Token"
    return response
