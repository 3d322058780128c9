"""Confirming re-anchored passages in Chromium at 360 px: accept one, mark one
orphaned with a reason, re-attach an orphan by selecting text with the mouse."""

from django.urls import reverse
from playwright.sync_api import expect

from archive.models import AnchorStatus, Passage
from tests.browser.accessibility import assert_accessible
from tests.browser.selecting import drag_select
from tests.pages import KEPT
from tests.test_confirming import reanchored_world

NARROW = {"width": 360, "height": 780}
OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"
REATTACHED = "Shops on the main road have reopened"


def assert_fits(page, where: str) -> None:
    scroll_width, width = page.evaluate(OVERFLOW)
    assert scroll_width <= width, f"{where} overflows: {scroll_width} px in {width} px"


def select_in_current_text(page, text: str, start: int, end: int) -> None:
    """Select text[start:end] of the current text with the mouse."""
    page.locator("#current-text").scroll_into_view_if_needed()
    page.evaluate("(index) => document.getElementById('current-text').scrollTop = 0", 0)
    drag_select(page, "current-text", text, start, end)


def test_analyst_accepts_orphans_and_reattaches_re_anchored_passages_at_360_px(
    page_for, analyst, ws_admin, workspace
):
    world = reanchored_world(workspace, ws_admin)
    text = world.source.text
    page = page_for(analyst)
    page.set_viewport_size(NARROW)
    page.goto(reverse("archive:source", args=[workspace.slug, world.source.pk]))
    page.get_by_role("link", name="Re-anchored passages: 2 to confirm, 1 orphaned").click()
    expect(page.get_by_role("heading", name="To confirm (2)")).to_be_visible()
    moved_row = page.locator(f"#reanchored-{world.moved.pk}")
    assert moved_row.locator(".in-context").first.get_attribute("dir") == "ltr"
    assert moved_row.locator("mark").first.inner_text() == KEPT
    assert_accessible(page, "the re-anchored passages at 360 px")
    assert_fits(page, "the re-anchored passages")

    moved_row.get_by_role("button", name="Accept").click()
    expect(page.locator(".messages")).to_contain_text("Accepted where re-anchoring found it")
    expect(page.get_by_role("heading", name="To confirm (1)")).to_be_visible()

    fuzzy_row = page.locator(f"#reanchored-{world.fuzzy.pk}")
    fuzzy_row.locator("summary", has_text="Mark orphaned").click()
    fuzzy_row.get_by_label("Why is it not in the text?").fill("the council's figure was corrected")
    fuzzy_row.get_by_role("button", name="Mark orphaned").click()
    expect(page.locator(".messages")).to_contain_text("Marked orphaned")
    expect(page.get_by_role("heading", name="Orphaned (2)")).to_be_visible()

    orphan_row = page.locator(f"#reanchored-{world.orphaned.pk}")
    orphan_row.locator("summary", has_text="Re-attach by selecting text").click()
    expect(orphan_row.locator("#current-text")).to_be_visible()
    assert_accessible(page, "re-attaching an orphan at 360 px")
    assert_fits(page, "the open re-attach form")
    start = text.index(REATTACHED)
    select_in_current_text(page, text, start, start + len(REATTACHED))
    expect(orphan_row.locator(".selected-quote")).to_have_text(REATTACHED)
    assert orphan_row.get_by_label("Start").input_value() == str(start)
    assert orphan_row.get_by_label("End").input_value() == str(start + len(REATTACHED))
    orphan_row.get_by_label("Reason").fill("the convoy paragraph was rewritten")
    orphan_row.get_by_role("button", name="Save the selection").click()
    expect(page.locator(".messages")).to_contain_text(f"Selected anew: “{REATTACHED}”")
    expect(page.get_by_role("heading", name="To confirm (0)")).to_be_visible()
    assert_accessible(page, "the re-anchored passages once decided")
    assert_fits(page, "the re-anchored passages once decided")

    moved, fuzzy, orphaned = (
        Passage.objects.get(pk=p.pk) for p in (world.moved, world.fuzzy, world.orphaned)
    )
    assert (moved.anchor_status, fuzzy.anchor_status, orphaned.anchor_status) == (
        AnchorStatus.CONFIRMED,
        AnchorStatus.ORPHANED,
        AnchorStatus.CONFIRMED,
    )
    assert (orphaned.start, orphaned.exact) == (start, REATTACHED)
    decisions = {
        row.id: (row.history_user, row.history_change_reason)
        for row in Passage.history.filter(history_user=analyst).order_by("history_date")
    }
    assert decisions == {
        moved.pk: (analyst, "re-anchoring accepted"),
        fuzzy.pk: (analyst, "marked orphaned after re-anchoring: the council's figure was corrected"),
        orphaned.pk: (analyst, "selected anew after re-anchoring: the convoy paragraph was rewritten"),
    }
    assert page.errors == []


def open_reattach_by_keyboard(page, workspace, world):
    page.goto(reverse("archive:reanchored", args=[workspace.slug, world.source.pk]))
    summary = page.locator(f"#reanchored-{world.orphaned.pk} summary", has_text="Re-attach by selecting text")
    summary.focus()
    page.keyboard.press("Enter")
    return page.locator(f"#reanchored-{world.orphaned.pk}")


def test_an_orphan_is_reattached_by_typing_its_words_without_a_mouse(page_for, analyst, ws_admin, workspace):
    world = reanchored_world(workspace, ws_admin)
    page = page_for(analyst)
    row = open_reattach_by_keyboard(page, workspace, world)
    words = row.get_by_label("Its words")
    words.focus()
    page.keyboard.type(f"“{REATTACHED}”")
    page.keyboard.press("Enter")
    expect(row.get_by_role("status")).to_have_text("Found once: start and end are filled in.")
    expect(row.get_by_label("Reason")).to_be_focused()
    expect(row.locator(".selected-quote")).to_have_text(REATTACHED)
    page.keyboard.type("the convoy paragraph was rewritten")
    page.keyboard.press("Tab")
    expect(row.get_by_role("button", name="Save the selection")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(f"Selected anew: “{REATTACHED}”")
    orphaned = Passage.objects.get(pk=world.orphaned.pk)
    assert (orphaned.anchor_status, orphaned.exact) == (AnchorStatus.CONFIRMED, REATTACHED)
    assert page.errors == []


def test_words_found_more_than_once_offer_each_occurrence_to_choose(page_for, analyst, ws_admin, workspace):
    world = reanchored_world(workspace, ws_admin)
    text = world.source.text
    word = "the"
    occurrences = [at for at in range(len(text)) if text.startswith(word, at) or text.startswith("The", at)]
    assert len(occurrences) > 1
    page = page_for(analyst)
    row = open_reattach_by_keyboard(page, workspace, world)
    row.get_by_label("Its words").fill(word)
    row.get_by_role("button", name="Find").click()
    choices = row.get_by_role("group", name=f"Found {len(occurrences)} times: which one?")
    expect(choices.get_by_role("radio").first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(row.get_by_label("Start")).to_have_value(str(occurrences[1]))
    expect(row.get_by_label("End")).to_have_value(str(occurrences[1] + len(word)))
    assert_accessible(page, "occurrences of the words typed to re-attach")
    row.get_by_label("Its words").fill("not in this text at all")
    page.keyboard.press("Enter")
    expect(row.get_by_role("status")).to_have_text(
        "These words are not in the current text. Check them, or type fewer of them."
    )
    expect(row.get_by_label("Its words")).to_have_attribute("aria-invalid", "true")
    assert page.errors == []
