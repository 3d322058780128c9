"""Claims, evidence and annotations: the claim-evidence map.

Every function is keyword-only and transactional. Creating from a selection
makes (or reuses) the passage and the annotation or evidence in one
transaction; edits go through archive.services.editing, so a stale edit is
refused (StaleVersion) instead of overwriting someone else's.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError

from archive.anchoring import TextSelector
from archive.grading import Credibility
from archive.history import recorded_as
from archive.models import (
    AnchorStatus,
    Annotation,
    Claim,
    Evidence,
    Motivation,
    Passage,
    Source,
    Stance,
    Workspace,
)
from archive.search import index_later
from archive.services.editing import StaleVersion, delete_object, update_object
from archive.services.passages import create_passage
from archive.unit_of_work import unit_of_work

# What an edit may change, per model; everything else is fixed once created.
EDITABLE_FIELDS: dict[type, frozenset[str]] = {
    Annotation: frozenset({"body", "motivation", "tags"}),
    Evidence: frozenset({"stance", "note"}),
    Claim: frozenset({"statement", "credibility", "credibility_reason", "status", "tags"}),
}


def clean_tags(tags: object) -> list[str]:
    """Tags as given, stripped, without blanks or repeats, in their order."""
    if tags is None:
        return []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ValidationError({"tags": "Tags must be a list of words or phrases."})
    return list(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))


@unit_of_work()
def create_claim(
    *,
    workspace: Workspace,
    user,
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


@unit_of_work()
def add_evidence(*, claim: Claim, passage: Passage, user, stance: Stance | str, note: str = "") -> Evidence:
    if Evidence.objects.filter(claim=claim, passage=passage).exists():
        raise ValidationError("This passage is already evidence for that claim.", code="duplicate")
    evidence = Evidence(
        claim=claim, workspace=claim.workspace, passage=passage, stance=stance, note=note, created_by=user
    )
    evidence.full_clean()
    with recorded_as(user=user):
        evidence.save()
    return evidence


def create_annotation(
    *,
    passages: list[Passage],
    user,
    body: str,
    motivation: Motivation | str = Motivation.COMMENTING,
    tags: list[str] | None = None,
) -> Annotation:
    items = [{"passages": passages, "body": body, "motivation": motivation, "tags": tags}]
    return create_annotations(user=user, items=items)[0]


@unit_of_work()
def create_annotations(*, user, items: Sequence[dict]) -> list[Annotation]:
    """Annotations, all or none: `items` are create_annotation()'s arguments but
    the user. Written in bulk, with one history row each (with its passages),
    so a batch costs a handful of queries whatever its size."""
    annotations = [_new_annotation(user=user, **item) for item in items]
    through = Annotation.passages.through
    links = [
        through(annotation=annotation, passage=passage)
        for annotation, item in zip(annotations, items, strict=True)
        for passage in dict.fromkeys(item["passages"])
    ]
    with recorded_as(user=user):
        Annotation.objects.bulk_create(annotations)
        through.objects.bulk_create(links)
        Annotation.history.bulk_history_create(annotations, m2m={"passages": links})
    index_later(objects=annotations)  # bulk_create sends no signals
    return annotations


def _new_annotation(
    *, user, passages: list[Passage], body: str, motivation: str = Motivation.COMMENTING, tags=None
) -> Annotation:
    if not passages:
        raise ValidationError({"passages": "An annotation needs at least one passage."})
    workspace = passages[0].workspace
    if any(passage.workspace_id != workspace.pk for passage in passages):
        raise ValidationError({"passages": "A passage belongs to another workspace."})
    annotation = Annotation(
        workspace=workspace, body=body, motivation=motivation, tags=clean_tags(tags), author=user
    )
    # The workspace and author are rows the caller holds, and the check constraints
    # repeat the choices' validation: skip the queries that would confirm them.
    annotation.full_clean(exclude=["workspace", "author"], validate_constraints=False)
    return annotation


@unit_of_work()
def passage_for_selector(*, source: Source, user, selector: TextSelector) -> Passage:
    """The source's anchored passage at exactly this selection, or a new one.

    Reusing it keeps one passage per span, so a span that is both annotated
    and cited as evidence is one highlight with two meanings.
    """
    existing = (
        Passage.objects.filter(source=source, start=selector.start, end=selector.end, exact=selector.exact)
        .exclude(anchor_status=AnchorStatus.ORPHANED)
        .first()
    )
    if existing is not None:
        return existing
    return create_passage(
        source=source, user=user, start=selector.start, end=selector.end, exact=selector.exact
    )


@unit_of_work()
def annotate_selection(
    *,
    source: Source,
    user,
    selector: TextSelector,
    body: str,
    motivation: Motivation | str = Motivation.COMMENTING,
    tags: list[str] | None = None,
) -> Annotation:
    """Highlight a selection and annotate it, all or nothing."""
    passage = passage_for_selector(source=source, user=user, selector=selector)
    return create_annotation(passages=[passage], user=user, body=body, motivation=motivation, tags=tags)


@unit_of_work()
def link_selection_as_evidence(
    *,
    source: Source,
    user,
    selector: TextSelector,
    stance: Stance | str,
    note: str = "",
    claim: Claim | None = None,
    new_claim_statement: str = "",
) -> Evidence:
    """Highlight a selection and make it evidence for an existing claim of the
    source's workspace or for a new one, all or nothing."""
    if (claim is None) == (not new_claim_statement.strip()):
        raise ValidationError("Choose an existing claim or write a new one (not both).", code="claim")
    if claim is not None and claim.workspace_id != source.workspace_id:
        raise ValidationError("That claim belongs to another workspace.", code="claim")
    passage = passage_for_selector(source=source, user=user, selector=selector)
    if claim is None:
        claim = create_claim(workspace=source.workspace, user=user, statement=new_claim_statement)
    return add_evidence(claim=claim, passage=passage, user=user, stance=stance, note=note)


def edit(
    obj: Annotation | Evidence | Claim, *, user, expected_version: int | None, changes: dict, reason: str = ""
):
    """Change the editable fields of an annotation, evidence or claim.

    Raises ValidationError for a field that cannot be changed or a bad value,
    and StaleVersion when someone else saved since `expected_version`.
    """
    allowed = EDITABLE_FIELDS[type(obj)]
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(unknown)}.", code="fields")
    if "tags" in changes:
        changes = {**changes, "tags": clean_tags(changes["tags"])}
    if "statement" in changes and not str(changes["statement"]).strip():
        raise ValidationError({"statement": "A claim needs a statement."})
    return update_object(obj, user=user, expected_version=expected_version, changes=changes, reason=reason)


def _lock_at_version(obj, expected_version: int | None) -> None:
    """Lock `obj`'s row; refuse if someone saved it since `expected_version`."""
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(current)


def _delete_unused_passages(passage_ids: list[int], *, user, reason: str) -> list[int]:
    """Delete the passages that no longer serve any annotation or evidence."""
    unused = Passage.objects.filter(pk__in=passage_ids, annotations=None, evidence=None)
    deleted = []
    for passage in unused:
        deleted.append(passage.pk)
        delete_object(passage, user=user, reason=reason)
    return deleted


@unit_of_work()
def delete_annotation(
    *, annotation: Annotation, user, reason: str, expected_version: int | None = None
) -> list[int]:
    """Delete an annotation, and its passages if nothing else uses them.

    History keeps both. Returns the ids of the passages deleted.
    """
    _lock_at_version(annotation, expected_version)
    passage_ids = list(annotation.passages.values_list("pk", flat=True))
    delete_object(annotation, user=user, reason=reason)
    return _delete_unused_passages(passage_ids, user=user, reason=reason)


@unit_of_work()
def delete_evidence(
    *, evidence: Evidence, user, reason: str, expected_version: int | None = None
) -> list[int]:
    """Delete a piece of evidence, and its passage if nothing else uses it.

    The claim stays. History keeps both. Returns the ids of the passages deleted.
    """
    _lock_at_version(evidence, expected_version)
    passage_id = evidence.passage_id
    delete_object(evidence, user=user, reason=reason)
    return _delete_unused_passages([passage_id], user=user, reason=reason)
