"""Every page for the keyboard and screen readers: a skip link first, the result of an
action said where the content starts, a failed login read out, the workspace link named
by the workspace alone."""

from django.urls import reverse
from playwright.sync_api import expect


def test_the_first_tab_stop_skips_to_the_content(page_for, analyst, workspace):
    page = page_for(analyst)
    page.goto(reverse("archive:workspace", args=[workspace.slug]))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    # The link moves where the next Tab starts from, not the focus: <main> stays unfocusable,
    # so that a click on its blank space does not take the focus from where it is.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert page.evaluate("document.activeElement.closest('.site-header')") is None


def test_the_result_of_an_action_is_a_status_where_the_content_starts(page_for, analyst):
    page = page_for(analyst)
    page.goto(reverse("archive:alerts"))
    page.get_by_role("button", name="Save").click()
    status = page.locator("main > [role=status] > .messages")
    expect(status).to_contain_text("E-mail alerts for")
    assert page.evaluate("document.querySelector('main').firstElementChild.getAttribute('role')") == "status"


def test_a_failed_login_is_focused_so_that_it_is_read_out(browser, live_server, analyst):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(analyst.username)
    page.get_by_label("Password").fill("not the password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("did not match")
    # Focused by its autofocus attribute, which the browser applies at a rendering update
    # after the page is parsed: a moment after the message is there.
    expect(page.locator("#login-error")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_username"
    context.close()


def test_the_workspace_link_is_named_by_the_workspace_alone(page_for, analyst, workspace):
    page = page_for(analyst)
    page.goto(reverse("archive:claims", args=[workspace.slug]))
    crumb = page.get_by_role("navigation", name="Workspace").get_by_role("link").first
    expect(crumb).to_have_accessible_name(workspace.name)


def test_a_date_field_shows_the_focus_whichever_of_its_parts_has_it(page_for, analyst, workspace):
    page = page_for(analyst)
    page.goto(reverse("archive:activity", args=[workspace.slug]))
    field = page.get_by_label("From")
    field.focus()
    stops = 0
    # Through the day, month, year, hours, minutes... and the calendar button.
    while field.evaluate("(input) => input === document.activeElement"):
        assert field.evaluate("(input) => getComputedStyle(input).outlineStyle") == "solid"
        stops += 1
        page.keyboard.press("Tab")
    assert stops > 1
