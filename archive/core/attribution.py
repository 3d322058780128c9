"""Who changed what, and why: the attribution every history row carries.

The acting user and the reason for a change come from, in order:

1. the instance itself (`instance._history_user`, `instance._change_reason`),
2. an enclosing `recorded_as(user=..., reason=...)` block, which the domain
   functions open for every write (so do management commands),
3. the current request (simple_history's HistoryRequestMiddleware), which
   covers the Django admin.

`recorded_as(..., action=HistoryAction.X)` also names what kind of change the
block makes (reverted, re-anchored, submitted, approved, rejected); without
it, the action follows the history row: created, changed or deleted. An inner
block without a reason or action keeps the enclosing block's, so a revert that
goes through the ordinary edit path is still recorded as a revert, and a
command's reason reaches the functions it calls.

A reason is text a user gives, held to the same rule as any other
(archive.core.text): `recorded_as`, which every reason passes through on its
way to a history row, whether written by a save or in bulk, refuses one with
a control character before anything is written.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from simple_history.models import HistoricalRecords

from archive.core.text import control_character_problem


@dataclass(frozen=True)
class Attribution:
    user: Any
    reason: str
    action: str | None = None


_current: ContextVar[Attribution | None] = ContextVar("history_attribution", default=None)


@contextmanager
def recorded_as(*, user: Any, reason: str = "", action: str | None = None) -> Iterator[None]:
    """Attribute every history row written inside the block to `user`, for `reason`.

    `action` (an archive.models.HistoryAction) names the kind of change in
    the audit ledger, else created, changed or deleted. A block without a
    reason or action keeps the enclosing block's. A ValidationError on
    "reason" if it holds a control character other than tab and line breaks.
    """
    check_reason(reason)
    outer = _current.get()
    if outer is not None:
        reason, action = reason or outer.reason, action or outer.action
    token = _current.set(Attribution(user=user, reason=reason, action=action))
    try:
        yield
    finally:
        _current.reset(token)


# What a person may give as the reason for a change (the forms and the API hold them to it),
# and what a history row's reason may hold: theirs and the words the archive puts around it
# ("Back to review: the words it cites changed (re-anchored after text correction: ...)").
REASON_MAX_LENGTH = 2000
_RECORDED_REASON_MAX_LENGTH = REASON_MAX_LENGTH + 500


def check_reason(reason: str) -> None:
    """Refuse a reason for a change holding a control character, or far longer than a
    person may give (a megabyte would be copied into every page of the history):
    ValidationError on "reason"."""
    problem = control_character_problem(reason or "", what="The reason")
    if problem:
        raise ValidationError({"reason": problem})
    if len(reason or "") > _RECORDED_REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"Give a reason of at most {REASON_MAX_LENGTH} characters."})


def current_attribution() -> Attribution | None:
    return _current.get()


def history_user(instance: object, request: Any = None, **kwargs: object) -> Any:
    """The user simple_history records (it prefers `instance._history_user` itself)."""
    attribution = _current.get()
    if attribution is not None and attribution.user is not None:
        return attribution.user
    request = request or getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None
