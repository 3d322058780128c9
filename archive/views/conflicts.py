"""A write that lost a race the page's own checks had passed: two people adding
the same outlet or member at the same moment (the database's constraint refuses
the second), or two writes each waiting for a row the other holds (the database
aborts one). The loser's transaction is rolled back; the page says so (409) rather
than failing with a 500. The API and the browser's JSON endpoints answer the
same race with their own 409 (archive.api.errors)."""

from django.http import HttpRequest, HttpResponse

from archive.core.editing import lost_a_race
from archive.views.passing import PassingMiddleware
from archive.views.refusals import refused

CONFLICT = (
    "Someone saved something that conflicts with this at the same moment, "
    "so nothing of yours was saved. Reload the page to see what is there now, and try again."
)


class ConflictMiddleware(PassingMiddleware):
    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if lost_a_race(exception):
            return refused(request, CONFLICT, status=409)
        return None
