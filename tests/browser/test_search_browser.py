from django.urls import reverse

from tests.factories import SourceFactory


def test_slash_and_the_header_box_lead_to_highlighted_results(page_for, analyst, workspace):
    SourceFactory(workspace=workspace, title="Siege of Daraa", text="Russian airstrikes reached 120 a week.")
    page = page_for(analyst)
    page.goto(reverse("archive:home"))
    page.keyboard.press("/")  # search.js: "/" jumps to the search box
    page.keyboard.type('"120 a week"')
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.locator(".hit mark").first.inner_text() == "120 a week"
    assert page.get_by_role("link", name="Siege of Daraa").is_visible()
    assert page.errors == []
