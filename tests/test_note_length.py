"""A note is read beside its passage: evidence's note is bounded as an annotation's is
(every entry path, by the domain; see test_entry_parity for annotations)."""

import pytest
from django.core.exceptions import ValidationError

from archive.claims.evidence import add_evidence
from archive.models import Evidence
from archive.models.base import MAX_NOTE_LENGTH
from tests.factories import ClaimFactory


def test_evidence_with_a_note_longer_than_a_note_may_be_is_refused(workspace, analyst, passage):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    with pytest.raises(ValidationError) as refused:
        add_evidence(
            claim=claim, passage=passage, user=analyst, stance="supports", note="x" * (MAX_NOTE_LENGTH + 1)
        )
    assert "note" in refused.value.message_dict
    assert not Evidence.objects.exists()


def test_the_reading_pages_note_fields_say_how_long_a_note_may_be(client, analyst, workspace, source):
    client.force_login(analyst)
    page = client.get(f"/w/{workspace.slug}/sources/{source.pk}/").content.decode()
    assert page.count(f'maxlength="{MAX_NOTE_LENGTH}"') == 2  # the note's and the evidence's
