"""`<a href="…"{% current_page "claims" %}>`: a navigation link to the page being shown says so
(aria-current="page"), for a screen reader and for the eye (app.css)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def current_page(context: dict[str, Any], url_name: str) -> SafeString:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    here = match is not None and match.url_name == url_name
    return mark_safe(' aria-current="page"' if here else "")  # noqa: S308 (constant text)  # nosec B308, B703
