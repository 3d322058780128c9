"""Keep the index current: every history row written announces its object
(archive.core.history.history_written), single saves and bulk writes alike, and
the object is re-indexed at the end of the writer's unit of work, once per
document. Connected in ArchiveConfig.ready."""

from collections.abc import Sequence

from django.db.models import Model

from archive.models import Annotation, Claim, Evidence, Passage, SearchKind, Source
from archive.search.indexing import index_later

SEARCHABLE = (Source, Passage, Annotation, Claim, Evidence)


def object_written(
    sender: type[Model], *, reindex: Sequence[Model], created: bool = False, **kwargs: object
) -> None:
    index_later(objects=[obj for obj in reindex if isinstance(obj, SEARCHABLE)], created=created)


def passage_annotations_changed(
    sender: type[Model],
    instance: Model,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: object,
) -> None:
    """passage.annotations.add/remove(...): the annotations are filed under their
    first passage's source. (The forward side, annotation.passages, writes a
    history row of the annotation.)"""
    if reverse and pk_set and action in ("post_add", "post_remove"):
        index_later(kind=SearchKind.ANNOTATION, ids=pk_set)
