import pytest
from django.db import IntegrityError, transaction

from archive.models.grading import Credibility, Reliability, admiralty_code
from tests.factories import ClaimFactory, EvidenceFactory, OutletFactory, PassageFactory, SourceFactory


def test_admiralty_code_combines_letter_and_digit():
    assert admiralty_code(Reliability.B, Credibility.PROBABLY_TRUE) == "B2"


def test_admiralty_code_without_grades_is_cannot_be_judged():
    assert admiralty_code(None, None) == "F6"


def test_evidence_grade_uses_outlet_reliability_and_claim_credibility(workspace):
    outlet = OutletFactory(workspace=workspace, reliability=Reliability.B)
    passage = PassageFactory(source=SourceFactory(workspace=workspace, outlet=outlet))
    claim = ClaimFactory(workspace=workspace, credibility=Credibility.POSSIBLY_TRUE)
    evidence = EvidenceFactory(passage=passage, claim=claim)
    assert evidence.grade == "B3"


def test_database_refuses_an_unknown_reliability_grade(workspace):
    outlet = OutletFactory(workspace=workspace)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(outlet).objects.filter(pk=outlet.pk).update(reliability="G")


@pytest.mark.parametrize("credibility", [0, 7])
def test_database_refuses_a_credibility_outside_1_to_6(workspace, credibility):
    claim = ClaimFactory(workspace=workspace)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(claim).objects.filter(pk=claim.pk).update(credibility=credibility)
