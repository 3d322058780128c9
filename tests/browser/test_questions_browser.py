"""A question's page in Chromium: an analyst finds an existing claim as they type and
adds it as a hypothesis, writes a new one, and takes one out again with a reason; and
finds a passage cited as evidence by its words to weigh it."""

from django.urls import reverse
from playwright.sync_api import expect

from archive.findings import ach
from archive.models import Claim, Hypothesis
from tests.browser.accessibility import assert_accessible
from tests.factories import ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory


def open_new_question(page_for, analyst, workspace):
    """A new question of the analyst's, and a page of theirs opened on it."""
    question = ach.create_question(workspace=workspace, user=analyst, text="Why did the water stop?")
    page = page_for(analyst)
    page.goto(reverse("archive:question", args=[workspace.slug, question.pk]))
    return question, page


def test_a_click_on_the_button_below_an_open_list_of_claims_sends_the_form(page_for, analyst, workspace):
    question, page = open_new_question(page_for, analyst, workspace)
    picker = page.get_by_role("combobox", name="A claim of the workspace, or a new one")
    picker.fill("Maintenance had stopped the station.")
    expect(
        page.get_by_role("option", name="New claim: “Maintenance had stopped the station.”")
    ).to_be_visible()
    page.get_by_role(
        "button", name="Add hypothesis"
    ).click()  # the list, open above it, closes as it is pressed
    expect(page.locator(".messages")).to_contain_text("Maintenance had stopped the station.")
    assert question.hypotheses.filter(claim__statement="Maintenance had stopped the station.").exists()


def test_an_analyst_adds_hypotheses_and_takes_one_out(page_for, analyst, workspace):
    shelling = ClaimFactory(workspace=workspace, statement="Shelling put the water station out of service.")
    ClaimFactory(workspace=workspace, statement="A power cut stopped the pumps.")
    question, page = open_new_question(page_for, analyst, workspace)
    picker = page.get_by_role("combobox", name="A claim of the workspace, or a new one")

    picker.fill("water station")
    page.get_by_role("option", name="Shelling put the water station out of service. (credibility 6)").click()
    page.get_by_role("button", name="Add hypothesis").click()
    expect(page.locator(".messages")).to_contain_text("Added the hypothesis")
    assert list(question.hypotheses.values_list("claim", flat=True)) == [shelling.pk]
    assert Claim.objects.count() == 2  # the existing claim, not a copy

    picker.fill("Maintenance had stopped the station.")
    # The list opens once the search that typing starts has answered (150 ms and a request later):
    # Escape closes it then. Pressed before, it closes nothing, and the list opening after it
    # pushes the button down as the click aims at it.
    new_claim = page.get_by_role("option", name="New claim: “Maintenance had stopped the station.”")
    expect(new_claim).to_be_visible()
    picker.press("Escape")
    expect(picker).to_have_attribute("aria-expanded", "false")
    page.get_by_role("button", name="Add hypothesis").click()
    expect(page.locator(".messages")).to_contain_text("Maintenance had stopped the station.")
    new = Claim.objects.get(statement="Maintenance had stopped the station.")
    assert question.hypotheses.filter(claim=new).exists()
    assert_accessible(page, "a question's page with its forms")

    taken = question.hypotheses.get(claim=new)
    page.get_by_label("A hypothesis or a piece of evidence").select_option(f"hypothesis-{taken.pk}")
    page.get_by_label("Why (kept in the history, with its ratings)").fill("Not a cause: a consequence.")
    page.get_by_role("button", name="Take out").click()
    expect(page.locator(".messages")).to_contain_text("Taken out of the analysis")
    assert not Hypothesis.objects.filter(pk=taken.pk).exists()
    assert page.errors == []


def test_an_analyst_weighs_a_passage_found_by_its_words(page_for, analyst, workspace):
    cited = EvidenceFactory(passage=PassageFactory(source=SourceFactory(workspace=workspace), length=40))
    question, page = open_new_question(page_for, analyst, workspace)
    picker = page.get_by_role("combobox", name="A passage cited as evidence")
    picker.fill("nothing quotes this")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a passage from the list")
    picker.fill(cited.passage.exact.split()[1])
    page.get_by_role("listbox", name="Passages").get_by_role("option").first.click()
    page.get_by_role("button", name="Add evidence").click()
    page.wait_for_url(f"**/questions/{question.pk}/")
    expect(page.get_by_label("A hypothesis or a piece of evidence")).to_contain_text(cited.passage.exact[:20])
    assert list(question.evidence_items.values_list("passage", flat=True)) == [cited.passage_id]
    assert page.errors == []


def test_at_360_px_the_evidence_column_stays_in_view_while_the_hypotheses_scroll(
    page_for, analyst, workspace
):
    question = ach.create_question(workspace=workspace, user=analyst, text="Why did the water stop?")
    for cause in ("Shelling", "A power cut", "Maintenance", "A burst main", "Sabotage", "A fuel shortage"):
        ach.add_hypothesis(question=question, user=analyst, statement=f"{cause} stopped the water station.")
    passage = EvidenceFactory(
        passage=PassageFactory(source=SourceFactory(workspace=workspace), length=40)
    ).passage
    ach.add_evidence_item(question=question, user=analyst, passage=passage)
    page = page_for(analyst)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(reverse("archive:question", args=[workspace.slug, question.pk]))
    box = page.locator(".ach-matrix")  # on a phone the table scrolls itself
    row_header = page.locator('.ach-matrix th[scope="row"]').first
    before = row_header.bounding_box()
    box.evaluate("(element) => { element.scrollLeft = element.scrollWidth; }")
    after = row_header.bounding_box()
    last_hypothesis = page.locator(".ach-matrix thead th").last.bounding_box()
    assert box.evaluate("(element) => element.scrollLeft") > 0  # the matrix did scroll
    assert after["x"] == before["x"] >= 0  # the evidence stayed where it was
    assert after["width"] <= 9 * 16 + 1 and last_hypothesis["x"] + last_hypothesis["width"] <= 360
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert page.errors == []
