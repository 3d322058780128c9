"""{{ moment|when }}: a <time> element in the pages' one human format (archive.audit.history.human_time)."""

from datetime import datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from archive.audit.history import human_time

register = template.Library()


@register.filter
def when(moment: datetime | None) -> SafeString | str:
    if moment is None:
        return "—"
    return format_html('<time datetime="{}">{}</time>', moment.isoformat(), human_time(moment))
