"""Writes that archive.services.editing does not cover: deleting at a known
version, replacing an annotation's passages, and finding or making the
passage at a span (for clients that speak in selectors)."""

from archive.history import recorded_as
from archive.models import AnchorStatus, Annotation, Passage, Source
from archive.services.editing import StaleVersion, delete_object, update_object
from archive.services.passages import create_passage
from archive.unit_of_work import unit_of_work


@unit_of_work()
def delete_at_version(obj, *, user, expected_version: int | None, reason: str) -> None:
    """Delete `obj` if it is still at `expected_version` (None: unconditionally)."""
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(current)
    delete_object(current, user=user, reason=reason)


@unit_of_work()
def update_annotation(
    annotation: Annotation,
    *,
    user,
    expected_version: int | None,
    changes: dict,
    passages: list[Passage] | None = None,
    reason: str = "",
) -> Annotation:
    """Edit an annotation's fields and, when given, the passages it is on."""
    annotation = update_object(
        annotation, user=user, expected_version=expected_version, changes=changes, reason=reason
    )
    if passages is not None and {p.pk for p in passages} != set(
        annotation.passages.values_list("pk", flat=True)
    ):
        with recorded_as(user=user, reason=reason):
            annotation.passages.set(passages)
    return annotation


@unit_of_work()
def passage_at(*, source: Source, user, start: int, end: int, exact: str | None = None) -> Passage:
    """The source's anchored passage at [start, end), created if there is none yet.

    Clients that speak in selectors (W3C) name spans, not passages: the same
    span annotated twice is one passage with two annotations.
    """
    existing = (
        Passage.objects.filter(source=source, start=start, end=end)
        .exclude(anchor_status=AnchorStatus.ORPHANED)
        .first()
    )
    if existing is not None and (exact is None or existing.exact == exact):
        return existing
    return create_passage(source=source, user=user, start=start, end=end, exact=exact)
