"""JSON endpoints behind the reading page: highlight a selection and annotate
it or cite it as evidence; edit and delete annotations and evidence.

Each answers with the new state of what changed: the passage (its id, offsets
and colour, or that it is gone) and the sidebar item as rendered HTML, so the
page updates without a reload and looks exactly as it would after one.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import require_http_methods, require_POST

from archive.api.errors import Conflict
from archive.claims import (
    annotate_selection,
    cite_selection,
    delete_annotation,
    delete_evidence,
    edit_annotation,
    edit_evidence,
    said_reopened,
)
from archive.core.editing import StaleVersion
from archive.models import Annotation, Claim, Evidence, Passage, Source
from archive.passages.selectors import selector_from_target
from archive.permissions import (
    Action,
    WorkspaceRequest,
    can_change,
    get_in_workspace_or_404,
    not_in_workspace,
    refused_change,
    workspace_view,
)
from archive.reading.items import ItemLinks, render_item
from archive.reading.page import (
    ReadingItem,
    annotation_item,
    evidence_item,
    passage_role,
    with_discussions,
    with_review_comments,
)
from archive.views.gone import missing
from archive.views.json_endpoints import (
    conflict_response,
    id_value,
    json_endpoint,
    read_json,
    text_value,
    version_value,
)


def _passage_state(passage: Passage) -> dict:
    return {"id": passage.pk, "start": passage.start, "end": passage.end, "role": passage_role(passage)}


def _item_state(request: WorkspaceRequest, item: ReadingItem) -> dict:
    # The endpoints build items from model instances (the page, from rows).
    passage = item.passage if isinstance(item.passage, Passage) else Passage.objects.get(pk=item.passage.pk)
    links = ItemLinks(request.workspace.slug, csrf_token=get_token(request), language=passage.source.language)
    html = render_item(item, links)
    return {"passage": _passage_state(passage), "item": {"id": item.dom_id, "html": html}}


def annotation_state(request: WorkspaceRequest, annotation: Annotation) -> dict:
    passage = annotation.passages.order_by("start", "end", "pk").first()
    if passage is None:  # an annotation always has a passage (archive.claims.annotations)
        raise ValueError(f"annotation {annotation.pk} has no passage")
    item = annotation_item(annotation, passage, user=request.user, user_role=request.role)
    with_discussions([item], user=request.user, user_role=request.role)
    return _item_state(request, with_review_comments([item], workspace=request.workspace)[0])


def evidence_state(request: WorkspaceRequest, evidence: Evidence) -> dict:
    passage = evidence.passage
    item = evidence_item(
        evidence,
        passage,
        source=passage.source,
        user=request.user,
        user_role=request.role,
    )
    return _item_state(request, with_review_comments([item], workspace=request.workspace)[0])


def _deleted_response(passage_ids: list[int], deleted_ids: list[int]) -> JsonResponse:
    remaining = Passage.objects.filter(pk__in=passage_ids).exclude(pk__in=deleted_ids)
    return JsonResponse(
        {"deleted_passages": deleted_ids, "passages": [_passage_state(passage) for passage in remaining]}
    )


TEXT_CHANGED = "The source's text changed since you opened this page: reload it to annotate the new text."


def _source(request: WorkspaceRequest, source_id: int, payload: dict) -> Source:
    """The source, if its text is still the one the page showed (`text_sha256`, which the
    page sends): a selection in a text since corrected is refused as such, not as a quote
    that does not match."""
    source = get_in_workspace_or_404(Source.objects.select_related("outlet"), request.workspace, pk=source_id)
    shown = text_value(payload, "text_sha256")
    if shown and shown != source.text_sha256:
        raise Conflict(TEXT_CHANGED)
    return source


def _changeable(request: WorkspaceRequest, queryset, object_id: int):
    obj = queryset.filter(workspace=request.workspace, pk=object_id).first()
    if obj is None:
        raise missing(request, queryset.model, object_id)
    if not can_change(request.role, request.user, obj):
        raise PermissionDenied(refused_change(request.role))
    return obj


@workspace_view(Action.CONTRIBUTE)
@require_POST
@json_endpoint
def annotation_create(request: WorkspaceRequest, source_id: int) -> JsonResponse:
    payload = read_json(request, allowed={"target", "text_sha256", "body", "motivation", "tags"})
    source = _source(request, source_id, payload)
    annotation = annotate_selection(
        source=source,
        user=request.user,
        selector=selector_from_target(source.text, payload.get("target")),
        body=text_value(payload, "body"),
        motivation=text_value(payload, "motivation") or None,
        tags=payload.get("tags"),
    )
    return JsonResponse(annotation_state(request, annotation), status=201)


@workspace_view(Action.CONTRIBUTE)
@require_POST
@json_endpoint
def evidence_create(request: WorkspaceRequest, source_id: int) -> JsonResponse:
    """Cite a selection as evidence for a claim: `claim` (an id) or `new_claim` (a statement)."""
    payload = read_json(request, allowed={"target", "text_sha256", "claim", "new_claim", "stance", "note"})
    source = _source(request, source_id, payload)
    selector = selector_from_target(source.text, payload.get("target"))
    claim_id = id_value(payload, "claim")
    claim = Claim.objects.filter(workspace=request.workspace, pk=claim_id).first() if claim_id else None
    if claim_id and claim is None:  # a value of the body, refused as the API refuses it (not the page's 404)
        raise ValidationError({"claim": not_in_workspace(Claim, claim_id)})
    evidence = cite_selection(
        source=source,
        user=request.user,
        selector=selector,
        stance=text_value(payload, "stance"),
        note=text_value(payload, "note"),
        claim=claim,
        new_claim_statement=text_value(payload, "new_claim"),
    )
    return JsonResponse(evidence_state(request, evidence), status=201)


def _notice(was: str, item: Annotation | Evidence) -> dict[str, str]:
    """What the page says of a save besides "saved": that it sent approved work back to review."""
    said = said_reopened(was, item)
    return {"notice": said} if said else {}


def _changes(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if key not in ("version", "reason")}


@workspace_view(Action.CONTRIBUTE)
@require_http_methods(["PATCH", "DELETE"])
@json_endpoint
def annotation_change(request: WorkspaceRequest, annotation_id: int) -> JsonResponse:
    """PATCH {version, body?, motivation?, tags?, reason?}; DELETE {version, reason}.

    A delete without a reason is refused (400); either is refused with 412, the
    current version and what differs from `version` if someone saved since, and
    with 410, saying who deleted it, when and why, if someone deleted it.
    """
    annotation = _changeable(request, Annotation.objects.all(), annotation_id)
    payload = read_json(request)
    version, reason = version_value(payload), text_value(payload, "reason")
    try:
        if request.method == "DELETE":
            passage_ids = list(annotation.passages.values_list("pk", flat=True))
            deleted = delete_annotation(
                annotation=annotation,
                user=request.user,
                reason=reason,
                expected_version=version,
            )
            return _deleted_response(passage_ids, deleted)
        was = annotation.review_status
        annotation = edit_annotation(
            annotation, user=request.user, expected_version=version, changes=_changes(payload), reason=reason
        )
    except StaleVersion as error:
        return _stale(request, error, version, annotation_state)
    except Annotation.DoesNotExist:  # deleted while this request waited for its row lock
        raise missing(request, Annotation, annotation_id) from None
    return JsonResponse(annotation_state(request, annotation) | _notice(was, annotation))


def _stale(
    request: WorkspaceRequest,
    error: StaleVersion,
    version: int | None,
    state: Callable[[WorkspaceRequest, Any], dict],
) -> JsonResponse:
    """The 412 of an edit or delete from `version`: the current state, and what differs."""
    return conflict_response(
        error,
        since=version,
        deleting=request.method == "DELETE",
        user=request.user,
        **state(request, error.current),
    )


@workspace_view(Action.CONTRIBUTE)
@require_http_methods(["PATCH", "DELETE"])
@json_endpoint
def evidence_change(request: WorkspaceRequest, evidence_id: int) -> JsonResponse:
    """PATCH {version, stance?, note?, reason?}; DELETE {version, reason}.

    A delete without a reason is refused (400); either is refused with 412, the
    current version and what differs from `version` if someone saved since, and
    with 410, saying who deleted it, when and why, if someone deleted it.
    """
    evidence = _changeable(request, Evidence.objects.select_related("passage__source__outlet"), evidence_id)
    payload = read_json(request)
    version, reason = version_value(payload), text_value(payload, "reason")
    try:
        if request.method == "DELETE":
            deleted = delete_evidence(
                evidence=evidence,
                user=request.user,
                reason=reason,
                expected_version=version,
            )
            return _deleted_response([evidence.passage_id], deleted)
        was = evidence.review_status
        evidence = edit_evidence(
            evidence, user=request.user, expected_version=version, changes=_changes(payload), reason=reason
        )
    except StaleVersion as error:
        return _stale(request, error, version, evidence_state)
    except Evidence.DoesNotExist:  # deleted while this request waited for its row lock
        raise missing(request, Evidence, evidence_id) from None
    return JsonResponse(evidence_state(request, evidence) | _notice(was, evidence))
