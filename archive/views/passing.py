"""What the app's own middleware shares: each passes every request on and acts
only in a hook (process_view, process_exception)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class PassingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
