"""A job the queue could not take (its Redis down, say): the page says so with a 503,
and the job is recorded as failed (archive.jobs.running.start), not left waiting."""

from django.http import HttpRequest, HttpResponse

from archive.jobs.running import QueueUnavailable
from archive.views.passing import PassingMiddleware
from archive.views.refusals import refused


class QueueUnavailableMiddleware(PassingMiddleware):
    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, QueueUnavailable):
            return refused(request, str(exception), status=503)
        return None
