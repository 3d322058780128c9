"""Re-index on every save and delete, in the writer's transaction (connected
in ArchiveConfig.ready): at the end of its unit of work, once per document.
Bulk writers call index_objects()."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from archive.models import Annotation, Claim, Evidence, Passage, SearchKind, Source
from archive.search.indexing import index_later


def _object_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:  # loaddata writes rows in any order: run rebuild_search_index after it
        index_later(objects=[instance])


def _annotation_passages_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """An annotation is filed under its first passage's source."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        index_later(objects=[instance])
    elif pk_set:  # passage.annotations.add/remove(...)
        index_later(kind=SearchKind.ANNOTATION, ids=pk_set)


def connect() -> None:
    for model in (Source, Passage, Annotation, Claim, Evidence):
        post_save.connect(_object_changed, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_object_changed, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
    m2m_changed.connect(
        _annotation_passages_changed,
        sender=Annotation.passages.through,
        dispatch_uid="search-annotation-passages",
    )
