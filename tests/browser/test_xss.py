"""Every page, loaded in Chromium with script payloads in every text field,
shows the payloads as text and runs none of them."""

from django.urls import reverse

from tests.test_permission_matrix import APP_ROUTES, OK, RULES
from tests.world import build_world

PAYLOAD = '<script>window.__xss=1</script><img src="x-xss" onerror="window.__xss=1">"\'><b>bold</b>'


def html_pages_for_admin(world) -> list[str]:
    urls = []
    for route in APP_ROUTES:
        rule = RULES.get(route.name)
        if rule is None or rule.methods.get("GET", {}).get("admin") != OK:
            continue
        kwargs = rule.kwargs(world) if rule.kwargs else {key: world.kwarg(key) for key in route.kwargs}
        urls.append(reverse(route.name, kwargs=kwargs))
    return urls


def test_no_page_runs_a_script_payload_from_user_text(page_for, transactional_db):
    world = build_world(payload=PAYLOAD)
    page = page_for(world.users["admin"])
    checked = 0
    refusals: set[str] = set()
    for url in html_pages_for_admin(world):
        # Only pages a browser renders: JSON, downloads and exports are not (an archived
        # HTML original is HTML, but sent as an attachment to save, never to render).
        answer = page.request.get(url)
        headers = answer.headers
        if answer.status != 200:
            # A refusal is a page too (an evidence package is refused, 409, where this run's stored
            # files or history do not verify): the browser logs its status, which is no script error.
            refusals.add(f"the server responded with a status of {answer.status} ")
        if "text/html" not in headers.get("content-type", "") or "attachment" in headers.get(
            "content-disposition", ""
        ):
            continue
        page.goto(url)
        checked += 1
        assert page.evaluate("window.__xss") is None, url
        assert page.locator("img[src='x-xss'], b:text-is('bold')").count() == 0, url
        errors = [error for error in page.errors if not any(refusal in error for refusal in refusals)]
        assert errors == [], f"{url}: {errors}"
    assert checked >= 3
    page.goto(reverse("archive:source", args=[world.workspace.slug, world.source.pk]))
    assert "<script>window.__xss=1</script>" in page.inner_text("main")
