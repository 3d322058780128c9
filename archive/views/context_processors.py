"""What every page's header shows: the signed-in member's unread alerts."""

from functools import partial

from django.http import HttpRequest

from archive.alerts import unread_count


def unread_alerts(request: HttpRequest) -> dict[str, object]:
    # A callable: templates call it when the header is rendered, so other responses run no query.
    # A request refused before the user is known (a host not served here) has no user.
    user = getattr(request, "user", None)
    return {"unread_alerts": partial(unread_count, user) if user is not None else 0}
