"""Reverting a source to a version derived from a source deleted since."""

import pytest
from django.core.exceptions import ValidationError

from archive.sources.writes import delete_source, edit_source, set_derivation
from tests.factories import SourceFactory
from tests.support import reverted


@pytest.fixture
def unlinked_copy(workspace, ws_admin):
    """A translation once linked to its original, unlinked, and the original deleted:
    returns the copy and its history row from when it was linked."""
    original = SourceFactory(workspace=workspace, title="Original report")
    copy = SourceFactory(workspace=workspace, title="Translation")
    set_derivation(
        source=copy, user=ws_admin, derived_from=original, derivation="translation", reason="Found it"
    )
    linked = copy.history.order_by("-history_id").first()
    set_derivation(source=copy, user=ws_admin, derived_from=None, derivation="", reason="Wrong original")
    delete_source(source=original, user=ws_admin, reason="Duplicate")
    copy.refresh_from_db()
    return copy, linked, original.pk


def test_reverting_only_a_lost_derivation_says_the_original_is_gone_and_how_to_link_again(
    unlinked_copy, ws_admin
):
    copy, linked, _ = unlinked_copy
    with pytest.raises(ValidationError) as refused:
        reverted(copy, history_id=linked.history_id, user=ws_admin, reason="Undo")
    message = " ".join(refused.value.messages)
    assert "derived from source “Original report”, which no longer exists" in message
    assert "restore that source from its history first" in message
    assert "Give both" not in message


def test_reverting_to_a_version_with_a_lost_derivation_keeps_its_other_fields_underived(
    unlinked_copy, ws_admin
):
    copy, linked, _ = unlinked_copy
    edit_source(
        copy, user=ws_admin, expected_version=copy.version, changes={"title": "Renamed"}, reason="Typo"
    )
    outcome = reverted(copy, history_id=linked.history_id, user=ws_admin, reason="Undo")
    copy.refresh_from_db()
    assert copy.title == "Translation"
    assert (copy.derived_from_id, copy.derivation) == (None, "")
    assert any("source “Original report”, which no longer exists" in note for note in outcome.notes)
