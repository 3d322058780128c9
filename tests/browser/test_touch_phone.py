"""On a phone with a touch screen (Chromium with touch, 360 px and 320 px wide): controls big enough
to tap, nothing scrolling sideways, the hypotheses' headings in view, unread alerts told on the
Menu button, no keyboard-only hints, and the floating sidebar button covering nothing when the
phone is held sideways."""

from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from archive.findings import ach
from archive.models import Alert, AlertKind, Outlet, Question, Source, Workspace
from tests.browser.accessibility import assert_accessible
from tests.browser.reading import open_reading_page
from tests.factories import EvidenceFactory, PassageFactory, SourceFactory

PHONE = {"width": 360, "height": 740}
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"

# Every visible control, and every link that works as one (a count alone in a cell, a tab, a page
# number), smaller than 24 x 24 CSS px (WCAG 2.2 target size, minimum), or with text under 16 px
# in a field (iOS zooms into a field whose text is smaller).
TOO_SMALL = """() => [...document.querySelectorAll(
    'button, input:not([type=hidden]), select, textarea, summary, '
    + 'td > a:only-child, .search-kinds a, .pagination a'
  )]
  .filter((control) => control.checkVisibility({ visibilityProperty: true }))
  .map((control) => {
    const box = control.getBoundingClientRect();
    const field = control.matches('input:not([type=checkbox], [type=radio], [type=file]), select, textarea');
    const text = parseFloat(getComputedStyle(control).fontSize);
    const name = control.name || control.textContent.trim().slice(0, 30);
    const size = [Math.round(box.width), Math.round(box.height)];
    return [control.tagName.toLowerCase(), name, ...size, field ? text : 16];
  })
  .filter(([, , width, height, text]) => width < 24 || height < 24 || text < 16)"""


@pytest.fixture
def touch_page_for(browser, live_server):
    """touch_page_for(user, width=360, height=740) -> a page of `user` (None: no one logged in) in a
    context with a touch screen and no mouse, so `(pointer: coarse)` and `(hover: none)` match."""
    contexts = []

    def open_page(user, width=PHONE["width"], height=PHONE["height"], touch=True):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, has_touch=touch
        )
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()


def main_pages() -> dict[str, str]:
    """The pages of the demo workspace one uses most, by name."""
    slug = Workspace.objects.get().slug
    return {
        "search": reverse("archive:search") + "?q=water",
        "sources": reverse("archive:workspace", args=[slug]),
        "claims": reverse("archive:claims", args=[slug]),
        "hypotheses": reverse("archive:questions", args=[slug]),
        "a question": reverse("archive:question", args=[slug, Question.objects.first().pk]),
        "outlets": reverse("archive:outlets", args=[slug]),
        "an outlet's grade": reverse("archive:outlet_grade", args=[slug, Outlet.objects.first().pk]),
        "import": reverse("archive:import", args=[slug]),
        "review queue": reverse("archive:review_queue", args=[slug]),
        "alerts": reverse("archive:alerts"),
        "reading": reverse("archive:source", args=[slug, Source.objects.first().pk]),
    }


@pytest.mark.parametrize("width", [320, 360])
def test_the_search_page_fits_a_phone_with_its_button_in_sight(touch_page_for, analyst, workspace, width):
    SourceFactory(workspace=workspace, title="Water station", text="The water station stopped.")
    page = touch_page_for(analyst, width=width)
    page.goto(reverse("archive:search") + "?q=water")
    button = page.get_by_role("button", name="Search", exact=True).bounding_box()
    assert page.evaluate(OVERFLOW) <= 0
    assert button["x"] >= 0 and button["x"] + button["width"] <= width - 8  # inside the page's margin
    assert page.get_by_role("searchbox", name="Search for").bounding_box()["x"] + 1 >= 8


@pytest.mark.parametrize("touch", [True, False], ids=["touch at 360 px", "mouse at 1366 px"])
def test_no_control_of_the_main_pages_is_under_24_px_or_its_text_under_16_px(
    touch_page_for, live_server, touch
):
    call_command("load_demo", stdout=StringIO())
    size = PHONE if touch else {"width": 1366, "height": 800}
    page = touch_page_for(get_user_model().objects.get(username="demo-admin"), touch=touch, **size)
    found = {}
    for name, url in main_pages().items():
        page.goto(url)
        if small := page.evaluate(TOO_SMALL):
            found[name] = small
    login = touch_page_for(None, touch=touch, **size)
    login.goto(reverse("login"))
    if small := login.evaluate(TOO_SMALL):
        found["log in"] = small
    assert found == {}


def test_on_a_touch_screen_controls_are_44_px_tall_and_buttons_side_by_side_apart(touch_page_for):
    call_command("load_demo", stdout=StringIO())
    page = touch_page_for(get_user_model().objects.get(username="demo-reviewer"))
    page.goto(main_pages()["review queue"])
    approve = page.get_by_role("button", name="Approve").first.bounding_box()
    reject = page.get_by_role("button", name="Reject").first.bounding_box()
    assert approve["height"] >= 44 and reject["height"] >= 44
    assert reject["x"] - (approve["x"] + approve["width"]) >= 16
    assert_accessible(page, "the review queue on a touch phone")


def test_on_a_phone_the_hypotheses_stay_in_sight_over_the_evidence_scrolled_under_them(
    touch_page_for, analyst, workspace
):
    question = ach.create_question(workspace=workspace, user=analyst, text="Why did the water stop?")
    for cause in ("Shelling", "A power cut", "Maintenance"):
        ach.add_hypothesis(question=question, user=analyst, statement=f"{cause} stopped the water station.")
    for _ in range(8):
        passage = EvidenceFactory(
            passage=PassageFactory(source=SourceFactory(workspace=workspace), length=140)
        ).passage
        ach.add_evidence_item(question=question, user=analyst, passage=passage)
    page = touch_page_for(analyst)
    page.goto(reverse("archive:question", args=[workspace.slug, question.pk]))
    matrix = page.locator(".ach-matrix")
    heading = page.get_by_role("columnheader", name="Shelling stopped the water station.")
    before = heading.bounding_box()
    matrix.evaluate("(box) => { box.scrollTop = box.scrollHeight; }")
    rows = page.locator(".ach-matrix tbody tr").evaluate_all("(rows) => rows.map((row) => row.offsetHeight)")
    assert matrix.evaluate("(box) => box.scrollTop") > 0  # the evidence did scroll under the headings
    assert before["y"] > matrix.bounding_box()["y"]  # at first under the matrix's caption
    assert heading.bounding_box()["y"] == pytest.approx(matrix.bounding_box()["y"], abs=1)  # then at its top
    assert max(rows) <= 260
    assert page.evaluate(OVERFLOW) <= 0
    assert_accessible(page, "the hypotheses' matrix scrolled on a phone")


def test_the_menu_button_of_a_phone_says_how_many_alerts_are_unread(touch_page_for, analyst, workspace):
    for message in ("Cited text changed", "Cited text removed"):
        Alert.objects.create(
            workspace=workspace, recipient=analyst, kind=AlertKind.EVIDENCE_CHANGED, message=message
        )
    page = touch_page_for(analyst)
    page.goto(reverse("archive:workspace", args=[workspace.slug]))
    menu = page.get_by_role("button", name="Menu 2 unread alerts")
    expect(menu).to_be_visible()
    expect(menu.locator(".badge")).to_have_text("2 unread alerts")
    expect(page.get_by_role("link", name="Alerts")).to_be_hidden()  # folded behind the Menu
    assert_accessible(page, "the header of a phone with unread alerts")


def test_the_menu_button_says_only_menu_without_unread_alerts(touch_page_for, analyst, workspace):
    page = touch_page_for(analyst)
    page.goto(reverse("archive:workspace", args=[workspace.slug]))
    expect(page.get_by_role("button", name="Menu", exact=True)).to_be_visible()


@pytest.mark.parametrize("touch", [True, False], ids=["touch screen", "keyboard and mouse"])
def test_the_keyboard_shortcuts_button_shows_only_where_there_may_be_a_keyboard(
    touch_page_for, analyst, workspace, touch
):
    source = SourceFactory(workspace=workspace)
    page = touch_page_for(analyst, width=1366, height=800, touch=touch)
    open_reading_page(page, source)
    shortcuts = page.get_by_role("button", name="Keyboard shortcuts")
    hint = page.get_by_text("the way from the keyboard")
    if touch:
        expect(shortcuts).to_be_hidden()
        expect(hint).to_be_hidden()
    else:
        expect(shortcuts).to_be_visible()
        expect(hint).to_be_visible()


@pytest.mark.parametrize("touch", [True, False], ids=["touch screen", "keyboard and mouse"])
def test_the_review_queues_keys_are_told_only_where_there_may_be_a_keyboard(
    touch_page_for, reviewer, workspace, touch
):
    page = touch_page_for(reviewer, touch=touch)
    page.goto(reverse("archive:review_queue", args=[workspace.slug]))
    keys = page.get_by_text("next/previous item")
    if touch:
        expect(keys).to_be_hidden()
        expect(page.get_by_text("Submitted annotations, claims and evidence")).to_be_visible()
    else:
        expect(keys).to_be_visible()


def test_a_phone_held_sideways_keeps_the_sidebar_button_off_the_text_and_links(
    touch_page_for, analyst, workspace
):
    source = SourceFactory(workspace=workspace, text="The pumping station stopped on Tuesday. " * 40)
    page = touch_page_for(analyst, width=740, height=360)
    open_reading_page(page, source)
    button = page.get_by_role("button", name="Annotations and evidence").bounding_box()
    covered = page.evaluate(
        """([left, top, bottom]) => [...document.querySelectorAll('#reading :is(a, button, .source-text)')]
          .filter((element) => element.checkVisibility())
          .filter((element) => !element.closest('.reading-sidebar, .sidebar-toggle'))
          .map((element) => [element.textContent.trim().slice(0, 30), element.getBoundingClientRect()])
          .filter(([, box]) => box.right > left && box.bottom > top && box.top < bottom && box.width > 0)
          .map(([text]) => text)""",
        [button["x"], button["y"], button["y"] + button["height"]],
    )
    assert button["height"] <= 360 and button["y"] >= 0
    assert covered == []
    assert page.evaluate(OVERFLOW) <= 0


def test_on_a_phone_the_sources_text_starts_on_the_first_screen_its_record_folded(
    touch_page_for, analyst, workspace
):
    source = SourceFactory(
        workspace=workspace, authors=["Rami Ahmad", "Lina Haddad"], original_url="https://example.org/a"
    )
    page = touch_page_for(analyst)
    open_reading_page(page, source)
    assert page.locator("#source-text").bounding_box()["y"] < PHONE["height"]
    expect(page.get_by_text("Text SHA-256")).to_be_hidden()
    page.get_by_text("Record: authors, outlet, dates, hashes").tap()
    expect(page.get_by_text("Text SHA-256")).to_be_visible()
    assert_accessible(page)


def test_on_a_wide_screen_the_sources_record_is_open_without_a_summary(touch_page_for, analyst, workspace):
    source = SourceFactory(workspace=workspace)
    page = touch_page_for(analyst, width=1366, height=800, touch=False)
    open_reading_page(page, source)
    expect(page.get_by_text("Text SHA-256")).to_be_visible()
    expect(page.get_by_text("Record: authors, outlet, dates, hashes")).to_be_hidden()
