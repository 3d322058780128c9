"""What an edit of an annotation, evidence or claim may change, and the rules
every such edit obeys, whichever way it comes in (browser, API, W3C, admin).

- Only the fields in EDITABLE_FIELDS change; anything else is refused by name.
- Tags are cleaned by the one rule (archive.claims.tags).
- A W3C canonical IRI, once set, never changes (IDENTITY_FIELDS), and names one
  annotation or piece of evidence in a workspace (refuse_taken_canonical), on a
  create as on an edit that sets it.
- Review status never changes through an edit, only through the review
  workflow (archive.audit.review); editing an approved item sends it back to
  submitted, so "approved" always means a reviewer approved exactly this content.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from archive.claims.tags import clean_tags
from archive.core.editing import AlreadyExists, update_object
from archive.models import Annotation, Claim, Evidence, Motivation, ReviewStatus
from archive.models.annotation import ANNOTATION_CANONICAL_TAKEN
from archive.models.claim import EVIDENCE_CANONICAL_TAKEN

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
CANONICAL_TAKEN: dict[type[Annotation] | type[Evidence], str] = {
    Annotation: ANNOTATION_CANONICAL_TAKEN,
    Evidence: EVIDENCE_CANONICAL_TAKEN,
}
REVIEW_STATUS_MESSAGE = "Review status changes only by submitting, approving or rejecting."
# A reply is a Reply in the item's discussion (archive.claims.discussion), which the W3C
# container shows as an annotation "replying" to it: never an annotation of its own.
REPLY_MOTIVATION_MESSAGE = (
    'An annotation cannot be "replying": reply in the discussion of the note or claim '
    "instead (the W3C container shows those replies), or choose another motivation."
)


# What an annotation may be: any motivation but a reply's (refuse_reply_motivation).
ANNOTATION_MOTIVATIONS = tuple(motivation for motivation in Motivation if motivation != Motivation.REPLYING)


def refuse_reply_motivation(model: type[Model], motivation: object) -> None:
    """ValidationError naming `motivation` if it makes an annotation a reply."""
    if model is Annotation and motivation == Motivation.REPLYING:
        raise ValidationError({"motivation": REPLY_MOTIVATION_MESSAGE})


def refuse_taken_canonical(*, workspace_id: int, canonical: str, exclude: Model | None = None) -> None:
    """AlreadyExists naming the annotation or evidence of the workspace (the first, but
    `exclude`) whose canonical IRI is `canonical`. The IRI names one annotation
    (https://www.w3.org/TR/annotation-model/#other-identities), and the protocol's
    containers show evidence as annotations too: one of either kind holds it."""
    if not canonical:
        return
    for model, message in CANONICAL_TAKEN.items():
        # "not blank" lets the database use the partial unique index (canonical <> '').
        found = model.objects.filter(workspace_id=workspace_id, canonical=canonical).exclude(canonical="")
        if isinstance(exclude, model):
            found = found.exclude(pk=exclude.pk)
        existing = found.order_by("pk").first()
        if existing is not None:
            raise AlreadyExists(message, existing=existing)


@contextmanager
def canonical_kept_once(claimed: Iterable[tuple[Model, str]]) -> Iterator[None]:
    """Around the write that gives canonical IRIs, `claimed` as (the annotation or
    evidence written, the IRI it takes, or ""): when another write took one of those
    IRIs after refuse_taken_canonical looked, AlreadyExists naming it, as if it had
    been there before.

    Within a table the database's unique constraint sees the other write. Across the
    two tables nothing does, so on PostgreSQL each IRI is then locked until the
    transaction ends and looked for again: of two writes at once, the later waits for
    the earlier and sees it. (SQLite runs one writer at a time.)"""
    wanted = [(item, canonical) for item, canonical in claimed if canonical]
    if not wanted:
        yield
        return
    try:
        with transaction.atomic():  # a savepoint: the transaction can still look the winner up
            yield
            if connection.vendor == "postgresql":
                _lock_canonicals(wanted)
                _refuse_taken(wanted)
    except IntegrityError:
        _refuse_taken(wanted)
        raise


_LOCK_CANONICAL = "SELECT pg_advisory_xact_lock(hashtextextended(%s, %s))"


def _lock_canonicals(wanted: list[tuple[Model, str]]) -> None:
    # In one order for every writer, so that two cannot wait for each other.
    keys = sorted({(cast(Any, item).workspace_id, canonical) for item, canonical in wanted})
    with connection.cursor() as cursor:
        for workspace_id, canonical in keys:
            cursor.execute(_LOCK_CANONICAL, [canonical, workspace_id])


def _refuse_taken(wanted: list[tuple[Model, str]]) -> None:
    for item, canonical in wanted:
        refuse_taken_canonical(workspace_id=cast(Any, item).workspace_id, canonical=canonical, exclude=item)


REOPENED = "It was approved: it goes back to the reviewers."


def said_reopened(was: str, item: Model) -> str:
    """What an edit says of `item`, approved (`was`) before it and sent back to the
    reviewers by it (reopen_review): REOPENED; "" for any other edit."""
    reopened = was == ReviewStatus.APPROVED and getattr(item, "review_status", None) == ReviewStatus.SUBMITTED
    return REOPENED if reopened else ""


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
    bad value, StaleVersion when someone else saved since `expected_version`, and
    AlreadyExists when it sets a canonical IRI another item of the workspace has.
    """
    editable = EDITABLE_FIELDS[type(obj)] if editable is None else editable
    cleaned, errors = clean_changes(type(obj), changes)
    current = getattr(obj, "canonical", "")
    if "canonical" in changes and current and changes["canonical"] != current:
        errors["canonical"] = f"{CANONICAL_MESSAGE} It is {current}."
        del cleaned["canonical"]
    # A canonical IRI set where there was none must be free, as on a create; refused
    # before the edit's own checks, since the conflict is with the other item.
    setting = cleaned.get("canonical") if "canonical" in editable and not current else ""
    setting = setting if isinstance(setting, str) else ""  # not text: refused by name below
    refuse_taken_canonical(workspace_id=obj.workspace_id, canonical=setting, exclude=obj)
    with canonical_kept_once([(obj, setting)]):
        return update_object(
            obj,
            user=user,
            expected_version=expected_version,
            changes=cleaned,
            editable=editable,
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
