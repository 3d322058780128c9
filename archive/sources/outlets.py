"""Outlets (who publishes sources) and their Admiralty reliability grade (A-F).

A grade always comes with its reason: it is stored with the grade (its
reliability_reason) and is the reason of the history row, so the history says
who graded what, when and why. F ("cannot be judged") is an outlet not graded yet.
"""

from typing import Any

from django.core.exceptions import ValidationError

from archive.core.attribution import recorded_as
from archive.core.editing import create_object, delete_object, required_reason, update_object
from archive.core.history import gradings
from archive.core.unit_of_work import unit_of_work
from archive.models import HistoryAction, Outlet, Workspace
from archive.models.grading import Reliability

GRADE_NEEDS_REASON = "Say why you give this grade."


@unit_of_work()
def create_outlet(
    *,
    workspace: Workspace,
    user: Any,
    name: str,
    url: str = "",
    country: str = "",
    language: str = "",
    reliability: Reliability | str = Reliability.F,
    reliability_reason: str = "",
    reason: str = "",
) -> Outlet:
    if reliability != Reliability.F and not reliability_reason.strip():
        raise ValidationError({"reliability_reason": GRADE_NEEDS_REASON})
    outlet = Outlet(
        workspace=workspace,
        name=name,
        url=url,
        country=country,
        language=language,
        reliability=reliability,
        reliability_reason=reliability_reason,
    )
    return create_object(outlet, user=user, reason=reason)


EDITABLE_FIELDS = frozenset({"name", "url", "country", "language", "reliability", "reliability_reason"})
GRADE_FIELDS = ("reliability", "reliability_reason")


def edit_outlet(
    outlet: Outlet, *, user: Any, expected_version: int | None, changes: dict[str, Any], reason: str = ""
) -> Outlet:
    """Change an outlet's details or its grade. A new grade needs a reason
    (archive.core.editing), stored as its reliability_reason unless a new one is given with it."""
    return _edited(outlet, user=user, expected_version=expected_version, changes=changes, reason=reason)


def _edited(
    outlet: Outlet,
    *,
    user: Any,
    expected_version: int | None,
    changes: dict[str, Any],
    reason: str,
    grade_reason: str | None = None,
) -> Outlet:
    # A grade is a judgement, recorded as one, as a claim's credibility is: the activity
    # finds it under "graded" whichever way it was made (this page, the API, the admin).
    grading = any(name in changes and changes[name] != getattr(outlet, name) for name in GRADE_FIELDS)
    with recorded_as(user=user, action=HistoryAction.GRADED if grading else None):
        return update_object(
            outlet,
            user=user,
            expected_version=expected_version,
            changes=changes,
            editable=EDITABLE_FIELDS,
            reason=reason,
            grade_reason=grade_reason,
        )


def grade_outlet(
    *, outlet: Outlet, user: Any, reliability: Reliability | str, reason: str, expected_version: int | None
) -> Outlet:
    reason = required_reason(reason, GRADE_NEEDS_REASON)
    return _edited(
        outlet,
        user=user,
        expected_version=expected_version,
        changes={"reliability": reliability, "reliability_reason": reason},
        reason=f"reliability graded {reliability}: {reason}",
        grade_reason=reason,
    )


def grade_history(outlet: Outlet, *, limit: int = 20) -> list[Any]:
    """The outlet's grades, newest first (not its other edits)."""
    return gradings(outlet)[::-1][:limit]


@unit_of_work()
def delete_outlet(*, outlet: Outlet, user: Any, reason: str, expected_version: int | None = None) -> None:
    delete_object(outlet, user=user, reason=reason, expected_version=expected_version)
