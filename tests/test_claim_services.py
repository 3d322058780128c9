"""The claim-evidence services (archive.claims.writes) as the API and commands call them."""

import pytest
from django.core.exceptions import ValidationError

from archive.claims import (
    annotate_selection,
    cite_selection,
    clean_tags,
    delete_claim,
    delete_evidence,
    edit_item,
)
from archive.core.editing import StaleVersion
from archive.findings import ach
from archive.models import Claim, Evidence, Passage
from archive.passages.selectors import selector_for
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, PassageFactory, WorkspaceFactory
from tests.support import reverted


def test_clean_tags_strips_drops_blanks_and_repeats_in_order():
    assert clean_tags([" water", "", "figures ", "water"]) == ["water", "figures"]


def test_clean_tags_refuses_anything_but_a_list_of_text():
    with pytest.raises(ValidationError):
        clean_tags("water, figures")


def test_annotate_selection_reuses_an_orphaned_span_only_when_anchored(analyst, source):
    orphan = PassageFactory(source=source, start=0, length=6, anchor_status="orphaned")
    annotation = annotate_selection(
        source=source, user=analyst, selector=selector_for(source.text, 0, 6), body="x"
    )
    assert annotation.passages.get() != orphan
    assert Passage.objects.count() == 2


def test_cite_selection_refuses_a_claim_of_another_workspace(analyst, source):
    foreign = ClaimFactory(workspace=WorkspaceFactory())
    with pytest.raises(ValidationError, match="another workspace"):
        cite_selection(
            source=source,
            user=analyst,
            selector=selector_for(source.text, 0, 6),
            stance="supports",
            claim=foreign,
        )
    assert not Passage.objects.exists()


def test_cite_selection_refuses_both_a_claim_and_a_new_statement(analyst, workspace, source):
    with pytest.raises(ValidationError, match="not both"):
        cite_selection(
            source=source,
            user=analyst,
            selector=selector_for(source.text, 0, 6),
            stance="supports",
            claim=ClaimFactory(workspace=workspace),
            new_claim_statement="Another",
        )
    assert Evidence.objects.count() == 0 and Claim.objects.count() == 1


def test_edit_refuses_a_stale_version_and_keeps_the_others_text(analyst, ws_admin, workspace, source):
    annotation = AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(source=source)], author=analyst
    )
    edit_item(annotation, user=ws_admin, expected_version=1, changes={"body": "Theirs"})
    with pytest.raises(StaleVersion) as refused:
        edit_item(annotation, user=analyst, expected_version=1, changes={"body": "Mine"})
    assert refused.value.current.body == "Theirs"


def test_edit_refuses_an_empty_claim_statement(analyst, workspace):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    with pytest.raises(ValidationError, match="needs a statement"):
        edit_item(claim, user=analyst, expected_version=1, changes={"statement": "  "})


def test_edit_refuses_a_claim_with_every_field_error_at_once(analyst, workspace):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, credibility=6)
    with pytest.raises(ValidationError) as refused:
        edit_item(
            claim,
            user=analyst,
            expected_version=1,
            changes={"statement": "  ", "credibility": 2, "status": "guessed", "tags": ["x" * 500]},
        )
    assert sorted(refused.value.message_dict) == ["reason", "statement", "status", "tags"]


def test_delete_evidence_keeps_a_passage_weighed_in_a_question(analyst, workspace, source):
    passage = PassageFactory(source=source)
    evidence = EvidenceFactory(passage=passage, claim=ClaimFactory(workspace=workspace))
    question = ach.create_question(workspace=workspace, user=analyst, text="Why did the station stop?")
    ach.add_evidence_item(question=question, user=analyst, passage=passage)
    assert delete_evidence(evidence=evidence, user=analyst, reason="wrong claim") == []
    assert Passage.objects.filter(pk=passage.pk).exists()
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_delete_evidence_keeps_a_passage_another_claim_cites(analyst, workspace, source):
    passage = PassageFactory(source=source)
    first = EvidenceFactory(passage=passage, claim=ClaimFactory(workspace=workspace))
    EvidenceFactory(passage=passage, claim=ClaimFactory(workspace=workspace))
    assert delete_evidence(evidence=first, user=analyst, reason="wrong claim") == []
    assert Passage.objects.filter(pk=passage.pk).exists()


def test_deleting_a_claim_deletes_the_passages_only_its_evidence_used(analyst, workspace, source):
    claim = ClaimFactory(workspace=workspace)
    alone, annotated = PassageFactory(source=source, start=0), PassageFactory(source=source, start=20)
    for passage in (alone, annotated):
        EvidenceFactory(passage=passage, claim=claim)
    AnnotationFactory(workspace=workspace, passages=[annotated])
    delete_claim(claim=claim, user=analyst, reason="duplicate of another claim")
    assert list(Passage.objects.filter(source=source)) == [annotated]
    assert alone.history.latest("history_id").history_change_reason == "duplicate of another claim"


def test_restoring_a_deleted_claim_brings_back_the_passages_deleted_with_it(
    analyst, reviewer, workspace, source
):
    claim = ClaimFactory(workspace=workspace)
    passage = PassageFactory(source=source)
    EvidenceFactory(passage=passage, claim=claim)
    delete_claim(claim=claim, user=analyst, reason="duplicate")
    reverted(
        claim,
        history_id=claim.history.latest("history_id").history_id,
        user=reviewer,
        reason="not a duplicate",
    )
    assert Evidence.objects.get(claim=claim).passage_id == passage.pk
    assert Passage.objects.filter(pk=passage.pk).exists()
