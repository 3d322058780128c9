"""Who is signing in from where: the sign-in lockout's (django-axes) view of a request.

Failed sign-ins lock the username and, separately, the address they came from. Behind
a proxy every request comes from the proxy's address, so counting by that address would
let anyone lock everybody out: the address counts only when it is the client's.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from. Behind the proxy `BEHIND_PROXY` declares, the
    last address of X-Forwarded-For, the one that proxy saw (any before it the client
    may have written itself); otherwise, or if that is no address, REMOTE_ADDR."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if _is_address(forwarded):
            return forwarded
    return request.META.get("REMOTE_ADDR")


def lockout_parameters(request: object, credentials: dict | None = None) -> list[str]:
    """What failed sign-ins are counted by: the username, and the address when it is
    the client's. It is not when a proxy no one declared forwards the request (a
    loopback address, or an X-Forwarded-For header without BEHIND_PROXY)."""
    if isinstance(request, HttpRequest) and not settings.BEHIND_PROXY:
        address = request.META.get("REMOTE_ADDR", "")
        if "HTTP_X_FORWARDED_FOR" in request.META or (
            _is_address(address) and ipaddress.ip_address(address).is_loopback
        ):
            return ["username"]
    return ["username", "ip_address"]


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# The longest username an account may have (django.contrib.auth's User): a longer one is
# nobody's, and django-axes's table of failed sign-ins holds no more than 255.
USERNAME_MAX_LENGTH = 150


def counted_username(request: object, credentials: dict | None = None) -> str | None:
    """The username a failed sign-in is counted under (AXES_USERNAME_CALLABLE): as typed,
    cut to the longest an account may have, so that a longer one is refused as any wrong
    username is, not with a server error storing it."""
    username = (credentials or {}).get("username")
    if username is None and isinstance(request, HttpRequest):
        username = request.POST.get("username")
    return None if username is None else str(username)[:USERNAME_MAX_LENGTH]
