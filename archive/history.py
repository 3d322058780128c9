"""Who changed what, and why: attribution for django-simple-history.

Every tracked model declares `history = tracked_history()`. The acting user
and the reason for a change come from, in order:

1. the instance itself (`instance._history_user`, `instance._change_reason`),
2. an enclosing `recorded_as(user=..., reason=...)` block, which management
   commands, services and the API use,
3. the current request (simple_history's HistoryRequestMiddleware), which
   covers the browser and the Django admin.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


@dataclass(frozen=True)
class _Attribution:
    user: object | None
    reason: str


_current: ContextVar[_Attribution | None] = ContextVar("history_attribution", default=None)


@contextmanager
def recorded_as(*, user, reason: str = "") -> Iterator[None]:
    """Attribute every history row written inside the block to `user`."""
    token = _current.set(_Attribution(user=user, reason=reason))
    try:
        yield
    finally:
        _current.reset(token)


def _history_user(instance, request=None, **kwargs):
    # simple_history itself prefers `instance._history_user` when it is set.
    attribution = _current.get()
    if attribution is not None and attribution.user is not None:
        return attribution.user
    request = request or getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def tracked_history(**options) -> HistoricalRecords:
    """The HistoricalRecords every Warrant model uses."""
    return HistoricalRecords(get_user=_history_user, **options)


@receiver(pre_create_historical_record)
def _add_reason_from_context(sender, history_instance, **kwargs) -> None:
    attribution = _current.get()
    if attribution is not None and not history_instance.history_change_reason:
        history_instance.history_change_reason = attribution.reason or None
