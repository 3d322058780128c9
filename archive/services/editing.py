"""Editing with optimistic concurrency: a stale edit is refused, not merged.

Every edit goes through `update_object`, so the rules every edit obeys live
here: review status changes only through the review workflow, an approved
item edited goes back to review, and a grade changes only with a reason.
"""

from django.core.exceptions import ValidationError
from django.db.models import Model

from archive.history import recorded_as
from archive.models import Claim, Outlet, ReviewStatus
from archive.unit_of_work import unit_of_work

# The grade of each graded model: changing it needs a reason, which the history row keeps.
GRADE_FIELDS: dict[type[Model], str] = {Claim: "credibility", Outlet: "reliability"}


def required_reason(reason: str | None, message: str) -> str:
    """`reason` without surrounding blanks; a ValidationError on `reason` if there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    return reason


def check_grade_reason(obj: Model, changes: dict, reason: str | None) -> None:
    """Refuse `changes` that change `obj`'s grade (credibility, reliability) without a reason."""
    grade = GRADE_FIELDS.get(type(obj))
    if grade is None or grade not in changes:
        return
    if obj._meta.get_field(grade).to_python(changes[grade]) != getattr(obj, grade):
        required_reason(reason, f"Say why you change the {grade} grade: the reason is kept in the history.")


class StaleVersion(Exception):
    """Someone else saved the object since the editor loaded it."""

    def __init__(self, current: Model):
        super().__init__(
            f"{current._meta.verbose_name} was changed by someone else (now version {current.version})."
        )
        self.current = current


@unit_of_work()
def update_object(
    obj: Model, *, user, expected_version: int | None, changes: dict, reason: str = ""
) -> Model:
    """Apply `changes` to `obj` if it is still at `expected_version`.

    The row is locked while it is compared and saved, so of two concurrent
    edits from the same version exactly one succeeds. Editing an approved
    item sends it back to review (see archive.services.review).
    """
    if "review_status" in changes:
        raise ValidationError(
            {"review_status": "Review status changes only by submitting, approving or rejecting."}
        )
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(current)
    check_grade_reason(current, changes, reason)
    before = {field: getattr(current, field) for field in changes}
    for field, value in changes.items():
        setattr(current, field, value)
    current.full_clean()
    if getattr(current, "review_status", None) == ReviewStatus.APPROVED and any(
        getattr(current, field) != value for field, value in before.items()
    ):
        current.review_status = ReviewStatus.SUBMITTED
    with recorded_as(user=user, reason=reason):
        current.save()
    return current


DELETE_REASON_REQUIRED = "Say why it is deleted: the reason is kept in the history."


@unit_of_work()
def delete_object(obj: Model, *, user, reason: str) -> None:
    """Delete, keeping the last state in history with who and why (a reason is required)."""
    reason = required_reason(reason, DELETE_REASON_REQUIRED)
    with recorded_as(user=user, reason=reason):
        obj.delete()
