from django.urls import reverse

from tests.factories import SourceFactory


def test_workspace_page_renders_in_chromium_without_errors(page_for, analyst, workspace):
    SourceFactory(workspace=workspace, title="Why Aleppo Fell and Daraa Withstood")
    page = page_for(analyst)
    page.goto(reverse("archive:workspace", args=[workspace.slug]))
    assert page.get_by_role("link", name="Why Aleppo Fell and Daraa Withstood").is_visible()
    assert page.errors == []


def test_content_security_policy_blocks_inline_script_in_the_browser(page_for, analyst, workspace):
    page = page_for(analyst)
    response = page.goto(reverse("archive:home"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__inline = 1'; document.head.appendChild(s); }"""
    )
    assert page.evaluate("window.__inline") is None
    assert any("Content Security Policy" in error for error in page.errors)
