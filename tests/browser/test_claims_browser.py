"""A claim's page in Chromium, on a phone: an analyst finds a passage already
highlighted by its words and cites it as evidence, with a stance and a note."""

from django.urls import reverse
from playwright.sync_api import expect

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
    page.get_by_label("It").select_option("refutes")
    page.get_by_label("Note").fill("Shelling, not maintenance.")
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
