"""Grading outlets on the Admiralty reliability scale (A-F).

A grade always comes with its reason: it is stored with the grade and is
the reason of the history row, so the history says who graded what, when
and why. Edits are optimistic (StaleVersion for a stale form). Any other
edit that changes a grade (a claim's credibility, an API edit) needs a
reason too: see archive.services.editing.check_grade_reason.
"""

from archive.grading import Reliability
from archive.models import Outlet
from archive.services.editing import required_reason, update_object
from archive.unit_of_work import unit_of_work


@unit_of_work()
def grade_outlet(
    *, outlet: Outlet, user, reliability: Reliability | str, reason: str, expected_version: int | None
) -> Outlet:
    reason = required_reason(reason, "Say why you give this grade.")
    return update_object(
        outlet,
        user=user,
        expected_version=expected_version,
        changes={"reliability": reliability, "reliability_reason": reason},
        reason=f"reliability graded {reliability}: {reason}",
    )
