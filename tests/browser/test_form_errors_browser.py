"""Forms refused by the server, in Chromium: a page's form sent back with errors starts the
focus on their summary (js/error-summary.js), whose links lead to the fields; a reading page
dialog refused by a JSON endpoint names each field as labelled and links it to the error
(js/form-errors.js)."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.reading import open_reading_page, select
from tests.factories import SourceFactory


def refused_import(page_for, analyst, workspace):
    """The import confirm page, sent back for a language that is no BCP 47 tag."""
    page = page_for(analyst)
    page.goto(reverse("archive:import", args=[workspace.slug]))
    page.get_by_label("Text", exact=True).fill("Pasted words.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Language", exact=True).fill("Arabic!")
    page.get_by_role("button", name="Save source").click()
    expect(page.get_by_role("heading", name="Please correct the form")).to_be_visible()
    return page


def test_the_focus_starts_on_the_error_summary_of_a_refused_form(page_for, analyst, workspace):
    page = refused_import(page_for, analyst, workspace)
    expect(page.get_by_role("alert").filter(has_text="Please correct the form")).to_be_focused()
    assert_accessible(page, "a refused import")


def test_a_refused_forms_page_title_starts_with_error(page_for, analyst, workspace):
    page = refused_import(page_for, analyst, workspace)
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert page.title().count("Error: ") == 1


def test_a_link_of_the_error_summary_puts_the_focus_in_its_field(page_for, analyst, workspace):
    page = refused_import(page_for, analyst, workspace)
    page.get_by_role("link", name=re.compile("^Language: Enter a BCP 47 language tag")).click()
    expect(page.get_by_label("Language", exact=True)).to_be_focused()


def refused_note(page_for, analyst, workspace):
    """The reading page's Annotate dialog, its note sent empty and refused by the server."""
    page = page_for(analyst)
    open_reading_page(page, SourceFactory(workspace=workspace))
    select(page, "completely surrounded")
    page.get_by_role("button", name="Annotate").click()
    page.get_by_role("dialog").get_by_role("button", name="Save").click()
    expect(page.get_by_role("dialog").get_by_role("alert")).to_be_visible()
    return page


def test_a_refused_note_is_named_as_the_form_labels_it(page_for, analyst, workspace):
    page = refused_note(page_for, analyst, workspace)
    expect(page.get_by_role("dialog").get_by_role("alert")).to_have_text(
        re.compile(r"^Note: A note needs some text\.")
    )


def test_a_refused_note_field_is_invalid_and_described_by_its_error(page_for, analyst, workspace):
    page = refused_note(page_for, analyst, workspace)
    note = page.get_by_role("dialog").get_by_label("Note", exact=True)
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(note).to_have_accessible_description(re.compile(r"^Note: A note needs some text\."))


def test_a_refused_note_puts_the_focus_in_the_field_refused(page_for, analyst, workspace):
    page = refused_note(page_for, analyst, workspace)
    expect(page.get_by_role("dialog").get_by_label("Note", exact=True)).to_be_focused()
