from django.urls import reverse
from playwright.sync_api import expect

from archive.claims import create_claim, edit_item
from archive.models import Claim
from tests.factories import OutletFactory
from tests.support import SAID_AFTER


def test_reviewer_filters_the_feed_by_user_opens_a_diff_and_reverts(
    page_for, reviewer, analyst, ws_admin, workspace
):
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    edit_item(
        claim,
        user=analyst,
        expected_version=1,
        changes={"statement": "Airstrikes reached 400 a week."},
        reason="figure from the second paragraph",
    )
    OutletFactory(workspace=workspace, name="Enab Baladi")  # a change by nobody in particular

    page = page_for(reviewer)
    page.goto(reverse("archive:activity", args=[workspace.slug]))
    page.get_by_label("User").select_option(label="analyst")
    page.get_by_role("button", name="Filter").click()
    # The click starts a navigation; expect() waits for the filtered page.
    rows = page.locator("table.activity tbody tr")
    expect(rows).to_have_count(2)
    assert "Enab Baladi" not in page.locator("table.activity").inner_text()

    rows.first.get_by_role("link", name="Airstrikes reached 400 a week.").click()
    expect(page.locator("del", has_text="120").first).to_be_visible()
    expect(page.locator("ins", has_text="400").first).to_be_visible()

    page.get_by_text("Revert to this version").click()
    page.get_by_label("Reason (required)").fill("the 400 figure is for Aleppo, not Daraa")
    page.get_by_role("button", name="Revert").click()
    expect(page.get_by_text("Reverted:")).to_be_visible()
    assert Claim.objects.get(pk=claim.pk).statement == "Airstrikes reached 120 a week."
    assert page.errors == []


def test_the_as_of_picker_shows_the_moment_of_a_version_and_shows_it_again(page_for, analyst, workspace):
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    edit_item(
        claim, user=analyst, expected_version=1, changes={"statement": "Airstrikes reached 400 a week."}
    )
    page = page_for(analyst)
    page.goto(reverse("archive:object_history", args=[workspace.slug, "claim", claim.pk]))
    page.get_by_role("link", name="as it was then").last.click()  # the first version
    expect(page.get_by_role("heading", level=1)).to_have_text("Airstrikes reached 120 a week.")
    picker = page.get_by_label("As of (UTC)")
    assert picker.input_value() != ""
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Airstrikes reached 120 a week.")
    assert page.errors == []


def test_a_statement_rewritten_in_arabic_shows_each_value_whole_on_its_line_in_its_direction(
    page_for, analyst, workspace
):
    english = "The station's director said the shelling began on Thursday morning."
    claim = create_claim(workspace=workspace, user=analyst, statement=english)
    edit_item(claim, user=analyst, expected_version=1, changes={"statement": SAID_AFTER}, reason="in Arabic")
    page = page_for(analyst)
    page.goto(reverse("archive:object_history", args=[workspace.slug, "claim", claim.pk]))
    old, new = page.locator("del.whole"), page.locator("ins.whole")
    direction = "element => getComputedStyle(element).direction"
    # The diff reads left to right from its first, English, value: the Arabic one keeps its own.
    assert (old.evaluate(direction), new.evaluate(direction)) == ("ltr", "rtl")
    old_box, new_box = old.bounding_box(), new.bounding_box()
    assert new_box["y"] >= old_box["y"] + old_box["height"]
    assert page.errors == []


def test_a_word_diff_says_aloud_which_words_went_and_which_came(page_for, reviewer, analyst, workspace):
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    edit_item(
        claim, user=analyst, expected_version=1, changes={"statement": "Airstrikes reached 400 a week."}
    )
    page = page_for(reviewer)
    page.goto(reverse("archive:object_history", args=[workspace.slug, "claim", claim.pk]))
    diff = page.locator("del", has_text="120").locator("xpath=..")
    spoken = diff.aria_snapshot()
    assert 'deletion: "[removed: 120' in spoken and 'insertion: "[added: 400' in spoken
    assert "removed" not in diff.inner_text()  # what is seen and copied: the words alone
    assert page.errors == []
