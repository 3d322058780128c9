"""Correcting a source's text in Chromium: the summary, and highlights that follow the text."""

from datetime import timedelta

from django.utils import timezone

from archive.models import AnchorStatus, Passage
from archive.passages.correction import correct_source_text
from tests.browser.reading import open_reading_page
from tests.factories import AnnotationFactory, PassageFactory, SourceFactory

PLAIN = (
    "Russian airstrikes were increased, reaching 120 a week. "
    "Al-Rashideen area in Aleppo underwent more than 400 airstrikes. "
    "The city was completely surrounded in the summer of 2012."
)
# The first sentence moved to the end, the second deleted.
CORRECTED = (
    "The city was completely surrounded in the summer of 2012. "
    "Russian airstrikes were increased, reaching 120 a week."
)


def annotated(source, quote: str, note: str) -> Passage:
    passage = PassageFactory(source=source, start=source.text.index(quote), length=len(quote))
    AnnotationFactory(workspace=source.workspace, passages=[passage], body=note)
    return passage


def test_admin_corrects_the_text_sees_the_summary_and_the_moved_highlight_stays(
    page_for, ws_admin, workspace
):
    source = SourceFactory(workspace=workspace, text=PLAIN)
    moved = annotated(source, "reaching 120 a week", "Weekly figure")
    annotated(source, "more than 400 airstrikes", "Aleppo figure")
    page = page_for(ws_admin)
    open_reading_page(page, source)
    page.get_by_role("link", name="Correct text").click()
    page.get_by_label("Text:", exact=True).fill(CORRECTED)
    page.get_by_label("Reason for the correction").fill("the editor's version of the article")
    page.get_by_role("button", name="Save the corrected text").click()
    page.wait_for_selector("#reading[data-ready=true]")

    messages = page.locator(".messages").inner_text()
    assert "2 passages re-anchored: 0 exact, 1 moved, 0 fuzzy, 1 orphaned." in messages
    assert "Not found in the new text: “more than 400 airstrikes”" in messages
    page.reload()
    page.wait_for_selector("#reading[data-ready=true]")
    assert page.locator(".messages").count() == 0
    assert page.locator(f"#passage-{moved.pk}").inner_text() == "reaching 120 a week"
    assert page.locator("#source-text").inner_text().endswith("reaching 120 a week.")
    assert "Aleppo figure" in page.locator("ol.orphaned").inner_text()
    assert Passage.objects.get(pk=moved.pk).anchor_status == AnchorStatus.MOVED
    assert page.errors == []


def test_as_of_form_on_the_reading_page_shows_the_text_as_it_stood(page_for, ws_admin, reviewer, workspace):
    source = SourceFactory.build(workspace=workspace, text=PLAIN)
    # Imported an hour ago: the form picks whole seconds, the correction comes within one.
    source._history_date = timezone.now() - timedelta(hours=1)
    source.save()
    correct_source_text(source=source, user=ws_admin, new_text=CORRECTED, reason="editor's version")
    page = page_for(reviewer)
    open_reading_page(page, source)
    half_an_hour_ago = timezone.now() - timedelta(minutes=30)
    page.get_by_label("As of (UTC)").fill(half_an_hour_ago.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/as-of/?at=*")
    assert page.locator(".source-text").inner_text() == PLAIN
    assert page.errors == []
