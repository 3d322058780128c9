"""Grading outlets on the Admiralty reliability scale (A-F).

A grade always comes with its reason: it is stored with the grade and is
the reason of the history row, so the history says who graded what, when
and why. Edits are optimistic (StaleVersion for a stale form).
"""

from django.core.exceptions import ValidationError

from archive.grading import Reliability
from archive.models import Outlet
from archive.services.editing import update_object
from archive.unit_of_work import unit_of_work


def _required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you give this grade."})
    return reason


@unit_of_work()
def grade_outlet(
    *, outlet: Outlet, user, reliability: Reliability | str, reason: str, expected_version: int | None
) -> Outlet:
    reason = _required_reason(reason)
    return update_object(
        outlet,
        user=user,
        expected_version=expected_version,
        changes={"reliability": reliability, "reliability_reason": reason},
        reason=f"reliability graded {reliability}: {reason}",
    )
