"""Claims: statements under examination, graded for credibility."""

from typing import Any

from django.core.exceptions import ValidationError

from archive.claims.editing import edit_item
from archive.claims.tags import clean_tags
from archive.core.attribution import recorded_as
from archive.core.editing import delete_object
from archive.core.unit_of_work import unit_of_work
from archive.models import Claim, Workspace
from archive.models.grading import Credibility


@unit_of_work()
def create_claim(
    *,
    workspace: Workspace,
    user: Any,
    statement: str,
    credibility: int = Credibility.CANNOT_BE_JUDGED,
    tags: list[str] | None = None,
    reason: str = "",
) -> Claim:
    if not isinstance(statement, str) or not statement.strip():
        raise ValidationError({"statement": "A claim needs a statement."})
    claim = Claim(
        workspace=workspace,
        statement=statement.strip(),
        credibility=credibility,
        tags=clean_tags(tags),
        created_by=user,
    )
    claim.full_clean()
    with recorded_as(user=user, reason=reason):
        claim.save()
    return claim


def edit_claim(
    claim: Claim, *, user: Any, expected_version: int | None, changes: dict[str, Any], reason: str = ""
) -> Claim:
    """Change a claim's statement, credibility (with a reason), status or tags."""
    return edit_item(claim, user=user, expected_version=expected_version, changes=changes, reason=reason)


@unit_of_work()
def delete_claim(*, claim: Claim, user: Any, reason: str, expected_version: int | None = None) -> None:
    """Delete a claim with its evidence; history keeps both."""
    delete_object(claim, user=user, reason=reason, expected_version=expected_version)
