"""The probe that tells a Chromium that stopped drawing frames from a failing page: only
a test whose page drew no frame is run again (tests/browser/conftest.py)."""

from tests.browser.conftest import RendererStalled, stalled_pages


def test_a_page_that_draws_no_frame_is_reported_and_one_that_draws_is_not(browser, page_for, analyst):
    drawing, stalled = page_for(analyst), page_for(analyst)
    drawing.goto("/")
    stalled.goto("/sources/")
    # As when Chromium stops drawing: the page's animation frames never come.
    stalled.evaluate("() => { window.requestAnimationFrame = () => 0; }")

    assert stalled_pages(browser) == [stalled.url]


def test_browser_tests_run_again_only_for_a_stalled_renderer(request):
    [marker] = request.node.iter_markers("flaky")

    assert marker.kwargs == {"reruns": 1, "only_rerun": [RendererStalled]}
