"""{{ moment|when }}: a <time> element in the pages' one human format (archive.core.times.human_time);
{{ moment|ago }}: how long ago, in words."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from archive.core.times import human_time

register = template.Library()


@register.filter
def when(moment: datetime | None) -> SafeString | str:
    if not isinstance(moment, datetime):  # None, or a value a template could not resolve
        return "—"
    return format_html('<time datetime="{}">{}</time>', moment.isoformat(), human_time(moment))


@register.filter
def when_exactly(moment: datetime | None) -> SafeString | str:
    """As `when`, to the millisecond: the moment an "as of" view or a job shows."""
    if not isinstance(moment, datetime):
        return "—"
    return format_html('<time datetime="{}">{}</time>', moment.isoformat(), human_time(moment, exact=True))


@register.filter
def ago(moment: datetime | None) -> SafeString | str:
    """How long ago, in words ("3 minutes ago"; "just now" within the minute, not "0 minutes ago")."""
    if not isinstance(moment, datetime):
        return "—"
    said = "just now" if timezone.now() - moment < timedelta(minutes=1) else f"{timesince(moment)} ago"
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', moment.isoformat(), human_time(moment), said
    )
