"""The sentence under a claim's graph: how many sources and outlets it rests on."""

import pytest

from archive.claims.graph import build_claim_graph
from archive.models import AnchorStatus, ReviewStatus
from tests.factories import ClaimFactory, EvidenceFactory, OutletFactory, PassageFactory, SourceFactory

pytestmark = pytest.mark.django_db


def _summary(workspace, sources) -> str:
    claim = ClaimFactory(workspace=workspace)
    evidence = [EvidenceFactory(passage=PassageFactory(source=source), claim=claim) for source in sources]
    return build_claim_graph(claim, evidence, source_url=str).summary


def test_sources_without_an_outlet_are_not_counted_as_one_outlet(workspace):
    sources = [SourceFactory(workspace=workspace, outlet=None) for _ in range(2)]
    assert _summary(workspace, sources).startswith("Rests on 2 sources whose outlets are unknown,")


def test_sources_without_an_outlet_are_counted_apart_from_those_with_one(workspace):
    outlet = OutletFactory(workspace=workspace)
    sources = [
        SourceFactory(workspace=workspace, outlet=outlet),
        SourceFactory(workspace=workspace, outlet=None),
    ]
    assert _summary(workspace, sources).startswith(
        "Rests on 2 sources (1 from 1 outlet, 1 whose outlet is unknown),"
    )


def test_evidence_a_reviewer_rejected_is_not_what_the_claim_rests_on(workspace):
    outlet = OutletFactory(workspace=workspace)
    kept, rejected = (SourceFactory(workspace=workspace, outlet=outlet) for _ in range(2))
    claim = ClaimFactory(workspace=workspace)
    evidence = [
        EvidenceFactory(passage=PassageFactory(source=kept), claim=claim),
        EvidenceFactory(
            passage=PassageFactory(source=rejected), claim=claim, review_status=ReviewStatus.REJECTED
        ),
    ]
    graph = build_claim_graph(claim, evidence, source_url=str)
    assert graph.summary == (
        "Rests on 1 source from 1 outlet. 1 piece of evidence a reviewer rejected is left out."
    )
    assert [node.url for node in graph.nodes if node.kind == "source"] == [str(kept)]


def test_evidence_whose_words_left_the_text_is_not_what_the_claim_rests_on(workspace):
    outlet = OutletFactory(workspace=workspace)
    kept, corrected = (SourceFactory(workspace=workspace, outlet=outlet) for _ in range(2))
    claim = ClaimFactory(workspace=workspace)
    evidence = [
        EvidenceFactory(
            passage=PassageFactory(source=kept), claim=claim, review_status=ReviewStatus.APPROVED
        ),
        EvidenceFactory(
            passage=PassageFactory(source=corrected, anchor_status=AnchorStatus.ORPHANED),
            claim=claim,
            review_status=ReviewStatus.APPROVED,
        ),
    ]
    graph = build_claim_graph(claim, evidence, source_url=str)
    assert graph.summary == (
        "Rests on 1 source from 1 outlet. 1 piece of evidence whose words are no longer in the "
        "source's text and left out."
    )
    assert [node.url for node in graph.nodes if node.kind == "source"] == [str(kept)]
