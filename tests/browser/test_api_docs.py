def test_api_docs_render_from_vendored_assets_under_the_csp(page_for, analyst):
    page = page_for(analyst)
    page.goto("/api/docs/")
    page.get_by_text("/api/annotations/{id}/").first.wait_for()
    assert page.errors == []
