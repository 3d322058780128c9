"""Outlets (who publishes sources) and their Admiralty reliability grade (A-F).

A grade always comes with its reason: it is stored with the grade and is the
reason of the history row, so the history says who graded what, when and why.
"""

from typing import Any

from archive.core.editing import create_object, delete_object, required_reason, update_object
from archive.core.unit_of_work import unit_of_work
from archive.models import Outlet, Workspace
from archive.models.grading import Reliability


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


def edit_outlet(
    outlet: Outlet, *, user: Any, expected_version: int | None, changes: dict[str, Any], reason: str = ""
) -> Outlet:
    """Change an outlet's details; a new grade needs a reason."""
    return update_object(
        outlet,
        user=user,
        expected_version=expected_version,
        changes=changes,
        editable=EDITABLE_FIELDS,
        reason=reason,
    )


def grade_outlet(
    *, outlet: Outlet, user: Any, reliability: Reliability | str, reason: str, expected_version: int | None
) -> Outlet:
    reason = required_reason(reason, "Say why you give this grade.")
    return edit_outlet(
        outlet,
        user=user,
        expected_version=expected_version,
        changes={"reliability": reliability, "reliability_reason": reason},
        reason=f"reliability graded {reliability}: {reason}",
    )


@unit_of_work()
def delete_outlet(*, outlet: Outlet, user: Any, reason: str, expected_version: int | None = None) -> None:
    delete_object(outlet, user=user, reason=reason, expected_version=expected_version)
