"""What an edit of an annotation, evidence or claim may change, and the rules
every such edit obeys, whichever way it comes in (browser, API, W3C, admin).

- Only the fields in EDITABLE_FIELDS change; anything else is refused by name.
- Tags are cleaned by the one rule (archive.claims.tags).
- A W3C canonical IRI, once set, never changes (IDENTITY_FIELDS).
- Review status never changes through an edit, only through the review
  workflow (archive.audit.review); editing an approved item sends it back to
  submitted, so "approved" always means a reviewer approved exactly this content.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model

from archive.claims.tags import clean_tags
from archive.core.editing import update_object
from archive.models import Annotation, Claim, Evidence, Motivation, ReviewStatus

Reviewable = TypeVar("Reviewable", Annotation, Evidence, Claim)

# What an edit may change, per model; everything else is fixed once created.
EDITABLE_FIELDS: dict[type[Model], frozenset[str]] = {
    Annotation: frozenset({"body", "motivation", "tags"}),
    Evidence: frozenset({"stance", "note"}),
    Claim: frozenset({"statement", "credibility", "credibility_reason", "status", "tags"}),
}
# W3C identities (https://www.w3.org/TR/annotation-model/#other-identities), set only by
# the W3C protocol: `canonical`, once set, is kept unchanged; `via` is where a copy came from.
IDENTITY_FIELDS = frozenset({"canonical", "via"})
CANONICAL_MESSAGE = "The canonical IRI is kept unchanged once set."
REVIEW_STATUS_MESSAGE = "Review status changes only by submitting, approving or rejecting."
# A reply is a Reply in the item's discussion (archive.claims.discussion), which the W3C
# container shows as an annotation "replying" to it: never an annotation of its own.
REPLY_MOTIVATION_MESSAGE = (
    'An annotation cannot be "replying": reply in the discussion of the note or claim '
    "instead (the W3C container shows those replies), or choose another motivation."
)


def refuse_reply_motivation(model: type[Model], motivation: object) -> None:
    """ValidationError naming `motivation` if it makes an annotation a reply."""
    if model is Annotation and motivation == Motivation.REPLYING:
        raise ValidationError({"motivation": REPLY_MOTIVATION_MESSAGE})


def reopen_review(obj: Model, before: dict[str, Any]) -> None:
    """An approved item whose content changed goes back to the reviewers."""
    if getattr(obj, "review_status", None) == ReviewStatus.APPROVED and any(
        getattr(obj, field) != value for field, value in before.items()
    ):
        obj.review_status = ReviewStatus.SUBMITTED  # type: ignore[attr-defined]


def clean_changes(model: type[Model], changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`changes` checked against what the model's edits may change, tags cleaned: those that
    pass, and the errors, by field, of those left out (all of them, to be reported at once)."""
    cleaned = dict(changes)
    errors: dict[str, Any] = {}
    if "review_status" in changes:
        errors["review_status"] = REVIEW_STATUS_MESSAGE
        del cleaned["review_status"]
    if "tags" in changes:
        try:
            cleaned["tags"] = clean_tags(changes["tags"])
        except ValidationError as error:
            errors.update(error.message_dict)
            del cleaned["tags"]
    if "motivation" in changes:
        try:
            refuse_reply_motivation(model, changes["motivation"])
        except ValidationError as error:
            errors.update(error.message_dict)
            del cleaned["motivation"]
    if "statement" in changes and not str(changes["statement"]).strip():
        errors["statement"] = "A claim needs a statement."
        del cleaned["statement"]
    return cleaned, errors


def edit_item(
    obj: Reviewable,
    *,
    user: Any,
    expected_version: int | None,
    changes: dict[str, Any],
    reason: str = "",
    editable: frozenset[str] | None = None,
    linked_changed: bool = False,
    link: Callable[[Model], None] | None = None,
) -> Reviewable:
    """Change an annotation's, evidence's or claim's editable fields (or `editable`).

    `link` changes what `linked_changed` says changes (an annotation's passages) on
    the locked row, just before it is saved: the save's one history row holds it.

    Raises ValidationError naming every field that cannot be changed or has a
    bad value, and StaleVersion when someone else saved since `expected_version`.
    """
    cleaned, errors = clean_changes(type(obj), changes)
    current = getattr(obj, "canonical", "")
    if "canonical" in changes and current and changes["canonical"] != current:
        errors["canonical"] = f"{CANONICAL_MESSAGE} It is {current}."
        del cleaned["canonical"]
    return update_object(
        obj,
        user=user,
        expected_version=expected_version,
        changes=cleaned,
        editable=EDITABLE_FIELDS[type(obj)] if editable is None else editable,
        reason=reason,
        before_save=reopen_review if link is None else _then_link(link),
        refused=ValidationError(errors) if errors else None,
        linked_changed=linked_changed,
    )


def _then_link(link: Callable[[Model], None]) -> Callable[[Model, dict[str, Any]], None]:
    def before_save(obj: Model, before: dict[str, Any]) -> None:
        reopen_review(obj, before)
        link(obj)

    return before_save
