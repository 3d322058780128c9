"""Passages: the only functions that create and delete them.

(Their selectors change only by re-anchoring: archive.passages.correction.)
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from archive.core.attribution import recorded_as
from archive.core.editing import delete_object
from archive.core.graphemes import check_whole_clusters
from archive.core.text import sha256_hex
from archive.core.unit_of_work import unit_of_work
from archive.models import AnchorStatus, Passage, Source
from archive.passages.selectors import TextSelector, check_quote, selector_for


@unit_of_work()
def create_passage(*, source: Source, user: Any, start: int, end: int, exact: str | None = None) -> Passage:
    """A new passage at [start, end) of the source's text, in code points.

    When the client sends the quote it saw (`exact`), it must match the text:
    a mismatch means the client's copy of the text differs from the server's.
    A span that splits a grapheme cluster is refused (code "grapheme_split").
    """
    if exact is not None:
        check_quote(source.text, start, end, exact)
    check_whole_clusters(source.text, start, end)
    selector = selector_for(source.text, start, end)
    passage = Passage(
        source=source,
        start=selector.start,
        end=selector.end,
        exact=selector.exact,
        prefix=selector.prefix,
        suffix=selector.suffix,
        created_by=user,
    )
    with recorded_as(user=user):
        passage.save()
    return passage


@unit_of_work()
def passage_at(*, source: Source, user: Any, selector: TextSelector) -> Passage:
    """The source's anchored passage at exactly this selection, created if there is none.

    Clients name spans, not passages: reusing the passage keeps one per span,
    so a span annotated twice, or annotated and cited as evidence, is one
    highlight with two meanings.
    """
    return find_or_create_passage(source=source, user=user, selector=selector)[0]


@unit_of_work()
def find_or_create_passage(*, source: Source, user: Any, selector: TextSelector) -> tuple[Passage, bool]:
    """passage_at(), and whether the passage is new (a REST client is told which)."""
    # Before reuse too: a passage stored before the rule must not take new annotations.
    check_whole_clusters(source.text, selector.start, selector.end)
    # Two requests for one span at once (two tabs, a retry) must find one passage: the
    # second waits here until the first commits. (PostgreSQL; SQLite's writers are
    # serialized already.) NO KEY: rows that merely refer to the source are not held up.
    locked = Source.objects.select_for_update(no_key=True).filter(pk=source.pk)
    if locked.values_list("text_sha256", flat=True).get() != source.text_sha256:
        # Corrected since the selection was read from it: offsets into the old text would
        # stand, marked exact, on other words of the new.
        text = locked.values_list("text", flat=True).get()
        try:
            check_quote(text, selector.start, selector.end, selector.exact)
        except ValidationError:
            raise ValidationError(
                "The source's text was corrected meanwhile, and these words are no longer at "
                "these offsets: reload it and select them again.",
                code="quote_mismatch",
            ) from None
        source.text, source.text_sha256 = text, sha256_hex(text)
    existing = (
        Passage.objects.filter(source=source, start=selector.start, end=selector.end, exact=selector.exact)
        .exclude(anchor_status=AnchorStatus.ORPHANED)
        .first()
    )
    if existing is not None:
        return existing, False
    return create_passage(source=source, user=user, start=selector.start, end=selector.end), True


@unit_of_work()
def delete_passage(*, passage: Passage, user: Any, reason: str, expected_version: int | None = None) -> None:
    """Delete a passage (the annotations and evidence on it must go first)."""
    annotations = list(passage.annotations.all())
    if annotations:
        # Evidence protects its passage by its foreign key; an annotation's link is a
        # many-to-many row the delete would drop silently, leaving an annotation on nothing.
        raise ProtectedError("Annotations still rest on this passage; remove them first.", set(annotations))
    delete_object(passage, user=user, reason=reason, expected_version=expected_version)


def delete_unused_passages(passage_ids: list[int], *, user: Any, reason: str) -> list[int]:
    """Delete the passages that no longer serve any annotation, evidence or question; their ids."""
    deleted = []
    # Locked before they are looked at: two deletes of the annotations sharing a passage,
    # each looking before the other committed, would each find the other's still on it,
    # and leave it. The second now waits, and then finds it unused. (PostgreSQL: SQLite's
    # writers are one at a time.)
    locked = Passage.objects.select_for_update().filter(pk__in=passage_ids).order_by("pk")
    locked_ids = list(locked.values_list("pk", flat=True))
    unused = Passage.objects.filter(pk__in=locked_ids, annotations=None, evidence=None, evidence_items=None)
    for passage in unused:
        deleted.append(passage.pk)
        delete_object(passage, user=user, reason=reason)
    return deleted
