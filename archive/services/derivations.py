"""Derivation links between sources (translation of, republication of, ...)."""

from archive.models import Derivation, Source
from archive.services.editing import update_object
from archive.unit_of_work import unit_of_work


@unit_of_work()
def set_derivation(
    *,
    source: Source,
    user,
    derived_from: Source | None,
    derivation: Derivation | str,
    reason: str = "",
    expected_version: int | None = None,
) -> Source:
    """Link the source to the one it derives from, or unlink it (None and "").

    The model refuses a link across workspaces, a cycle, or a link without its
    kind; the change is in the source's history with `reason`.
    """
    return update_object(
        source,
        user=user,
        expected_version=expected_version,
        changes={"derived_from": derived_from, "derivation": derivation if derived_from else ""},
        reason=reason,
    )
