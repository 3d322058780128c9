"""The identifiers of a PROV export lead to the pages of what they name."""

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from prov.model import ProvActivity, ProvAgent, ProvDocument, ProvEntity

from archive.claims import delete_evidence
from archive.claims.claims import set_credibility
from archive.models import Derivation, UnarchivedOriginal, VersionOrigin
from archive.passages.correction import correct_source_text
from archive.sources.writes import create_source, set_derivation
from tests.factories import (
    CaptureFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
    WorkspaceFactory,
)
from tests.support import same_page

# Agents and bytes the archive has no page for: a person, names only, stored files.
PAGELESS = ("user-", "author-", "publisher-", "original-", "warc-")


@pytest.fixture
def trail(workspace, analyst, reviewer, ws_admin, settings, tmp_path):
    """A claim graded by a reviewer, citing a passage of a corrected, captured republication
    of an original with an outlet, and a translation of an original that is not archived;
    every source's fixity verified."""
    # Stored files are named by their content: another test deleting or damaging one of the
    # same content (the factories' defaults) must not fail this one's fixity check.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    original = SourceFactory(
        workspace=workspace,
        authors=["Turki Mostafa"],
        outlet=OutletFactory(workspace=workspace, name="Baladi News"),
        with_original=True,
    )
    republication = create_source(
        workspace=workspace,
        user=analyst,
        title="Republished",
        text="The station stopped on Tuesday.",
        language="en",
        derived_from=original,
        derivation=Derivation.REPUBLICATION,
    )
    CaptureFactory(source=republication, web=True)
    correct_source_text(
        source=republication, user=ws_admin, new_text="The station stopped on Monday.", reason="the date"
    )
    claim = set_credibility(
        ClaimFactory(workspace=workspace, created_by=analyst), user=reviewer, credibility=2, reason="one"
    )
    passage = PassageFactory(source=republication, created_by=analyst, start=4, length=7)
    evidence = EvidenceFactory(claim=claim, passage=passage, created_by=analyst)
    translation = SourceFactory(workspace=workspace)
    set_derivation(
        source=translation,
        user=ws_admin,
        derived_from=None,
        derivation=Derivation.TRANSLATION,
        reason="the original is offline",
        unarchived_original=UnarchivedOriginal(title="عودة المياه إلى درعا", language="ar"),
    )
    EvidenceFactory(claim=claim, passage=PassageFactory(source=translation), created_by=analyst)
    call_command("verify_fixity", "--workspace", workspace.slug, stdout=io.StringIO())
    return {"claim": claim, "passage": passage, "evidence": evidence, "republication": republication}


def exported(client, user, claim) -> dict[str, str]:
    """The claim's evidence trail as exported: each record's identifier, by its local part."""
    client.force_login(user)
    response = client.get(reverse("archive:claim_prov_json", args=[claim.workspace.slug, claim.pk]))
    document = ProvDocument.deserialize(content=response.content, format="json")
    return {
        str(record.identifier.localpart): record.identifier.uri
        for record in document.get_records((ProvEntity, ProvActivity, ProvAgent))
    }


def resolved(client, iri: str) -> str:
    response = client.get(urlsplit(iri).path)
    assert response.status_code == 302, iri
    return response["Location"]


def test_a_claim_s_identifier_leads_to_its_page(client, analyst, workspace, trail):
    claim = trail["claim"]
    iri = exported(client, analyst, claim)[f"claim-{claim.pk}"]
    assert iri == f"http://testserver/w/{workspace.slug}/claim-{claim.pk}"
    assert resolved(client, iri) == reverse("archive:claim", args=[workspace.slug, claim.pk])


def test_a_passage_s_identifier_leads_to_its_source_s_reading_page_at_the_passage(
    client, analyst, workspace, trail
):
    passage = trail["passage"]
    iri = exported(client, analyst, trail["claim"])[f"passage-{passage.pk}"]
    page = reverse("archive:source", args=[workspace.slug, passage.source_id])
    assert resolved(client, iri) == f"{page}#passage-{passage.pk}"


def test_evidence_s_identifier_leads_to_it_on_its_claim_s_page(client, analyst, workspace, trail):
    evidence = trail["evidence"]
    iri = exported(client, analyst, trail["claim"])[f"evidence-{evidence.pk}"]
    page = reverse("archive:claim", args=[workspace.slug, evidence.claim_id])
    assert resolved(client, iri) == f"{page}#evidence-{evidence.pk}"


def test_deleted_evidence_s_identifier_leads_to_its_history(client, analyst, workspace, trail):
    evidence = trail["evidence"]
    iri = exported(client, analyst, trail["claim"])[f"evidence-{evidence.pk}"]
    delete_evidence(evidence=evidence, user=analyst, reason="the passage says something else")
    history = resolved(client, iri)
    assert history == reverse("archive:object_history", args=[workspace.slug, "evidence", evidence.pk])
    assert "the passage says something else" in client.get(history).content.decode()


def test_an_identifier_of_what_never_was_is_not_found(client, analyst, workspace, trail):
    client.force_login(analyst)
    assert client.get(f"/w/{workspace.slug}/evidence-987654").status_code == 404


def test_a_grading_s_identifier_leads_to_that_version_in_the_claim_s_history(
    client, analyst, workspace, trail
):
    claim = trail["claim"]
    graded = claim.history.first()
    iri = exported(client, analyst, claim)[f"grading-claim-{claim.pk}-{graded.history_id}"]
    history = reverse("archive:object_history", args=[workspace.slug, "claim", claim.pk])
    assert resolved(client, iri) == f"{history}?version={graded.history_id}"


def test_a_correction_s_identifier_leads_to_the_version_it_made(client, analyst, workspace, trail):
    source = trail["republication"]
    made = source.versions.get(origin=VersionOrigin.CORRECTION)
    iri = exported(client, analyst, trail["claim"])[f"correction-{made.pk}"]
    page = reverse("archive:source_version", args=[workspace.slug, source.pk, made.number])
    assert resolved(client, iri) == page


def test_an_outlet_s_identifier_leads_to_its_row_on_the_outlets_page(client, analyst, workspace, trail):
    outlet = trail["republication"].derived_from.outlet
    iri = exported(client, analyst, trail["claim"])[f"outlet-{outlet.pk}"]
    location = resolved(client, iri)
    assert location == f"{reverse('archive:outlets', args=[workspace.slug])}#outlet-{outlet.pk}"
    assert f'<tr id="outlet-{outlet.pk}">' in client.get(location).content.decode()


def test_every_identifier_of_an_object_with_a_page_leads_to_a_page_the_member_can_open(
    client, analyst, trail
):
    identifiers = exported(client, analyst, trail["claim"])
    opened = {
        local: client.get(urlsplit(iri).path, follow=True).status_code
        for local, iri in identifiers.items()
        if not local.startswith(PAGELESS)
    }
    assert len(opened) > 10
    assert {local: status for local, status in opened.items() if status != 200} == {}


def test_an_identifier_of_something_without_a_page_is_404(client, analyst, trail):
    identifiers = exported(client, analyst, trail["claim"])
    pageless = [iri for local, iri in identifiers.items() if local.startswith(PAGELESS)]
    assert {client.get(urlsplit(iri).path).status_code for iri in pageless} == {404}


def test_a_non_member_gets_the_same_404_as_for_the_page(client, analyst, outsider, workspace, trail):
    claim = trail["claim"]
    iri = exported(client, analyst, claim)[f"claim-{claim.pk}"]
    client.force_login(outsider)
    page = client.get(reverse("archive:claim", args=[workspace.slug, claim.pk]))
    response = client.get(urlsplit(iri).path)
    assert (response.status_code, same_page(response.content.decode())) == (
        404,
        same_page(page.content.decode()),
    )


def test_an_identifier_naming_another_workspace_s_object_is_404(client, analyst, workspace):
    elsewhere = ClaimFactory(workspace=WorkspaceFactory())
    client.force_login(analyst)
    assert client.get(f"/w/{workspace.slug}/claim-{elsewhere.pk}").status_code == 404


def test_an_identifier_with_a_number_beyond_64_bits_is_404(client, analyst, workspace):
    client.force_login(analyst)
    assert client.get(f"/w/{workspace.slug}/claim-{2**63}").status_code == 404
