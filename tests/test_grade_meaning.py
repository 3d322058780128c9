"""An Admiralty grade comes with its meaning wherever it is exported: its second part is the
claim's credibility, which a refuting piece of evidence could otherwise be read to have."""

from django.urls import reverse
from prov.model import ProvDocument, ProvEntity

from archive.models.grading import grade_meaning
from tests.factories import ClaimFactory, EvidenceFactory, OutletFactory, PassageFactory, SourceFactory
from tests.support import api_client_for


def graded_evidence(workspace):
    outlet = OutletFactory(workspace=workspace, reliability="B")
    claim = ClaimFactory(workspace=workspace, credibility=2)
    passage = PassageFactory(source=SourceFactory(workspace=workspace, outlet=outlet))
    return EvidenceFactory(claim=claim, passage=passage)


def test_a_grade_is_said_as_the_outlets_reliability_and_the_claims_credibility():
    assert grade_meaning("B2") == "outlet: usually reliable; claim: probably true"
    assert grade_meaning("F5") == "outlet: reliability cannot be judged; claim: improbable"


def test_the_api_gives_each_piece_of_evidence_its_grade_in_words(analyst, workspace):
    evidence = graded_evidence(workspace)
    data = api_client_for(analyst).get(f"/api/evidence/{evidence.pk}/").json()
    assert (data["grade"], data["grade_meaning"]) == ("B2", "outlet: usually reliable; claim: probably true")


def test_the_prov_trail_gives_each_piece_of_evidence_its_grade_in_words(client, analyst, workspace):
    evidence = graded_evidence(workspace)
    client.force_login(analyst)
    response = client.get(reverse("archive:claim_prov_json", args=[workspace.slug, evidence.claim_id]))
    document = ProvDocument.deserialize(content=response.content, format="json")
    [record] = [
        r for r in document.get_records(ProvEntity) if r.identifier.localpart == f"evidence-{evidence.pk}"
    ]
    meanings = {str(value) for key, value in record.attributes if key.localpart == "gradeMeaning"}
    assert meanings == {"outlet: usually reliable; claim: probably true"}
