"""Arriving at a passage (#passage-N, from a claim's page): the passage is shown with its
context above it, not flush against the top edge, and its sidebar item is marked and in sight."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import AnnotationFactory, PassageFactory, SourceFactory

PARAGRAPH = "The water station at Daraa al-Mahatta stopped pumping on the third day of the siege. "


def test_arriving_at_a_passage_centres_it_and_shows_its_sidebar_item(page_for, analyst, workspace):
    text = "\n\n".join(PARAGRAPH * 3 for _ in range(60))
    source = SourceFactory(workspace=workspace, text=text)
    notes = [
        AnnotationFactory(
            workspace=workspace,
            author=analyst,
            passages=[PassageFactory(source=source, start=paragraph * (len(PARAGRAPH) * 3 + 2), length=9)],
            body=f"Note {paragraph}",
        )
        for paragraph in range(0, 60, 2)
    ]
    last = notes[len(notes) // 2].passages.get()  # mid-text: the browser would put it at the top
    page = page_for(analyst, viewport={"width": 1366, "height": 768})
    page.goto(reverse("archive:source", args=[workspace.slug, source.pk]) + f"#passage-{last.pk}")
    page.wait_for_selector("#reading[data-ready=true]")
    mark = page.locator(f"#passage-{last.pk}")
    expect(mark).to_be_in_viewport()
    top = mark.evaluate("element => element.getBoundingClientRect().top")
    assert 768 * 0.25 < top < 768 * 0.75  # about the middle, its context above it
    item = page.locator(f"#reading-items [data-passage='{last.pk}']")
    expect(item).to_have_class(re.compile(r"\bactive\b"))
    expect(item).to_be_in_viewport()
    assert page.errors == []
