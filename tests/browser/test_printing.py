"""A claim's page printed as a fact-check's record: its content, without the screen's controls."""

from django.urls import reverse
from playwright.sync_api import expect

from archive.models import Stance
from tests.factories import ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory


def test_a_printed_claim_page_has_its_evidence_and_full_hashes_but_no_menus_or_forms(
    page_for, analyst, workspace
):
    source = SourceFactory(workspace=workspace, original_url="https://example.org/report")
    claim = ClaimFactory(workspace=workspace, statement="The pumps stopped on Tuesday.")
    EvidenceFactory(
        claim=claim, passage=PassageFactory(source=source, start=8, length=11), stance=Stance.SUPPORTS
    )
    page = page_for(analyst)
    page.goto(reverse("archive:claim", args=[workspace.slug, claim.pk]))
    full_hash = page.get_by_text(source.text_sha256, exact=True)
    expect(full_hash).to_be_hidden()  # on screen, the short form with the full one as its title
    expect(page.locator(".site-header")).to_be_visible()
    assert page.locator("main form:visible").count() > 0

    page.emulate_media(media="print")
    expect(full_hash).to_be_visible()
    expect(page.locator(".hash-short").first).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    assert page.locator("main form:visible, main button:visible").count() == 0
    expect(page.get_by_role("heading", level=1)).to_contain_text("The pumps stopped on Tuesday.")
    assert page.errors == []
