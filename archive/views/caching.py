"""Pages made for a signed-in member are not kept by the browser or any cache between.

They show an investigation's private material, and a page kept would come back on the
browser's Back button as it was first served: a note saved since would seem lost, and
be written again. `no-store` has the browser ask for the page anew instead.
Whatever else a member is answered (the REST API's and the W3C protocol's JSON, signed in
or by token) is `private`: the browser may keep it to revalidate by its ETag, but no cache
between, which would hand it to the next person asking for the same address. Responses that
say how they may be cached (downloads) are left as they are.
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
        if user is None or not user.is_authenticated or "Cache-Control" in response:
            return response
        if response.get("Content-Type", "").startswith("text/html"):
            patch_cache_control(response, no_store=True, private=True)
        else:
            patch_cache_control(response, private=True)
        return response
