"""Posted form fields the database cannot store, refused before any view.

PostgreSQL cannot store a NUL character (U+0000) in text; SQLite can. JSON
bodies are checked as they are parsed (archive.core.json_input); a form's
fields, which the app's views and the admin read, are checked here once,
so that the same post gets the same 400 on either database, naming the
field, and nothing is written. (Form data holds no lone surrogate: Django
decodes it from UTF-8, replacing what is not.)
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
        if request.method != "POST" or request.content_type not in FORM_TYPES:
            return None
        for name, values in request.POST.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                shown = name.replace("\x00", "\\u0000")[:60]
                problem = f"The field “{shown}” contains a NUL character (U+0000), which cannot be stored."
                return render(request, "400.html", {"problem": problem}, status=400)
        return None
