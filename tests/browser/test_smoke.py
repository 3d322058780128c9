from django.urls import reverse

from tests.factories import SourceFactory


def test_workspace_page_renders_in_chromium_without_errors(page_for, analyst, workspace):
    SourceFactory(workspace=workspace, title="Why Aleppo Fell and Daraa Withstood")
    page = page_for(analyst)
    page.goto(reverse("archive:workspace", args=[workspace.slug]))
    assert page.get_by_role("link", name="Why Aleppo Fell and Daraa Withstood").is_visible()
    assert page.errors == []
