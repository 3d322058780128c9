"""What a form sent did, said after the page reloads: the focus starts at the message, so a
screen reader reads it out, whether the action was done or refused."""

from django.urls import reverse
from playwright.sync_api import expect

from archive.claims import create_claim, edit_item
from archive.models import Claim


def edited_claim(workspace, analyst):
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    edit_item(
        claim, user=analyst, expected_version=1, changes={"statement": "Airstrikes reached 400 a week."}
    )
    return claim


def revert_as(page_for, reviewer, claim, reason: str):
    """The claim's history page, as `reviewer`, after a revert sent with `reason`."""
    page = page_for(reviewer)
    page.goto(reverse("archive:object_history", args=[claim.workspace.slug, "claim", claim.pk]))
    page.get_by_text("Revert to this version").click()
    page.get_by_label("Reason (required)").fill(reason)
    page.get_by_role("button", name="Revert").click()
    return page


def test_a_refused_revert_is_said_first_where_the_focus_starts(page_for, reviewer, analyst, workspace):
    claim = edited_claim(workspace, analyst)
    page = revert_as(page_for, reviewer, claim, "   ")
    expect(page.locator("#page-messages")).to_be_focused()
    expect(page.locator("#page-messages")).to_contain_text("Say why")
    # The version's form is open again, with what was typed.
    expect(page.get_by_label("Reason (required)")).to_be_visible()
    assert Claim.objects.get(pk=claim.pk).statement == "Airstrikes reached 400 a week."
    assert page.errors == []


def test_a_done_revert_is_said_first_where_the_focus_starts(page_for, reviewer, analyst, workspace):
    claim = edited_claim(workspace, analyst)
    page = revert_as(page_for, reviewer, claim, "the 400 figure is for Aleppo")
    expect(page.locator("#page-messages")).to_be_focused()
    expect(page.locator("#page-messages")).to_contain_text("Reverted:")
    page.keyboard.press("Tab")  # on from the message, in the page's order
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert page.errors == []
