"""Logging filters, named in settings.LOGGING."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """Django's request logger attaches the exception to every 4xx it logs (a
    PermissionDenied, a BadRequest): those are refusals the app meant, so they
    keep Django's one line and lose the traceback; a 5xx keeps it."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
