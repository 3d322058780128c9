"""Claims: statements under examination, graded for credibility."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from archive.claims.editing import edit_item
from archive.claims.tags import clean_tags
from archive.core.attribution import recorded_as
from archive.core.editing import create_object, delete_object, required_reason, update_object
from archive.core.unit_of_work import unit_of_work
from archive.models import Claim, HistoryAction, Workspace
from archive.models.grading import Credibility
from archive.passages.writes import delete_unused_passages
from archive.permissions import Action, can, role_in


@unit_of_work()
def create_claim(
    *,
    workspace: Workspace,
    user: Any,
    statement: str,
    credibility: int = Credibility.CANNOT_BE_JUDGED,
    credibility_reason: str = "",
    tags: list[str] | None = None,
    reason: str = "",
) -> Claim:
    """A claim; a credibility grade given without its own `credibility_reason` keeps
    `reason` as one (archive.core.editing), as a later change of grade does."""
    if not isinstance(statement, str) or not statement.strip():
        raise ValidationError({"statement": "A claim needs a statement."})
    claim = Claim(
        workspace=workspace,
        statement=statement.strip(),
        credibility=credibility,
        credibility_reason=credibility_reason,
        tags=clean_tags(tags),
        created_by=user,
    )
    return create_object(claim, user=user, reason=reason)


def edit_claim(
    claim: Claim, *, user: Any, expected_version: int | None, changes: dict[str, Any], reason: str = ""
) -> Claim:
    """Change a claim's statement, credibility (with a reason, which becomes its
    credibility_reason unless a new one is given with it), status or tags."""
    return edit_item(claim, user=user, expected_version=expected_version, changes=changes, reason=reason)


@unit_of_work()
def set_credibility(
    claim: Claim, *, user: Any, credibility: int, reason: str, expected_version: int | None = None
) -> Claim:
    """A reviewer's (or admin's) grade of a claim's credibility, with the reason, recorded.

    Grading is a reviewer's judgment, not an edit of the analyst's work: the
    claim's review status stays as it is, and only credibility and its reason change.
    """
    if not can(role_in(user, claim.workspace), Action.REVIEW):
        raise PermissionDenied("Only reviewers and admins grade a claim's credibility.")
    reason = required_reason(reason, "Say why you grade it so: the reason is kept in the history.")
    try:
        grade = Credibility(int(credibility))
    except (TypeError, ValueError) as error:
        raise ValidationError({"credibility": "Choose a credibility grade from 1 to 6."}) from error
    with recorded_as(user=user, reason=reason, action=HistoryAction.GRADED):
        return update_object(
            claim,
            user=user,
            expected_version=expected_version,
            changes={"credibility": grade, "credibility_reason": reason},
            editable={"credibility", "credibility_reason"},
            reason=reason,
        )


@unit_of_work()
def delete_claim(*, claim: Claim, user: Any, reason: str, expected_version: int | None = None) -> None:
    """Delete a claim with its evidence, and the passages that served only that evidence
    (as deleting the evidence alone would); history keeps them all, and restoring the
    claim brings them back."""
    passage_ids = list(claim.evidence.values_list("passage_id", flat=True))
    delete_object(claim, user=user, reason=reason, expected_version=expected_version)
    delete_unused_passages(passage_ids, user=user, reason=reason)
