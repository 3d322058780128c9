"""Where a form sends the browser back to once it is done."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def posted_next(request: HttpRequest) -> str | None:
    """The form's `next` (the page it was posted from), if it is a path on this site.

    Another host would make the form an open redirect, and anything but a
    path ("abc", "0") no URL at all: Django's redirect() would take it for
    the name of a view."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None
