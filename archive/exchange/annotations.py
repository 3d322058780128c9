"""A workspace's annotations and evidence as W3C JSON-LD or as CSV, streamed."""

import json
from collections.abc import Iterator
from itertools import chain, islice

from django.db.models import Prefetch

from archive.models import Annotation, Evidence, Passage, Workspace
from archive.monitoring.changes import as_cited, evidence_changes
from archive.w3c.mapping import ANNO_CONTEXT, Links, iri_of, to_w3c

CSV_COLUMNS = [
    "kind", "id", "iri", "motivation", "text", "tags", "claim_id", "claim", "stance",
    "source_id", "source_title", "start", "end", "exact", "cited_exact", "changed_since_cited",
    "author", "review_status", "created", "modified",
]  # fmt: skip
# Evidence read in chunks of this many, each with one look at what changed since it was cited.
_CHUNK = 500


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
    return queryset.order_by("id").iterator(chunk_size=_CHUNK)


def jsonld_chunks(workspace: Workspace, links: Links) -> Iterator[str]:
    """One AnnotationCollection whose single page holds every item, written as it is read.
    Its `total` and `last` come after the items: counted as they are written, the total is
    the number sent even if the workspace changes meanwhile."""
    collection = f"{links.base}/exports/w/{workspace.slug}/annotations.jsonld"
    page = f"{collection}#page-1"
    head = {
        "@context": ANNO_CONTEXT,
        "id": collection,
        "type": "AnnotationCollection",
        "label": f"Annotations of {workspace.name}",
    }
    # partOf as an object, as the W3C test suite's page assertions read it.
    first = {"id": page, "type": "AnnotationPage", "partOf": {"id": collection}, "startIndex": 0}
    yield (
        json.dumps(head, ensure_ascii=False)[:-1]
        + ', "first": '
        + json.dumps(first, ensure_ascii=False)[:-1]
        + ', "items": ['
    )
    total = 0
    items: Iterator[Annotation | Evidence] = chain(_annotations(workspace), _evidence(workspace))
    for item in items:
        yield (", " if total else "") + json.dumps(to_w3c(item, links), ensure_ascii=False)
        total += 1
    closing = {"last": page, "total": total}
    yield "]}, " + json.dumps(closing)[1:] + "\n"  # the items and their page, then the collection


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
    evidence_read = _evidence(workspace)
    while chunk := list(islice(evidence_read, _CHUNK)):
        changes = evidence_changes(chunk)
        for evidence in chunk:
            cited_exact, changed_since_cited = as_cited(evidence, changes)
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
                # What the analyst weighed, where a later version of the source reads otherwise.
                cited_exact=cited_exact,
                changed_since_cited=changed_since_cited,
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
