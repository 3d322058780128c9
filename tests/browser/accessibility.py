"""axe-core (static/vendor/axe-core, vendored) run in a Playwright page.

Injected by the tests only: no page of the application loads it. It is added
by URL, as a static file of the live server, because the pages' Content
Security Policy (script-src 'self') refuses an inline script, which is what
`add_script_tag(path=...)` would add; the policy stays as it is in production.
"""

from django.templatetags.static import static

AXE_URL = "vendor/axe-core/axe.min.js"
SERIOUS = {"serious", "critical"}

RUN_AXE = """
async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " — " + n.failureSummary),
  }));
}
"""


def serious_violations(page) -> list[dict]:
    """The serious and critical axe violations of the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=static(AXE_URL))
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in SERIOUS]


def assert_accessible(page, where: str = "") -> None:
    violations = serious_violations(page)
    described = "\n".join(
        f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations
    )
    assert not violations, f"axe found on {where or page.url}:\n{described}"
