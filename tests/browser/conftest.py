"""Playwright + Debian's Chromium against pytest-django's live server.

Browser tests are marked `browser`. Outside CI they are skipped when no
Chromium is installed; in CI (CI=true) a missing browser fails the run.

Now and then, on a loaded machine, Chromium stops drawing a page's frames: the DOM
answers, but `requestAnimationFrame` never fires, so every Playwright action (which
waits for two frames to see the element stable) times out. A test whose action
timed out while a page of it drew no frame fails with `RendererStalled` and runs
once more; any other failure fails at once.
"""

import contextlib
import os
import shutil

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class RendererStalled(Exception):
    """An action timed out while Chromium drew no frame of a page."""


DRAWS_A_FRAME = """
() => new Promise((resolve) => {
  requestAnimationFrame(() => resolve(true));
  setTimeout(() => resolve(false), 3000);
})
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.flaky(reruns=1, only_rerun=[RendererStalled]))


def stalled_pages(browser) -> list[str]:
    """The addresses of the open pages that drew no frame within 3 seconds."""
    from playwright.sync_api import Error as PlaywrightError

    stalled = []
    for context in browser.contexts:
        for page in context.pages:
            # A page closed or crashed meanwhile is not the stall asked about.
            with contextlib.suppress(PlaywrightError):
                if not page.evaluate(DRAWS_A_FRAME):
                    stalled.append(page.url)
    return stalled


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        return (yield)
    except PlaywrightTimeoutError as error:
        browser = item.funcargs.get("browser")
        stalled = stalled_pages(browser) if browser is not None else []
        if stalled:
            raise RendererStalled(f"Chromium drew no frame of {', '.join(stalled)}") from error
        raise


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed (apt-get install -y chromium)")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, live_server):
    """page_for(user, **context_options) -> a Playwright page logged in as `user` on the live
    server, in a browser context made with `context_options` (a phone's, say).

    Each page has its own session, so pages of several users can work side by side.

    Each page records the console errors and failed CSP checks it saw in
    `page.errors`, so tests can assert the page ran cleanly.
    """
    contexts = []

    def open_page(user, **context_options):
        # context_options: Playwright's, e.g. a phone's viewport, has_touch, reduced_motion.
        client = Client()
        client.force_login(user)
        context = browser.new_context(base_url=live_server.url, **context_options)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
        return page

    yield open_page
    for context in contexts:
        context.close()
