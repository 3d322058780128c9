"""A claim's page in Chromium, on a phone: an analyst finds a passage already
highlighted by its words and cites it as evidence, with a stance and a note."""

import re
import uuid

from django.urls import reverse
from playwright.sync_api import expect

from archive.findings.exports import record_export
from archive.models import Stance
from tests.browser.accessibility import assert_accessible
from tests.factories import ClaimFactory, PassageFactory, SourceFactory

TEXT = "The water station in Tell al-Zaytoun stopped pumping on Monday after the shelling."


def test_an_analyst_cites_a_passage_found_by_its_words_from_the_claims_page(page_for, analyst, workspace):
    claim = ClaimFactory(workspace=workspace, statement="The station was shut down for maintenance.")
    source = SourceFactory(workspace=workspace, title="Hawran Voice report", text=TEXT)
    passage = PassageFactory(
        source=source, start=TEXT.index("stopped"), length=len("stopped pumping on Monday")
    )
    page = page_for(analyst)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(reverse("archive:claim", args=[workspace.slug, claim.pk]))

    picker = page.get_by_role("combobox", name="Passage")
    picker.fill("nothing says this")
    page.get_by_role("button", name="Cite").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a passage from the list")
    assert not claim.evidence.exists()

    picker.fill("pumping")
    page.get_by_role("option", name="“stopped pumping on Monday” (Hawran Voice report)").click()
    page.get_by_label("Stance").select_option("refutes")
    page.get_by_label("Note", exact=True).fill("Shelling, not maintenance.")
    page.get_by_role("button", name="Cite").click()

    expect(page.locator(".messages")).to_contain_text("it refutes the claim")
    evidence = claim.evidence.get()
    assert (evidence.passage, evidence.stance, evidence.note) == (
        passage,
        Stance.REFUTES,
        "Shelling, not maintenance.",
    )
    assert evidence.history.get().history_user == analyst
    expect(page.locator(".evidence-refutes .evidence-list")).to_contain_text("stopped pumping on Monday")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page, "a claim's page with its cite form")
    assert page.errors == []


def test_an_analyst_sees_every_error_of_the_claim_form_at_once_in_an_accessible_alert(
    page_for, analyst, workspace
):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, credibility=6)
    page = page_for(analyst)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(reverse("archive:claim", args=[workspace.slug, claim.pk]))
    page.get_by_text("Edit claim").click()
    form = page.locator(".claim-edit form")
    form.get_by_label("Statement").fill("   ")
    form.get_by_role("combobox", name="Credibility").select_option("2")
    form.get_by_role("button", name="Save").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Statement: A claim needs a statement.")
    expect(alert).to_contain_text("Reason for the change: Say why you change the credibility grade")
    assert_accessible(page, "a claim's page after a refused edit")


def test_a_claims_exported_packages_are_listed_readably_on_a_phone(page_for, analyst, workspace):
    claim = ClaimFactory(workspace=workspace, statement="The station was shut down.")
    package_uuid = str(uuid.uuid4())
    record_export(
        claim=claim,
        package_uuid=package_uuid,
        user=analyst,
        chain_length=1234,
        head_hash="a" * 64,
        tag_manifest_sha256="b" * 64,
        timestamped=False,
    )
    page = page_for(analyst)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(reverse("archive:claim", args=[workspace.slug, claim.pk]))

    exports = page.get_by_role("region", name="Evidence packages exported")
    expect(exports.get_by_role("link", name=package_uuid)).to_be_visible()
    expect(exports.get_by_role("cell", name="1234")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page, "a claim's page listing its exported packages")
    assert page.errors == []


def test_the_passage_picker_says_how_many_passages_it_found_and_marks_itself_when_none_is_chosen(
    page_for, analyst, workspace
):
    claim = ClaimFactory(workspace=workspace)
    source = SourceFactory(workspace=workspace, title="Hawran Voice report", text=TEXT)
    PassageFactory(source=source, start=TEXT.index("stopped"), length=len("stopped pumping on Monday"))
    page = page_for(analyst)
    page.goto(reverse("archive:claim", args=[workspace.slug, claim.pk]))
    picker = page.get_by_role("combobox", name="Passage")
    said = page.locator("#cite-passage .picker [role=status]")
    picker.fill("nothing says this")
    expect(said).to_have_text("No highlighted passage has these words.")
    page.get_by_role("button", name="Cite").click()
    expect(picker).to_have_attribute("aria-invalid", "true")
    expect(picker).to_have_accessible_description(re.compile("^Choose a passage from the list"))
    expect(picker).to_be_focused()
    picker.fill("pumping")
    expect(said).to_have_text("1 passage found.")
    assert page.errors == []
