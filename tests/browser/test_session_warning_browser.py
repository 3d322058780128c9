"""The warning before the session ends, in Chromium: staying signed in, in several tabs, and the end.

The page's clock is Playwright's, moved on by hand; the server's is real, so each test
first makes the session end soon, as if its member had signed in nearly a whole age ago.
"""

from datetime import timedelta
from importlib import import_module
from unittest import mock

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from archive.models import Annotation
from tests.browser.accessibility import assert_accessible
from tests.browser.reading import open_reading_page, select
from tests.factories import PASSWORD, SourceFactory

UNSAVED = "words typed and not yet sent"
# The warning comes SESSION_WARNING_SECONDS (5 minutes) before the end, 10 minutes away.
TO_THE_WARNING = "05:01"
PAST_THE_END = "10:01"


def session_of(page) -> SessionBase:
    key = next(
        cookie["value"] for cookie in page.context.cookies() if cookie["name"] == settings.SESSION_COOKIE_NAME
    )
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)


def open_home_ending_in_ten_minutes(page, *, typed: bool = True, clock_off: timedelta = timedelta(0)):
    """The home page of a session that ends in 10 minutes, with words typed in its search field;
    the computer's clock is `clock_off` from the server's."""
    session = session_of(page)
    session.set_expiry(timezone.now().replace(microsecond=0) + timedelta(minutes=10))
    session.save()
    page.clock.install(time=timezone.now() + clock_off)
    page.goto(reverse("archive:home"))
    if typed:
        page.get_by_role("searchbox").fill(UNSAVED)


def test_staying_signed_in_by_keyboard_moves_the_end_and_returns_the_focus(page_for, analyst, workspace):
    page = page_for(analyst)
    open_home_ending_in_ten_minutes(page)
    warning = page.get_by_role("alertdialog", name="Your session is ending")
    expect(warning).to_be_hidden()
    page.clock.fast_forward(TO_THE_WARNING)
    expect(warning).to_contain_text("Your session ends at")
    expect(warning).to_contain_text("in 5 minutes. Stay signed in?")
    assert_accessible(page, "the home page with the session's warning open")
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(warning).to_be_hidden()
    expect(page.get_by_role("searchbox")).to_be_focused()
    expect(page.get_by_role("searchbox")).to_have_value(UNSAVED)
    assert session_of(page).get_expiry_date() > timezone.now() + timedelta(hours=11)
    assert page.errors == []


def test_staying_signed_in_in_one_tab_shuts_the_warning_in_another(page_for, analyst, workspace):
    page = page_for(analyst)
    open_home_ending_in_ten_minutes(page)
    other = page.context.new_page()
    other.goto(reverse("archive:alerts"))
    page.clock.fast_forward(TO_THE_WARNING)
    expect(other.get_by_role("alertdialog")).to_be_visible()
    page.get_by_role("button", name="Stay signed in").click()
    expect(page.get_by_role("alertdialog")).to_be_hidden()
    expect(other.get_by_role("alertdialog")).to_be_hidden()


def test_the_warning_comes_by_the_servers_clock_on_a_computer_whose_clock_is_behind(
    page_for, analyst, workspace
):
    page = page_for(analyst)
    open_home_ending_in_ten_minutes(page, clock_off=-timedelta(minutes=20))
    page.clock.fast_forward(TO_THE_WARNING)
    expect(page.get_by_role("alertdialog", name="Your session is ending")).to_contain_text("in 5 minutes.")


def test_a_computer_whose_clock_is_ahead_does_not_say_the_session_has_ended(page_for, analyst, workspace):
    page = page_for(analyst)
    open_home_ending_in_ten_minutes(page, clock_off=timedelta(minutes=20))
    page.clock.fast_forward("01:00")
    expect(page.get_by_role("alertdialog")).to_be_hidden()
    page.clock.fast_forward("04:01")
    expect(page.get_by_role("alertdialog", name="Your session is ending")).to_contain_text("in 5 minutes.")


def test_an_ended_session_says_so_and_offers_to_sign_in_in_a_new_tab(page_for, analyst, workspace):
    page = page_for(analyst)
    open_home_ending_in_ten_minutes(page)
    page.clock.fast_forward(PAST_THE_END)
    ended = page.get_by_role("alertdialog", name="Your session has ended")
    expect(ended).to_contain_text("Your session ended at")
    sign_in = ended.get_by_role("link", name="Sign in in a new tab")
    expect(sign_in).to_be_focused()
    expect(sign_in).to_have_attribute("target", "_blank")
    expect(ended.get_by_role("button", name="Stay signed in")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(page.get_by_role("searchbox")).to_have_value(UNSAVED)


def test_the_warning_fits_and_passes_axe_at_360_px(page_for, analyst, workspace):
    page = page_for(analyst, viewport={"width": 360, "height": 740})
    open_home_ending_in_ten_minutes(page, typed=False)
    page.clock.fast_forward(TO_THE_WARNING)
    warning = page.get_by_role("alertdialog")
    expect(warning).to_be_in_viewport(ratio=1)
    assert_accessible(page, "the session's warning at 360 px")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360


def sign_in_in_a_new_tab(page, user) -> None:
    """`user` signs in in another tab of the page's browser, and a page of the new session opens."""
    other = page.context.new_page()
    other.goto(reverse("login"))
    other.get_by_label("Username").fill(user.username)
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Log in").click()
    expect(other.locator("#session-warning")).to_have_count(1)


def test_a_note_typed_before_the_session_ended_is_saved_after_signing_in_again_in_another_tab(
    page_for, analyst, workspace
):
    page = page_for(analyst)
    source = SourceFactory(workspace=workspace)
    session = session_of(page)
    session.set_expiry(timezone.now().replace(microsecond=0) + timedelta(minutes=10))
    session.save()
    page.clock.install()
    open_reading_page(page, source)
    select(page, "120 a week")
    page.get_by_role("button", name="Annotate").click()
    page.get_by_role("dialog", name="Annotate").get_by_label("Note", exact=True).fill(UNSAVED)
    session.delete()  # the session ends on the server
    page.clock.fast_forward(PAST_THE_END)
    expect(page.get_by_role("alertdialog", name="Your session has ended")).to_be_visible()

    sign_in_in_a_new_tab(page, analyst)

    again = page.get_by_role("alertdialog", name="You are signed in again")
    expect(again).to_contain_text("What you typed on this page can be saved now.")
    again.get_by_role("button", name="Close").click()
    page.get_by_role("dialog", name="Annotate").get_by_role("button", name="Save").click()
    expect(page.locator("#reading-status")).to_contain_text("Note saved")
    assert Annotation.objects.get(workspace=workspace).body == UNSAVED


def test_a_page_of_an_ended_session_does_not_take_up_another_members(page_for, analyst, ws_admin, workspace):
    # Both sign-ins in the same second, as a quick machine makes them: told apart all the same.
    same_second = timezone.now().replace(microsecond=0)
    with mock.patch("archive.core.sessions._now", return_value=same_second):
        page = page_for(analyst)
        session = session_of(page)
        open_home_ending_in_ten_minutes(page)
        session.delete()
        page.clock.fast_forward(PAST_THE_END)
        ended = page.get_by_role("alertdialog", name="Your session has ended")
        expect(ended).to_be_visible()
        token = page.locator('#session-warning input[name="csrfmiddlewaretoken"]').input_value()
        # The new session's page tells this one, which asks whose it is: another member's.
        with page.expect_response("**/accounts/session/"):
            sign_in_in_a_new_tab(page, ws_admin)
    expect(ended).to_be_visible()
    assert page.locator('#session-warning input[name="csrfmiddlewaretoken"]').input_value() == token


def test_staying_signed_in_when_the_server_cannot_be_reached_says_so_in_the_warning(
    page_for, analyst, workspace
):
    page = page_for(analyst)
    open_home_ending_in_ten_minutes(page)
    page.route("**/accounts/session/", lambda route: route.abort())
    page.clock.fast_forward(TO_THE_WARNING)
    page.get_by_role("button", name="Stay signed in").click()
    warning = page.get_by_role("alertdialog", name="Your session is ending")
    expect(warning.get_by_role("alert")).to_have_text("The server could not be reached: try again.")
    expect(warning).to_be_visible()
