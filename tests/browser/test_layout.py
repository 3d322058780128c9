"""Layout in Chromium: the claims table's columns, narrow screens, mixed scripts."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from archive.findings import ach
from archive.models import Stance
from archive.sources.writes import edit_source
from tests.browser.accessibility import assert_accessible
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
)

COLUMNS = """
() => {
  const table = document.querySelector("table.claims");
  const headers = [...table.querySelectorAll("thead th")].map((th) => {
    const box = th.getBoundingClientRect();
    return [th.textContent.trim(), box.left, box.right];
  });
  const cells = [...table.querySelectorAll("tbody tr:first-child td")].map((td) => {
    const box = td.getBoundingClientRect();
    return [td.textContent.trim(), box.left, box.right];
  });
  return [headers, cells];
}
"""


def test_claim_counts_stand_under_their_headers(page_for, analyst, workspace):
    claim = ClaimFactory(workspace=workspace, statement="The pumping station stopped on Tuesday")
    source = SourceFactory(workspace=workspace)
    for n, stance in enumerate([Stance.SUPPORTS, Stance.SUPPORTS, Stance.REFUTES]):
        EvidenceFactory(claim=claim, passage=PassageFactory(source=source, start=n, length=3), stance=stance)

    page = page_for(analyst)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(reverse("archive:claims", args=[workspace.slug]))
    headers, cells = page.evaluate(COLUMNS)

    assert len(headers) == len(cells) == 8
    for (header, h_left, h_right), (cell, c_left, c_right) in zip(headers, cells, strict=True):
        overlap = min(h_right, c_right) - max(h_left, c_left)
        assert overlap > 0.5 * (h_right - h_left), (header, cell, (h_left, h_right), (c_left, c_right))
        assert abs(h_left - c_left) < 1 and abs(h_right - c_right) < 1, (header, cell)
    counts = {header: cell for (header, *_), (cell, *_) in zip(headers, cells, strict=True)}
    assert (counts["Supports"], counts["Refutes"], counts["Context"]) == ("2", "1", "0")


NARROW = {"width": 390, "height": 844}
OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def wider_than_the_window(page, url: str) -> tuple[str, int] | None:
    """(url, its width) if the page at `url` scrolls sideways in `page`'s window, else None."""
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    scroll_width, width = page.evaluate(OVERFLOW)
    return (url, scroll_width) if scroll_width > width else None


@pytest.fixture
def busy_workspace(workspace, analyst, corpus_text):
    """A long article with a note and evidence on it, a claim, a question with a hypothesis."""
    source = SourceFactory(
        workspace=workspace,
        text=corpus_text,
        title="Why Aleppo fell and Daraa withstood: a long title that has to wrap on a telephone",
        original_url="https://www.baladi-news.com/ar/articles/a-very-long-address-without-any-break-in-it-at-all",
    )
    passage = PassageFactory(source=source, start=40, length=30)
    AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, body="Check the dates.")
    claim = ClaimFactory(workspace=workspace, statement="Factions in Aleppo retreated", tags=["aleppo"])
    EvidenceFactory(claim=claim, passage=PassageFactory(source=source, start=200, length=40))
    question = ach.create_question(workspace=workspace, user=analyst, text="Why did Aleppo fall?")
    ach.add_hypothesis(question=question, user=analyst, claim=claim)
    return source, claim, question


def test_no_horizontal_scroll_at_390_px(page_for, analyst, ws_admin, workspace, busy_workspace):
    source, claim, question = busy_workspace
    slug = workspace.slug
    pages = [
        (analyst, reverse("archive:home")),
        (analyst, reverse("archive:workspace", args=[slug])),
        (analyst, reverse("archive:source", args=[slug, source.pk])),
        (analyst, reverse("archive:claims", args=[slug])),
        (analyst, reverse("archive:claim", args=[slug, claim.pk])),
        (ws_admin, reverse("archive:review_queue", args=[slug])),  # analysts have no review queue
        (analyst, reverse("archive:activity", args=[slug])),
        (analyst, reverse("archive:questions", args=[slug])),
        (analyst, reverse("archive:question", args=[slug, question.pk])),
    ]
    browsers = {}
    wide = []
    for user, url in pages:
        page = browsers.get(user.pk) or browsers.setdefault(user.pk, page_for(user))
        page.set_viewport_size(NARROW)
        wide.append(wider_than_the_window(page, url))
    assert [found for found in wide if found] == []


def test_a_history_change_stacks_at_360_px_so_its_words_keep_whole(page_for, ws_admin, workspace):
    source = SourceFactory(workspace=workspace, title="The station stopped working on Tuesday morning")
    edit_source(
        source,
        user=ws_admin,
        expected_version=1,
        changes={"title": "Shelling of the Zaytoun station"},
        reason="the blog's headline",
    )
    page = page_for(ws_admin)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(reverse("archive:object_history", args=[workspace.slug, "source", source.pk]))
    cell = page.locator("table.changes td.after", has_text="Zaytoun").first
    expect(cell).to_be_visible()
    # Stacked, a value has the page's width, not a third of it.
    assert cell.bounding_box()["width"] > 280
    assert wider_than_the_window(page, page.url) is None


def test_header_collapses_into_a_menu_at_390_px(page_for, analyst, workspace):
    page = page_for(analyst)
    page.set_viewport_size(NARROW)
    page.goto(reverse("archive:workspace", args=[workspace.slug]))
    claims = page.get_by_role("link", name="Claims", exact=True)
    expect(claims).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    claims.click()
    page.wait_for_url("**/claims/")
    assert page.evaluate(OVERFLOW)[0] <= NARROW["width"]

    page.set_viewport_size({"width": 1366, "height": 900})
    expect(page.get_by_role("link", name="Claims", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()


SIDEBAR_TRANSITIONS = (
    "document.getAnimations().filter((a) => a.effect?.target?.id === 'reading-sidebar').length"
)


def test_reading_sidebar_slides_over_the_text_at_390_px(page_for, analyst, workspace, busy_workspace):
    source, _, _ = busy_workspace
    page = page_for(analyst)
    page.set_viewport_size(NARROW)
    page.goto(reverse("archive:source", args=[workspace.slug, source.pk]))
    page.wait_for_selector("#reading[data-ready=true]")
    # Closed from the start: it does not slide out over the text as the page opens.
    assert page.evaluate(SIDEBAR_TRANSITIONS) == 0
    card = page.locator("#reading-items .item-note")
    expect(card).not_to_be_in_viewport()
    toggle = page.get_by_role("button", name="Annotations and evidence")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(card).to_be_in_viewport()
    expect(card).to_contain_text("Check the dates.")
    assert page.evaluate(OVERFLOW)[0] <= NARROW["width"]
    assert_accessible(page, "reading page at 390 px, sidebar open")
    page.get_by_role("button", name="Close annotations").click()
    expect(card).not_to_be_in_viewport()
    expect(toggle).to_be_focused()
    assert page.errors == []


# The x of the truncated Arabic title's first character and of its ellipsis in the claim graph,
# and the left edges of an Arabic outlet name and of the Latin text that follows it.
BIDI_GEOMETRY = """
(title) => {
  const text = [...document.querySelectorAll(".claim-graph text")].find((t) => t.textContent.endsWith("…"));
  const last = text.getNumberOfChars() - 1;
  const ellipsis = [text.textContent.slice(0, 3), text.getExtentOfChar(0).x, text.getExtentOfChar(last).x];
  const outlet = [...document.querySelectorAll(".evidence-list bdi")].find((b) => b.textContent === title);
  const after = document.createRange();
  after.selectNodeContents(outlet.nextSibling);
  const runs = [outlet.getClientRects()[0].left, after.getClientRects()[0].left];
  return [ellipsis, runs];
}
"""


def test_arabic_next_to_latin_keeps_logical_order(page_for, analyst, workspace):
    title = "لماذا سقطت حلب وصمدت درعا: قراءة في أسباب الهزيمة والصمود"
    outlet = "بلدي نيوز 24"  # digits at its end would join the Latin text's run without isolation
    source = SourceFactory(
        workspace=workspace, title=title, outlet=OutletFactory(workspace=workspace, name=outlet)
    )
    claim = ClaimFactory(workspace=workspace, statement="Aleppo fell in December")
    EvidenceFactory(claim=claim, passage=PassageFactory(source=source))

    page = page_for(analyst)
    page.goto(reverse("archive:claim", args=[workspace.slug, claim.pk]))
    (start, first_x, ellipsis_x), (outlet_left, latin_left) = page.evaluate(BIDI_GEOMETRY, outlet)
    assert start == title[:3]  # the title was truncated at its logical end
    assert ellipsis_x < first_x  # right to left: the ellipsis ends the line on the left
    assert outlet_left < latin_left  # the Arabic run, first in logical order, comes first in the LTR line


# The left edges of a source's metadata values on its provenance page, by their label.
METADATA_LEFT = """
() => Object.fromEntries([...document.querySelectorAll(".provenance-source dl.metadata dt")].map((dt) => {
  const range = document.createRange();
  range.selectNodeContents(dt.nextElementSibling);
  return [dt.textContent, Math.round(range.getClientRects()[0].left)];
}))
"""


def test_arabic_metadata_sits_beside_its_label(page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace, title="محطة المياه", language="ar", authors=["سامر الحوراني"])
    page = page_for(analyst)
    page.goto(reverse("archive:source_provenance", args=[workspace.slug, source.pk]))
    left = page.evaluate(METADATA_LEFT)
    assert left["Authors"] == left["Published"]  # not pushed to the far side of the card


# How many lines the header's items take: an item starting below the bottom of the first
# one means the header wrapped.
HEADER_LINES = """
() => {
  const selector = ".brand, .site-nav > a, .site-search, .account > a, .account-menu > summary";
  const boxes = [...document.querySelectorAll(`.site-header :is(${selector})`)]
    .filter((el) => el.offsetParent)
    .map((el) => el.getBoundingClientRect());
  const firstBottom = Math.min(...boxes.map((box) => box.bottom));
  return 1 + boxes.filter((box) => box.top >= firstBottom).length;
}
"""


@pytest.mark.parametrize("role", ["analyst", "reviewer", "ws_admin"])
def test_header_fits_one_line_at_1366_px_for_every_role(page_for, workspace, role, request):
    workspace.name = "Demo: Tell al-Zaytoun water station"
    workspace.save(update_fields=["name"])
    user = request.getfixturevalue(role)
    # A long name (the demo's are "demo-admin" and the like) is cut, not wrapped.
    type(user).objects.filter(pk=user.pk).update(username=f"a-rather-long-name-for-an-{role}")
    if role == "ws_admin":  # the longest header: a staff admin also has the site admin link
        type(user).objects.filter(pk=user.pk).update(is_staff=True)
    page = page_for(user)
    # Short enough that the page scrolls: its scrollbar takes part of the 1366 px.
    page.set_viewport_size({"width": 1366, "height": 300})
    page.goto(reverse("archive:workspace", args=[workspace.slug]))
    assert page.evaluate("document.documentElement.scrollHeight > innerHeight")
    assert page.evaluate(HEADER_LINES) == 1
    page.locator(".account-menu summary").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert_accessible(page, f"header with the account menu open ({role})")


# Whether the member's name in the open account menu is drawn whole, inside the window.
WHOLE_USERNAME = """
() => {
  const text = document.createRange();
  text.selectNodeContents(document.querySelector(".signed-in-as bdi"));
  const name = text.getBoundingClientRect();
  return name.width > 0 && name.left >= 0 && name.right <= innerWidth;
}
"""


@pytest.mark.parametrize("width", [360, 1366])
def test_a_long_username_cut_in_the_header_is_read_whole_in_the_account_menu(
    page_for, analyst, workspace, width
):
    username = "a-username-much-longer-than-the-header-has-room-for-" * 2
    type(analyst).objects.filter(pk=analyst.pk).update(username=username)
    page = page_for(analyst)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(reverse("archive:workspace", args=[workspace.slug]))
    if width < 1000:
        page.get_by_role("button", name="Menu").click()
    page.locator(".account-menu summary").click()
    expect(page.locator(".signed-in-as")).to_have_text(f"Signed in as {username}")
    assert page.evaluate(WHOLE_USERNAME)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


# Whether all of the workspace's name in the header is drawn inside its link and the window
# (a name cut with "…" runs on past its box, hidden), and how wide the page is.
WHOLE_CRUMB = """
() => {
  const crumb = document.querySelector(".site-header .crumb");
  const text = document.createRange();
  text.selectNodeContents(crumb.querySelector("bdi"));
  const name = text.getBoundingClientRect(), box = crumb.getBoundingClientRect();
  const inside = name.left >= box.left - 1 && name.right <= box.right + 1 && name.bottom <= box.bottom + 1;
  return [inside && name.left >= 0 && name.right <= innerWidth, document.documentElement.scrollWidth];
}
"""


@pytest.mark.parametrize("width", [320, 360, 1366])
def test_a_long_workspace_name_wraps_in_the_header_to_be_read_whole(page_for, analyst, workspace, width):
    # 1280 px at 400% zoom is 320 px wide; a word longer than that breaks too.
    workspace.name = "Tell al-Zaytoun water station: Daraa governorate, southern Syria 2017 " + "Zaytoun" * 8
    workspace.save(update_fields=["name"])
    page = page_for(analyst)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(reverse("archive:workspace", args=[workspace.slug]))
    if width < 1000:
        page.get_by_role("button", name="Menu").click()
    expect(page.locator(".site-header .crumb")).to_have_accessible_name(workspace.name)
    whole, page_width = page.evaluate(WHOLE_CRUMB)
    assert whole and page_width <= width
    if width == 1366:
        assert page.evaluate(HEADER_LINES) == 1  # it wraps in its own box, the header keeps one row
    assert_accessible(page, f"header with a long workspace name at {width} px")


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 780}, {"width": 1366, "height": 900}])
def test_an_outlet_name_of_200_letters_without_a_space_does_not_widen_the_page(
    page_for, ws_admin, workspace, viewport
):
    outlet = OutletFactory(workspace=workspace, name=("Hawranvoice" * 19)[:200])
    source = SourceFactory(workspace=workspace, outlet=outlet)
    slug = workspace.slug
    page = page_for(ws_admin)  # an admin: the outlets' list has its grade and edit column
    page.set_viewport_size(viewport)
    urls = [
        reverse("archive:outlets", args=[slug]),
        reverse("archive:workspace", args=[slug]),
        reverse("archive:source", args=[slug, source.pk]),
    ]
    assert [found for url in urls if (found := wider_than_the_window(page, url))] == []


SCROLL_SHADOW = """
(selector) => {
  const box = document.querySelector(selector);
  const style = getComputedStyle(box);
  return [box.scrollWidth > box.clientWidth, style.backgroundImage.includes("radial-gradient"),
          style.backgroundAttachment];
}
"""


def test_a_table_cut_off_at_360_px_shows_a_shadow_where_it_scrolls(page_for, reviewer, workspace):
    # The matrix scrolls its hypotheses by design; the other listings stack instead (test_stacked_tables).
    question = ach.create_question(workspace=workspace, user=reviewer, text="Why did the water stop?")
    for cause in ("Shelling", "A power cut", "Maintenance"):
        ach.add_hypothesis(question=question, user=reviewer, statement=f"{cause} stopped the water station.")
    passage = EvidenceFactory(passage=PassageFactory(source=SourceFactory(workspace=workspace))).passage
    ach.add_evidence_item(question=question, user=reviewer, passage=passage)
    page = page_for(reviewer)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(reverse("archive:question", args=[workspace.slug, question.pk]))
    scrolls, shadow, attachment = page.evaluate(SCROLL_SHADOW, "table.ach-matrix")
    assert scrolls and shadow
    # The covers scroll with the rows: the shadow on a side goes once its end is in sight.
    assert "local" in attachment and "scroll" in attachment
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.evaluate(SCROLL_SHADOW, "table.ach-matrix")[:2] == [False, False]
