"""Deleting in Chromium: an analyst deletes their claim with its evidence, on a phone,
and a reviewer brings both back from its history; an admin is shown why a source with
passages stays."""

from django.urls import reverse
from playwright.sync_api import expect

from archive.models import Claim, Evidence
from tests.browser.accessibility import assert_accessible
from tests.factories import ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory
from tests.test_deleting import deletion_of

PHONE = {"width": 360, "height": 740}
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def test_an_analyst_deletes_a_claim_and_a_reviewer_restores_it(page_for, analyst, reviewer, workspace):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="The water station was shelled.")
    evidence = EvidenceFactory(claim=claim, passage=PassageFactory(source=SourceFactory(workspace=workspace)))
    page = page_for(analyst)
    page.set_viewport_size(PHONE)
    page.goto(reverse("archive:claim", args=[workspace.slug, claim.pk]))
    page.get_by_role("link", name="Delete this claim").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this claim?")
    expect(page.locator(".deleting")).to_have_text("The water station was shelled.")
    expect(page.locator(".deleted-with")).to_have_text("1 evidence")
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    assert_accessible(page, "deleting a claim at 360 px")
    page.get_by_label("Why delete it (kept in the history)").fill("Duplicates an older claim.")
    page.get_by_role("button", name="Delete").click()
    expect(page.locator(".messages")).to_contain_text("Deleted the claim")
    page.wait_for_url("**/claims/")
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert deletion_of(claim) == (analyst, "Duplicates an older claim.")
    assert page.errors == []

    page = page_for(reviewer)
    page.goto(reverse("archive:object_history", args=[workspace.slug, "claim", claim.pk]))
    restore = page.locator("details.revert").first
    restore.locator("summary").click()
    restore.get_by_label("Reason (required)").fill("Not a duplicate: a different week.")
    restore.get_by_role("button", name="Restore").click()
    expect(page.locator(".messages")).to_contain_text("Restored")
    restored = Claim.objects.get(pk=claim.pk)
    assert restored.statement == "The water station was shelled."
    assert restored.history.first().history_change_reason.endswith("Not a duplicate: a different week.")
    assert Evidence.objects.filter(pk=evidence.pk).exists()  # deleted with it, restored with it
    assert page.errors == []


def test_an_admin_is_shown_why_a_source_with_passages_stays(page_for, ws_admin, workspace):
    source = SourceFactory(workspace=workspace, title="Why Aleppo Fell")
    PassageFactory(source=source)
    page = page_for(ws_admin)
    page.goto(reverse("archive:source", args=[workspace.slug, source.pk]))
    page.get_by_role("navigation", name="About this source").get_by_role("link", name="Delete").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "It cannot be deleted while these refer to it: 1 passage."
    )
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    assert_accessible(page, "a source that cannot be deleted")
    assert page.errors == []
