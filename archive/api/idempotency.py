"""`Idempotency-Key` on POST: the REST API's creates and batch, the W3C container.

A client whose POST got no response (a timeout, a dropped connection) sends it
again with the same `Idempotency-Key` header. Within KEY_LIFETIME (24 hours)
the same key with the same request (method, path and JSON body) gets the first
response again (status, body, and its REPLAYED_HEADERS, plus
`Idempotent-Replayed: true`) and nothing is written; the same key with another
request is 422. Keys are per user: another user's identical key is unrelated.

Only a successful (2xx) response is kept: a refused request can be corrected
and sent again under the same key. The key's row is inserted in the write's
own transaction, before the write, so the two commit or roll back together. A
concurrent duplicate waits on the unique (user, key) index until the first
commits, then replays its response (409 if the first is still undecided).
Rows older than KEY_LIFETIME are ignored on read and deleted at the next write
that uses a key.

The rows are a record of HTTP responses, not of the archive: no history, no
workspace, not in backups (archive.models.IdempotencyKey).
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from archive.api.errors import Conflict
from archive.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEY_LIFETIME = timedelta(hours=24)
KEY_MAX_LENGTH = 255
REPLAYED_HEADERS = ("Location", "ETag", "Warning")


class KeyReused(APIException):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = (
        "This Idempotency-Key was used for a different request in the last 24 hours: "
        "send a new key for a new request."
    )


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Make a view's POST handler honour Idempotency-Key (see the module)."""

    @wraps(handler)
    def wrapper(view, request: Request, *args, **kwargs) -> Response:
        if HEADER not in request.headers:
            return handler(view, request, *args, **kwargs)
        user: Any = request.user  # signed in: the view's permissions have run
        key = _checked_key(request.headers[HEADER])
        fingerprint = _fingerprint(request)
        stored = _stored(request.user, key)
        if stored is not None:
            return _replay(stored, fingerprint)
        with transaction.atomic():
            IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEY_LIFETIME).delete()
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(
                        user=user, key=key, fingerprint=fingerprint, status=0
                    )
            except IntegrityError:
                record = None  # a concurrent request with this key committed first
            if record is not None:
                response = handler(view, request, *args, **kwargs)
                if not 200 <= response.status_code < 300:
                    transaction.set_rollback(True)
                    return response
                record.status = response.status_code
                record.headers = {name: response[name] for name in REPLAYED_HEADERS if name in response}
                record.body = json.dumps(response.data, cls=DjangoJSONEncoder, ensure_ascii=False)
                record.save(update_fields=["status", "headers", "body"])
                return response
        stored = _stored(request.user, key)
        if stored is None or not stored.status:
            raise Conflict("A request with this Idempotency-Key is still being processed: try again shortly.")
        return _replay(stored, fingerprint)

    wrapper.honours_idempotency_key = True  # type: ignore[attr-defined]
    return wrapper


def is_idempotent(handler: object) -> bool:
    """Whether a view's handler honours Idempotency-Key (for the schema)."""
    return getattr(handler, "honours_idempotency_key", False)


def _checked_key(value: str) -> str:
    key = value.strip()
    if not key or len(key) > KEY_MAX_LENGTH or not (key.isascii() and key.isprintable()):
        raise ValidationError(
            {HEADER: [f"An Idempotency-Key is 1 to {KEY_MAX_LENGTH} printable ASCII characters."]}
        )
    return key


def _fingerprint(request: Request) -> str:
    """What makes two requests "the same": method, path and JSON body (key order aside)."""
    body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _stored(user, key: str) -> IdempotencyKey | None:
    cutoff = timezone.now() - KEY_LIFETIME
    return IdempotencyKey.objects.filter(user=user, key=key, created_at__gte=cutoff).first()


def _replay(stored: IdempotencyKey, fingerprint: str) -> Response:
    if stored.fingerprint != fingerprint:
        raise KeyReused()
    headers = {**stored.headers, "Idempotent-Replayed": "true"}
    return Response(json.loads(stored.body), status=stored.status, headers=headers)
