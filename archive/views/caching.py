"""Pages made for a signed-in member are not kept by the browser or any cache between.

They show an investigation's private material, and a page kept would come back on the
browser's Back button as it was first served: a note saved since would seem lost, and
be written again. `no-store` has the browser ask for the page anew instead.
Responses that say how they may be cached (downloads, API ETags) are left as they are.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and "Cache-Control" not in response
            and response.get("Content-Type", "").startswith("text/html")
        ):
            patch_cache_control(response, no_store=True, private=True)
        return response
