"""The one way pages write a moment (every page, and the values of a history's diffs)."""

from datetime import datetime

from django.utils import timezone

TIME_FORMAT = "%-d %b %Y, %H:%M"


def human_time(moment: datetime, *, exact: bool = False) -> str:
    """The one way pages write a time: "7 Mar 2025, 14:05 UTC" (in the site's time zone);
    `exact` adds the seconds and their fraction to the millisecond, for a moment that
    picks one version among several saved within a minute ("7 Mar 2025, 14:05:09.502 UTC")."""
    local = timezone.localtime(moment)
    written = local.strftime(TIME_FORMAT)
    if exact:
        written += f":{local.second:02d}" + (f".{local.microsecond // 1000:03d}" if local.microsecond else "")
    return f"{written} {local.tzname()}"
