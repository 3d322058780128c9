"""Form fields and query strings the database cannot store, refused before any view.

PostgreSQL cannot store or compare a NUL character (U+0000) in text; SQLite
can. JSON bodies are checked as they are parsed (archive.core.json_input);
a posted form's fields and any query string's values, which the app's
views, the admin and the API's filters read, are checked here once, so that
the same request gets the same 400 on either database, naming the field,
and nothing is written. (Form data holds no lone surrogate: Django decodes
it from UTF-8, replacing what is not.)
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from rest_framework.views import APIView

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class FormInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # After the CSRF check (listed after it): a forged post is refused as such.
        api = isinstance(cls := getattr(view, "cls", None), type) and issubclass(cls, APIView)
        field = _field_with_nul(request.GET)
        # The API and the browser's JSON endpoints read their own bodies, as
        # JSON: their stream is left to them (a multipart body parsed here
        # could not be read again).
        reads_json = api or getattr(view, "reads_json_body", False)
        form_post = request.method == "POST" and request.content_type in FORM_TYPES
        if field is None and form_post and not reads_json:
            field = _field_with_nul(request.POST)
        if field is None:
            return None
        shown = field.replace("\x00", "\\u0000")[:60]
        problem = f"The field “{shown}” contains a NUL character (U+0000), which cannot be stored."
        if reads_json:  # as every JSON endpoint refuses
            return JsonResponse({"error": problem}, status=400)
        return render(request, "refused.html", {"problem": problem}, status=400)


def _field_with_nul(data: QueryDict) -> str | None:
    for name, values in data.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name
    return None
