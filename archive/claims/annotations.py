"""Annotations: notes, questions, tags on one or more passages."""

from collections import Counter
from collections.abc import Sequence
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Model

from archive.claims.editing import (
    EDITABLE_FIELDS,
    IDENTITY_FIELDS,
    canonical_kept_once,
    edit_item,
    refuse_reply_motivation,
    refuse_taken_canonical,
)
from archive.claims.tags import clean_tags
from archive.core.attribution import recorded_as
from archive.core.db import set_prefetched
from archive.core.editing import AlreadyExists, delete_object
from archive.core.history import history_paused
from archive.core.unit_of_work import unit_of_work
from archive.models import Annotation, Motivation, Passage, Source
from archive.passages.selectors import TextSelector
from archive.passages.writes import delete_unused_passages, passage_at

REPEATED_CANONICAL = "Two annotations of one batch cannot have the same canonical IRI."


class ItemRefused(ValidationError):
    """One item of create_annotations() refused: its errors, and `index`, its position in
    the items as sent, so that a caller can name the item the errors are about."""

    def __init__(self, error: ValidationError, index: int):
        super().__init__(error)
        self.index = index


def default_motivation(body: str) -> Motivation:
    """What an annotation whose client names no motivation is: a note if it has text, else a highlight."""
    return Motivation.COMMENTING if body.strip() else Motivation.HIGHLIGHTING


def create_annotation(
    *,
    passages: list[Passage],
    user: Any,
    body: str,
    motivation: Motivation | str | None = None,
    tags: list[str] | None = None,
    canonical: str = "",
    via: str = "",
) -> Annotation:
    """One annotation; `canonical` and `via` are a W3C client's identities (see IDENTITY_FIELDS).
    Without a motivation, default_motivation(body)."""
    items = [{"passages": passages, "body": body, "motivation": motivation, "tags": tags}]
    if canonical or via:
        items[0] |= {"canonical": canonical, "via": via}
    return create_annotations(user=user, items=items)[0]


@unit_of_work()
def create_annotations(*, user: Any, items: Sequence[dict[str, Any]]) -> list[Annotation]:
    """Annotations, all or none: `items` are create_annotation()'s arguments but
    the user. Written in bulk, with one history row each (with its passages),
    so a batch costs a handful of queries whatever its size."""
    annotations = []
    for index, item in enumerate(items):
        try:
            annotations.append(_new_annotation(user=user, **item))
        except AlreadyExists:
            raise  # a conflict with what is there (409), whichever item it is
        except ValidationError as error:
            raise ItemRefused(error, index) from error
    claimed = [(each.workspace_id, each.canonical) for each in annotations if each.canonical]
    repeated = next((pair for pair, count in Counter(claimed).items() if count > 1), None)
    if repeated is not None:
        raise ValidationError({"canonical": f"{REPEATED_CANONICAL} It is {repeated[1]}."})
    through = Annotation.passages.through
    links = [
        through(annotation=annotation, passage=passage)
        for annotation, item in zip(annotations, items, strict=True)
        for passage in dict.fromkeys(item["passages"])
    ]
    with recorded_as(user=user):
        with canonical_kept_once((each, each.canonical) for each in annotations):
            Annotation.objects.bulk_create(annotations)
        through.objects.bulk_create(links)
        # The index and the ledger take each annotation's sources from its passages.
        for annotation, item in zip(annotations, items, strict=True):
            set_prefetched(annotation, "passages", list(dict.fromkeys(item["passages"])))
        Annotation.history.bulk_history_create(annotations, m2m={"passages": links})
    return annotations


def _new_annotation(
    *,
    user: Any,
    passages: list[Passage],
    body: str,
    motivation: str | None = None,
    tags: list[str] | None = None,
    canonical: str = "",
    via: str = "",
) -> Annotation:
    _check_passages(passages, passages[0].workspace_id if passages else None)
    refuse_reply_motivation(Annotation, motivation)
    workspace = passages[0].workspace
    refuse_taken_canonical(workspace_id=workspace.pk, canonical=canonical)
    annotation = Annotation(
        workspace=workspace,
        body=body,
        motivation=motivation or default_motivation(body),
        tags=clean_tags(tags),
        author=user,
        canonical=canonical,
        via=via,
    )
    # The workspace and author are rows the caller holds, and the check constraints
    # repeat the choices' validation: skip the queries that would confirm them.
    annotation.full_clean(exclude=["workspace", "author"], validate_constraints=False)
    return annotation


def _check_passages(passages: list[Passage], workspace_id: int | None) -> None:
    if not passages:
        raise ValidationError({"passages": "An annotation needs at least one passage."})
    if any(passage.workspace_id != workspace_id for passage in passages):
        raise ValidationError({"passages": "A passage belongs to another workspace."})


@unit_of_work()
def annotate_selection(
    *,
    source: Source,
    user: Any,
    selector: TextSelector,
    body: str,
    motivation: Motivation | str | None = None,
    tags: list[str] | None = None,
) -> Annotation:
    """Highlight a selection and annotate it, all or nothing."""
    passage = passage_at(source=source, user=user, selector=selector)
    return create_annotation(passages=[passage], user=user, body=body, motivation=motivation, tags=tags)


@unit_of_work()
def edit_annotation(
    annotation: Annotation,
    *,
    user: Any,
    expected_version: int | None,
    changes: dict[str, Any],
    passages: list[Passage] | None = None,
    reason: str = "",
    identities: dict[str, str] | None = None,
) -> Annotation:
    """Edit an annotation's fields and, when given, the passages it is on and its
    W3C identities (`canonical`, `via`: see IDENTITY_FIELDS).

    Unlike evidence, an annotation may move to other passages (of its workspace):
    it is a note on the text, and what it says is the same wherever it is put."""
    if passages is not None:
        _check_passages(passages, annotation.workspace_id)
    moves = passages is not None and {p.pk for p in passages} != set(
        annotation.passages.values_list("pk", flat=True)
    )

    def move(current: Model) -> None:
        # Set with history paused: the save after records the move as one version on
        # its new passages, not three rows (one of them on no passage at all).
        with history_paused(current):
            cast(Annotation, current).passages.set(passages or [])

    return edit_item(
        annotation,
        user=user,
        expected_version=expected_version,
        changes={**changes, **(identities or {})},
        reason=reason,
        editable=EDITABLE_FIELDS[Annotation] | (IDENTITY_FIELDS if identities else frozenset()),
        linked_changed=moves,
        link=move if moves else None,
    )


@unit_of_work()
def delete_annotation(
    *, annotation: Annotation, user: Any, reason: str, expected_version: int | None = None
) -> list[int]:
    """Delete an annotation, and its passages if nothing else uses them.

    History keeps both. Returns the ids of the passages deleted.
    """
    passage_ids = list(annotation.passages.values_list("pk", flat=True))
    delete_object(annotation, user=user, reason=reason, expected_version=expected_version)
    return delete_unused_passages(passage_ids, user=user, reason=reason)
