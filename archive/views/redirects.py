"""Where a form sends the browser back to once it is done."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from archive.permissions import WorkspaceRequest


def posted_next(request: HttpRequest) -> str | None:
    """The form's `next` (the page it was posted from), if it is a path on this site.

    Another host would make the form an open redirect, and anything but a
    path ("abc", "0") no URL at all: Django's redirect() would take it for
    the name of a view."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


def post_only_form(
    page: str, *, keep: tuple[str, ...] = ()
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """For a workspace view that takes a form's POST only (under `workspace_view`): a GET goes
    to `page`, the URL name of the page holding the form, with the workspace and the view's
    URL arguments named in `keep`.

    A form refused with errors leaves its own URL in the address bar; pressing Enter there, or
    coming back to it from the browser's history, is a GET, which should land on the form
    rather than on a bare 405."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: WorkspaceRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in ("GET", "HEAD"):
                arguments = {name: kwargs[name] for name in keep}
                return redirect(reverse(page, kwargs={"slug": request.workspace.slug, **arguments}))
            if request.method != "POST":
                return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# What a refused form held, kept for the page it goes back to (a redirect): a page
# opened anew would have lost what was typed.
_KEPT_KEY = "refused_form"


def keep_refused(request: HttpRequest, *, form: str, data: dict[str, str]) -> None:
    """Keep what the form named `form` was sent with, for its page to show it again."""
    request.session[_KEPT_KEY] = {"form": form, "data": data}


def take_refused(request: HttpRequest, form: str) -> dict[str, str] | None:
    """What keep_refused() kept of the form named `form`, once; None if nothing."""
    kept = request.session.get(_KEPT_KEY)
    if not isinstance(kept, dict) or kept.get("form") != form:
        return None
    del request.session[_KEPT_KEY]
    return kept["data"]
