"""The admin's journey through managing a workspace: add someone, change a role,
remove someone, be refused removing the last admin, rename the workspace, add an
outlet; on a phone too."""

from django.urls import reverse
from playwright.sync_api import expect

from archive.core.text import isolated
from archive.models import Membership, Outlet, Role
from archive.workspaces import LAST_ADMIN, set_role
from tests.browser.accessibility import assert_accessible

PHONE = {"width": 360, "height": 780}
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def card_of(page, membership):
    """A member's card, its form for changing the role or removing them opened."""
    card = page.locator(f"#member-{membership.pk}")
    card.locator("summary").click()
    return card


def test_an_admin_manages_the_members_of_the_workspace(page_for, ws_admin, analyst, outsider, workspace):
    page = page_for(ws_admin)
    page.goto(reverse("archive:workspace", args=[workspace.slug]))
    page.get_by_role("link", name="Manage").click()
    page.wait_for_url("**/members/")
    assert_accessible(page, "members page")

    add = page.locator("form", has=page.get_by_role("button", name="Add member"))
    add.get_by_label("Username").fill(outsider.username)
    add.get_by_label("Role").select_option(Role.REVIEWER)
    add.get_by_label("Why add them (kept in the history)").fill("joins the verification desk")
    add.get_by_role("button", name="Add member").click()
    expect(page.locator(".messages")).to_contain_text(
        f"{isolated(outsider.username)} is now a member, as Reviewer."
    )
    added = Membership.objects.get(workspace=workspace, user=outsider)
    assert (added.role, added.history.get().history_change_reason) == (
        Role.REVIEWER,
        "joins the verification desk",
    )

    analysts = Membership.objects.get(workspace=workspace, user=analyst)
    card = card_of(page, analysts)
    card.get_by_label("Role").select_option(Role.REVIEWER)
    card.get_by_label("Why change it (kept in the history)").fill("audits from now on")
    card.get_by_role("button", name="Change role").click()
    # The card's line, not the whole card, whose role field lists "Reviewer" before the change too.
    expect(page.locator(f"#member-{analysts.pk} > p")).to_contain_text("· Reviewer ·")
    analysts.refresh_from_db()
    assert (analysts.role, analysts.history.first().history_change_reason) == (
        Role.REVIEWER,
        "audits from now on",
    )

    card = card_of(page, added)
    card.get_by_label("Why remove them (kept in the history)").fill("left the project")
    card.get_by_role("button", name="Remove from the workspace").click()
    expect(page.locator(".messages")).to_contain_text(f"{isolated(outsider.username)} is no longer a member.")
    assert not Membership.objects.filter(pk=added.pk).exists()
    removed = Membership.history.filter(id=added.pk, history_type="-").get()
    assert (removed.history_user, removed.history_change_reason) == (ws_admin, "left the project")

    own = Membership.objects.get(workspace=workspace, user=ws_admin)
    card = card_of(page, own)
    card.get_by_label("Why remove them (kept in the history)").fill("stepping back")
    card.get_by_role("button", name="Remove from the workspace").click()
    expect(page.get_by_role("alert")).to_contain_text(LAST_ADMIN)
    assert Membership.objects.get(pk=own.pk).role == Role.ADMIN

    page.get_by_role("navigation", name="Manage the workspace").get_by_role("link", name="Workspace").click()
    page.get_by_label("Name").fill("Daraa 2017")
    page.get_by_label("Reason (optional, kept in the history)").fill("the case narrowed")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".crumb")).to_contain_text("Daraa 2017")
    workspace.refresh_from_db()
    assert (workspace.name, workspace.history.first().history_change_reason) == (
        "Daraa 2017",
        "the case narrowed",
    )
    assert_accessible(page, "workspace's name and description")

    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Outlets").click()
    page.get_by_role("link", name="Add an outlet").click()
    page.get_by_label("Name").fill("عنب بلدي")
    page.get_by_label("Language").fill("ar")
    page.get_by_label("Reason (optional, kept in the history)").fill("cited often")
    page.get_by_role("button", name="Add outlet").click()
    expect(page.get_by_role("table")).to_contain_text("عنب بلدي")
    outlet = Outlet.objects.get(workspace=workspace, name="عنب بلدي")
    assert (outlet.language, outlet.history.get().history_user) == ("ar", ws_admin)
    assert_accessible(page, "outlets with the new one")

    page.set_viewport_size(PHONE)
    page.goto(reverse("archive:members", args=[workspace.slug]))
    card_of(page, own)
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    assert_accessible(page, "members page at 360 px, a card open")
    # Nothing went wrong but the refusal itself, answered 400 as every refused input is.
    assert page.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]


def test_an_outlets_address_typed_without_https_is_saved_with_it(page_for, ws_admin, workspace):
    page = page_for(ws_admin)
    page.goto(reverse("archive:outlet_create", args=[workspace.slug]))
    page.get_by_label("Name").fill("Enab Baladi")
    page.get_by_label("Address (URL)").fill("enabbaladi.net")
    page.get_by_role("button", name="Add outlet").click()
    expect(page.get_by_role("table")).to_contain_text("https://enabbaladi.net")
    assert Outlet.objects.get(workspace=workspace, name="Enab Baladi").url == "https://enabbaladi.net"
    assert_accessible(page, "outlets with one added by its address without https")


def test_an_admin_stepping_down_confirms_it_then_reads_on_and_is_told_whom_to_ask(
    page_for, ws_admin, analyst, workspace
):
    set_role(workspace=workspace, member=analyst, role=Role.ADMIN, user=ws_admin, reason="deputy")
    page = page_for(ws_admin)
    page.set_viewport_size(PHONE)
    page.goto(reverse("archive:members", args=[workspace.slug]))
    card = card_of(page, Membership.objects.get(workspace=workspace, user=ws_admin))
    card.get_by_label("Role").select_option(Role.ANALYST)
    card.get_by_label("Why change it (kept in the history)").fill("handing over")
    card.get_by_role("button", name="Change role").click()

    expect(page.get_by_role("heading", name="Change your own role?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("You will no longer be able to manage this workspace.")
    assert Membership.objects.get(workspace=workspace, user=ws_admin).role == Role.ADMIN
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    assert_accessible(page, "confirming one's own demotion at 360 px")

    page.get_by_role("button", name="Confirm: make me Analyst").click()
    page.wait_for_url(f"**{reverse('archive:workspace', args=[workspace.slug])}")
    expect(page.locator(".messages")).to_contain_text("no longer manage it")
    assert Membership.objects.get(workspace=workspace, user=ws_admin).role == Role.ANALYST

    refused = page.goto(reverse("archive:members", args=[workspace.slug]))
    assert refused is not None and refused.status == 403
    expect(page.locator("main")).to_contain_text(f"Its admins can give you another role: {analyst.username}.")
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    assert_accessible(page, "refused, told which admins can change the role, at 360 px")


def test_a_refused_role_change_comes_back_with_its_form_open_and_the_refusal_focused(
    page_for, ws_admin, analyst, workspace
):
    page = page_for(ws_admin)
    page.set_viewport_size(PHONE)
    page.goto(reverse("archive:members", args=[workspace.slug]))
    analysts = Membership.objects.get(workspace=workspace, user=analyst)
    card = card_of(page, analysts)
    card.get_by_label("Role").select_option(Role.REVIEWER)
    card.get_by_label("Why change it (kept in the history)").fill("   ")  # passes `required`, not the server
    card.get_by_role("button", name="Change role").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="The role of \u2068analyst\u2069 was not changed.").click()
    card = page.locator(f"#member-{analysts.pk}")
    reason = card.get_by_label("Why change it (kept in the history)")
    expect(reason).to_be_visible()
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(card.get_by_label("Role")).to_have_value(Role.REVIEWER)
    assert Membership.objects.get(pk=analysts.pk).role == Role.ANALYST
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    assert_accessible(page, "members page after a refused role change, at 360 px")
    assert page.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
