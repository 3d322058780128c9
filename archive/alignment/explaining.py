"""Marking a divergence flag as explained, with a reason kept in history.

The flags themselves are recomputed with the alignment; a note outlives that
because it is keyed by the pair of sources, the kind and the two values
(archive.models.DivergenceNote)."""

from typing import Any

from django.core.exceptions import ValidationError

from archive.alignment.divergences import Divergence, divergences
from archive.core.editing import create_object, required_reason, update_object
from archive.core.unit_of_work import unit_of_work
from archive.models import DivergenceNote, Source


def values_of(flag: Divergence) -> tuple[str, str, str]:
    """What a note on `flag` is keyed by, besides the two sources: kind, value here, value there."""
    return (
        flag.kind,
        flag.source.surface if flag.source else "",
        flag.counterpart.surface if flag.counterpart else "",
    )


def notes_on(*, source: Source) -> dict[tuple[str, str, str], DivergenceNote]:
    """The notes on `source`'s flags against what it derives from now, by `values_of`."""
    if source.derived_from_id is None:
        return {}
    notes = DivergenceNote.objects.filter(source=source, counterpart_id=source.derived_from_id)
    return {(note.kind, note.here, note.there): note for note in notes.select_related("explained_by")}


@unit_of_work()
def explain_divergence(
    *, source: Source, user: Any, kind: str, here: str, there: str, reason: str
) -> DivergenceNote:
    """Mark the flag of `source` with these values as explained; explaining it again
    replaces the reason (the earlier one stays in history). A flag the texts do not
    raise now is refused."""
    reason = required_reason(reason, "Say why the texts may differ here.")
    if (kind, here, there) not in {values_of(flag) for flag in divergences(source=source)}:
        raise ValidationError({"flag": "This source raises no such divergence against what it derives from."})
    counterpart = source.derived_from
    existing = DivergenceNote.objects.filter(
        source=source, counterpart=counterpart, kind=kind, here=here, there=there
    ).first()
    if existing is not None:
        changes = {"reason": reason, "explained_by": user}
        return update_object(
            existing,
            user=user,
            expected_version=None,
            changes=changes,
            editable=changes.keys(),
            reason=reason,
        )
    note = DivergenceNote(
        workspace_id=source.workspace_id,
        source=source,
        counterpart=counterpart,
        kind=kind,
        here=here,
        there=there,
        reason=reason,
        explained_by=user,
    )
    return create_object(note, user=user, reason=reason)


def explained_flags(*, source: Source) -> list[tuple[Divergence, DivergenceNote | None]]:
    """`source`'s flags against what it derives from, each with its note if explained."""
    notes = notes_on(source=source)
    return [(flag, notes.get(values_of(flag))) for flag in divergences(source=source)]
