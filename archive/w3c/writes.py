"""Writes of W3C Web Annotation clients: an annotation (or evidence) from a
checked W3CRequest (archive.w3c.mapping), created or replacing one.

Identities (https://www.w3.org/TR/annotation-protocol/#create-a-new-annotation):
a client's `canonical` is kept unchanged; the `id` a client gives is replaced by
ours and kept as `via` (its own `via` when it gives no id). A replacement keeps
the stored canonical and via unless it sends them (a different canonical is
refused), and keeps the item in its container, since its IRI names the container.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError

from archive.claims import add_evidence, create_annotation, edit_annotation, replace_evidence
from archive.core.unit_of_work import unit_of_work
from archive.models import Annotation, Claim, Evidence, Passage, Workspace
from archive.passages.writes import passage_at
from archive.w3c.mapping import W3CRequest, as_sent, home_source_id


def _passages(request: W3CRequest, user: Any, own: Sequence[Passage] = ()) -> list[Passage]:
    """The passages the targets name: of `own` (the item's), the one at a target's span,
    else the source's passage there (archive.passages.writes.passage_at)."""
    at = {(p.source_id, p.start, p.end, p.exact): p for p in own}
    return [
        at.get((source.pk, selector.start, selector.end, selector.exact))
        or passage_at(source=source, user=user, selector=selector)
        for source, selector in request.targets
    ]


def _claim(workspace: Workspace, claim_id: int | None) -> Claim:
    """The claim `claim_id` names in `workspace` (None names none: only evidence names one)."""
    claim = Claim.objects.filter(workspace=workspace, pk=claim_id).first() if claim_id is not None else None
    if claim is None:
        raise ValidationError({"body": "The claim named in the body is not in this workspace."})
    return claim


@contextmanager
def _named_as_sent(request: W3CRequest, *, via: str = "via") -> Iterator[None]:
    """The domain's refusals by field, inside, named by the members the client sent
    (archive.w3c.mapping.as_sent). Around the domain's calls only: ours name members already."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise as_sent(error, request, via=via) from None


@unit_of_work()
def create_from_w3c(*, workspace: Workspace, user: Any, request: W3CRequest) -> Annotation | Evidence:
    passages = _passages(request, user)
    claim = _claim(workspace, request.claim_id) if request.is_evidence else None
    with _named_as_sent(request, via="id" if request.client_id else "via"):
        if claim is not None:
            return add_evidence(
                claim=claim,
                passage=passages[0],
                user=user,
                stance=request.stance,
                note=request.note,
                canonical=request.canonical,
                via=request.client_id or request.via,
            )
        return create_annotation(
            passages=passages,
            user=user,
            body=request.body,
            motivation=request.motivation,
            tags=request.tags,
            canonical=request.canonical,
            via=request.client_id or request.via,
        )


@unit_of_work()
def replace_from_w3c(
    obj: Annotation | Evidence, *, user: Any, expected_version: int | None, request: W3CRequest
) -> Annotation | Evidence:
    """Replace `obj` with the client's description (a W3C PUT)."""
    if request.is_evidence != isinstance(obj, Evidence):
        raise ValidationError({"body": "An annotation cannot become evidence, nor evidence an annotation."})
    home = home_source_id(obj)
    if min(source.pk for source, _ in request.targets) != home:
        raise ValidationError(
            {"target": f"The annotation's IRI is in the container of source {home}: keep its targets there."}
        )
    identities = {
        key: value for key, value in (("canonical", request.canonical), ("via", request.via)) if value
    }
    if isinstance(obj, Evidence):
        claim = _claim(obj.workspace, request.claim_id)
        passage = _passages(request, user, [obj.passage])[0]
        with _named_as_sent(request):
            return replace_evidence(
                obj,
                user=user,
                expected_version=expected_version,
                claim=claim,
                passage=passage,
                stance=request.stance,
                note=request.note,
                identities=identities,
            )
    passages = _passages(request, user, list(obj.passages.all()))
    changes = {"body": request.body, "motivation": request.motivation, "tags": request.tags}
    with _named_as_sent(request):
        return edit_annotation(
            obj,
            user=user,
            expected_version=expected_version,
            changes=changes,
            passages=passages,
            identities=identities,
        )
