"""The claim picker of the reading page's "Cite as evidence" dialog, by keyboard: a
combobox whose list has no active option until an arrow key moves to one."""

from playwright.sync_api import expect

from archive.models import Evidence
from tests.browser.reading import open_reading_page, select
from tests.factories import ClaimFactory, SourceFactory

OLDER = "Aleppo was encircled in 2012"
NEWER = "The siege ended in December 2016"  # the latest claim: listed first


def open_cite_dialog(page_for, analyst, workspace):
    """The reading page with the "Cite as evidence" dialog open on a selection, its claim picker focused."""
    ClaimFactory(workspace=workspace, statement=OLDER)
    ClaimFactory(workspace=workspace, statement=NEWER)
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    select(page, "completely surrounded")
    page.get_by_role("button", name="Cite as evidence").click()
    picker = page.get_by_role("combobox", name="Claim")
    expect(picker).to_be_focused()
    # Any search the focus started has answered: what Enter or an arrow key acts on is on the page.
    page.wait_for_load_state("networkidle")
    return page, picker


def test_enter_in_the_freshly_focused_empty_claim_picker_chooses_no_claim(page_for, analyst, workspace):
    page, picker = open_cite_dialog(page_for, analyst, workspace)
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog").get_by_role("alert")).to_contain_text("Choose a claim from the list")
    assert picker.input_value() == ""
    assert page.locator('#claim-options [aria-selected="true"]').count() == 0
    assert not Evidence.objects.exists()


def test_arrow_down_then_enter_chooses_the_first_claim_listed(page_for, analyst, workspace):
    page, picker = open_cite_dialog(page_for, analyst, workspace)
    page.keyboard.press("ArrowDown")
    expect(picker).to_have_attribute("aria-activedescendant", "claim-options-0")
    expect(page.locator("#claim-options-0")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(picker).to_have_value(NEWER)
    expect(picker).to_have_attribute("aria-expanded", "false")


def test_tab_closes_the_claim_list_and_moves_past_it(page_for, analyst, workspace):
    page, picker = open_cite_dialog(page_for, analyst, workspace)
    page.keyboard.press("ArrowDown")
    expect(picker).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(picker).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("listbox", name="Claims")).to_be_hidden()
    assert page.evaluate("document.activeElement.name") == "stance"


def test_the_claim_picker_says_how_many_claims_it_found(page_for, analyst, workspace):
    page, picker = open_cite_dialog(page_for, analyst, workspace)
    said = page.get_by_role("dialog").locator(".picker [role=status]")
    picker.fill("Aleppo")
    expect(said).to_have_text("1 claim found; or make it a new claim, listed last.")
    picker.fill("Homs")
    expect(said).to_have_text("No claims found; or make it a new claim, listed last.")
