"""A workspace's annotations and evidence as W3C JSON-LD or as CSV, streamed."""

import json
from collections.abc import Iterator

from django.db.models import Prefetch

from archive.models import Annotation, Evidence, Passage, Workspace
from archive.w3c.mapping import ANNO_CONTEXT, Links, iri_of, to_w3c

CSV_COLUMNS = [
    "kind", "id", "iri", "motivation", "text", "tags", "claim_id", "claim", "stance",
    "source_id", "source_title", "start", "end", "exact", "author", "review_status", "created", "modified",
]  # fmt: skip


def _annotations(workspace: Workspace) -> Iterator[Annotation]:
    passages = Prefetch("passages", queryset=Passage.objects.select_related("source").order_by("id"))
    queryset = (
        Annotation.objects.filter(workspace=workspace).select_related("author").prefetch_related(passages)
    )
    return queryset.order_by("id").iterator(chunk_size=500)


def _evidence(workspace: Workspace) -> Iterator[Evidence]:
    queryset = Evidence.objects.filter(workspace=workspace).select_related(
        "passage__source", "claim", "created_by"
    )
    return queryset.order_by("id").iterator(chunk_size=500)


def jsonld_chunks(workspace: Workspace, links: Links) -> Iterator[str]:
    """One AnnotationCollection whose single page holds every item, written as it is read."""
    head = {
        "@context": ANNO_CONTEXT,
        "id": f"{links.base}/exports/w/{workspace.slug}/annotations.jsonld",
        "type": "AnnotationCollection",
        "label": f"Annotations of {workspace.name}",
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "first": {"type": "AnnotationPage", "items": ['
    separator = ""
    items: tuple[Annotation | Evidence, ...] = (*_annotations(workspace), *_evidence(workspace))
    for item in items:
        yield separator + json.dumps(to_w3c(item, links), ensure_ascii=False)
        separator = ", "
    yield "]}}\n"


def csv_rows(workspace: Workspace, links: Links) -> Iterator[list]:
    """The header, then one row per annotation target or piece of evidence."""
    yield CSV_COLUMNS
    for annotation in _annotations(workspace):
        for passage in annotation.passages.all():
            yield _row(
                annotation,
                passage,
                kind="annotation",
                iri=iri_of(annotation, links),
                author=annotation.author,
                text=annotation.body,
                tags="|".join(annotation.tags),
                motivation=annotation.motivation,
            )
    for evidence in _evidence(workspace):
        yield _row(
            evidence,
            evidence.passage,
            kind="evidence",
            iri=iri_of(evidence, links),
            author=evidence.created_by,
            text=evidence.note,
            claim_id=evidence.claim_id,
            claim=evidence.claim.statement,
            stance=evidence.stance,
        )


def _row(obj: Annotation | Evidence, passage: Passage, *, author, **values) -> list:
    values |= {
        "id": obj.pk,
        "source_id": passage.source_id,
        "source_title": passage.source.title,
        "start": passage.start,
        "end": passage.end,
        "exact": passage.exact,
        "author": author.username if author else "",
        "review_status": obj.review_status,
        "created": obj.created_at.isoformat(),
        "modified": obj.updated_at.isoformat(),
    }
    return [values.get(column, "") for column in CSV_COLUMNS]
