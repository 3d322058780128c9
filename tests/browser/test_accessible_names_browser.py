"""What a screen reader reads: on a claim's page, the stance of a citation is named and
reads as a sentence with its options, and the claim's credibility is read once; on the
reading page, a highlight is a button that opens a dialog."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.reading import annotate, open_reading_page, select
from tests.factories import AnnotationFactory, ClaimFactory, PassageFactory, SourceFactory


def open_claim(page_for, analyst, workspace):
    claim = ClaimFactory(workspace=workspace, statement="The station was shut down.", credibility=6)
    page = page_for(analyst)
    page.goto(reverse("archive:claim", args=[workspace.slug, claim.pk]))
    return page


def test_the_stance_of_a_citation_is_named_and_its_options_read_as_a_sentence(page_for, analyst, workspace):
    page = open_claim(page_for, analyst, workspace)
    stance = page.get_by_role("combobox", name="Stance", exact=True)
    expect(stance.get_by_role("option")).to_have_text(
        ["it supports the claim", "it refutes the claim", "it gives context to the claim"]
    )


def test_a_claims_credibility_grade_is_read_once(page_for, analyst, workspace):
    page = open_claim(page_for, analyst, workspace)
    credibility = page.locator("dl.metadata dt:text-is('Credibility') + dd")
    expect(credibility).to_match_aria_snapshot('- definition: "6: truth cannot be judged"')


def test_a_highlight_made_in_place_is_a_button_that_opens_a_dialog(page_for, analyst, workspace):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    annotate(page, "completely surrounded", "Encircled.")
    highlight = page.locator("#source-text").get_by_role("button", name="completely surrounded")
    expect(highlight).to_have_attribute("aria-haspopup", "dialog")
    highlight.press("Enter")
    expect(page.get_by_role("dialog", name="On this passage")).to_be_visible()


def test_an_items_buttons_are_described_by_its_quote_in_the_sidebar_and_its_popup(
    page_for, analyst, workspace
):
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    annotate(page, "completely surrounded", "Encircled.")
    sidebar = page.locator("#reading-sidebar")
    for name in ("Edit", "Delete", "Submit for review"):
        expect(sidebar.get_by_role("button", name=name, exact=True)).to_have_accessible_description(
            "completely surrounded"
        )
    page.locator("#source-text").get_by_role("button", name="completely surrounded").press("Enter")
    popup = page.get_by_role("dialog", name="On this passage")
    expect(popup.get_by_role("button", name="Edit", exact=True)).to_have_accessible_description(
        "completely surrounded"
    )
    assert (
        popup.get_by_role("button", name="Edit", exact=True)
        .get_attribute("aria-describedby")
        .startswith("popup-")
    )


def test_a_selection_is_announced_and_its_buttons_come_next_after_the_text(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace, text="The station was completely surrounded by the army.")
    passage = PassageFactory(source=source, created_by=analyst, start=source.text.index("army"), length=4)
    AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)
    page = page_for(analyst)
    open_reading_page(page, source)
    page.locator("#source-text").get_by_role("button", name="army").focus()
    select(page, "completely surrounded")
    expect(page.locator("#reading-status")).to_have_text(
        "Text selected: Annotate and Cite as evidence follow the text."
    )
    page.keyboard.press("Tab")
    expect(
        page.get_by_role("toolbar", name="Selected text").get_by_role("button", name="Annotate")
    ).to_be_focused()
