"""Every page a role reaches by following links from the home page (and from
the results of a search, reached by a form), on the demo workspace (real
texts, every kind of object), at 360 px wide: no error status, no console
error, no serious or critical axe violation, and nothing wider than the
screen, there and at a tablet's and a desktop's width. Pages are visited once
per kind: ids in a path and the values of a query string do not make another
page (the admin's filter links, none of its query strings)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from tests.browser.accessibility import serious_violations
from tests.crawling import kind_of

PHONE = {"width": 360, "height": 740}
WIDER = [{"width": 800, "height": 1000}, {"width": 1366, "height": 800}]
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def links_on(page, origin: str) -> list[str]:
    # Resolved from the attribute: an SVG link's href property is not a string.
    hrefs = page.eval_on_selector_all(
        "a[href]", "links => links.map((link) => new URL(link.getAttribute('href'), document.baseURI).href)"
    )
    return [href.split("#")[0] for href in hrefs if href.startswith(origin)]


def problems_of(page, url: str) -> list[str]:
    """What is wrong with the page at `url`, opened at phone width, or with the file it downloads."""
    page.errors.clear()
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" not in str(error):
            raise
        status = page.request.get(url).status  # a file: only its status to check
        return [f"status {status}"] if status >= 400 else []
    found = []
    if response is None or response.status >= 400:
        found.append(f"status {response.status if response else None}")
    # Read before axe runs: its colour checks write inline styles, which the CSP refuses.
    found += [f"console: {error}" for error in page.errors]
    found += [f"axe {v['impact']} {v['id']}: {v['nodes'][:2]}" for v in serious_violations(page)]
    for size in [*WIDER, PHONE]:  # ending as it began, for the next page
        if (excess := page.evaluate(OVERFLOW)) > 0:
            found.append(f"{excess} px wider than a screen {page.viewport_size['width']} px wide")
        page.set_viewport_size(size)
    return found


@pytest.mark.parametrize("role", ["analyst", "reviewer", "admin"])
def test_every_page_a_role_reaches_works_on_a_phone(page_for, live_server, role):
    call_command("load_demo", stdout=StringIO())
    page = page_for(get_user_model().objects.get(username=f"demo-{role}"))
    page.set_viewport_size(PHONE)
    starts = [reverse("archive:home"), reverse("archive:search") + "?q=water+station"]
    queue, seen, problems = [live_server.url + path for path in starts], set(), {}
    while queue:
        url = queue.pop(0)
        if kind_of(url) in seen:
            continue
        seen.add(kind_of(url))
        if found := problems_of(page, url):
            problems[url] = found
        elif page.url.startswith(live_server.url):
            queue += links_on(page, live_server.url)
    assert len(seen) > 20  # the crawl went through the workspace, not just the home page
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())


# Posts a form of `fields` ([name, value] pairs) and the page's CSRF token.
SEND_FORM = """([action, fields]) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  for (const [name, value] of [...fields, ["csrfmiddlewaretoken", token]]) {
    const field = document.createElement("input");
    field.name = name;
    field.value = value;
    form.append(field);
  }
  document.body.append(form);
  form.submit();
}"""


def fit_and_accessible(page) -> list[str]:
    found = [f"axe {v['impact']} {v['id']}: {v['nodes'][:2]}" for v in serious_violations(page)]
    if (excess := page.evaluate(OVERFLOW)) > 0:
        found.append(f"{excess} px wider than the screen")
    return found


def test_the_refusal_pages_work_on_a_phone(page_for, live_server, analyst, reviewer, workspace):
    page = page_for(reviewer)
    page.set_viewport_size(PHONE)
    problems = {}
    for status, path in [
        (404, f"/w/{workspace.slug}/sources/999999/"),
        (403, reverse("archive:import", args=[workspace.slug])),
    ]:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == status
        problems[status] = fit_and_accessible(page)
    page = page_for(analyst)
    page.set_viewport_size(PHONE)
    claims = reverse("archive:claims", args=[workspace.slug])
    create = reverse("archive:claim_create", args=[workspace.slug])
    # The app's refusal, naming the field; Django's, of a form with more fields than it takes.
    for kind, fields, says in [
        ("ours", [["statement", "Water station\u0000"]], "contains a NUL character"),
        ("Django's", [[f"f{number}", "1"] for number in range(1200)], "larger than this server takes"),
    ]:
        page.goto(live_server.url + claims)
        with page.expect_navigation() as sent:
            page.evaluate(SEND_FORM, [create, fields])
        assert sent.value.status == 400 and says in page.content()
        problems[f"400, {kind}"] = fit_and_accessible(page)
    assert not any(problems.values()), problems
