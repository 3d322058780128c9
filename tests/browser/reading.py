"""Steps on the reading page shared by the browser tests: open it, select a phrase, annotate."""

from django.urls import reverse

from tests.factories import AnnotationFactory, PassageFactory, SourceFactory

SELECT_PHRASE = """
([phrase, occurrence]) => {
  const container = document.getElementById("source-text");
  let start = -1;
  for (let n = 0; n <= occurrence; n += 1) start = container.textContent.indexOf(phrase, start + 1);
  const end = start + phrase.length;
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let offset = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (start >= offset && start < offset + node.length) range.setStart(node, start - offset);
    if (end > offset && end <= offset + node.length) { range.setEnd(node, end - offset); break; }
    offset += node.length;
  }
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}
"""


def reading_url(source) -> str:
    return reverse("archive:source", args=[source.workspace.slug, source.pk])


def open_reading_page(page, source):
    page.goto(reading_url(source))
    page.wait_for_selector("#reading[data-ready=true]")


def open_with_own_notes(page_for, analyst, workspace, *bodies: str, **page_options):
    """The reading page of a new source, as `analyst`, with one note of theirs per body, in text order."""
    source = SourceFactory(workspace=workspace)
    notes = [
        AnnotationFactory(
            workspace=workspace,
            passages=[PassageFactory(source=source, start=8 + 20 * place, length=11)],
            author=analyst,
            body=body,
        )
        for place, body in enumerate(bodies)
    ]
    page = page_for(analyst, **page_options)
    open_reading_page(page, source)
    return page, notes


def select(page, phrase: str, occurrence: int = 0):
    page.evaluate(SELECT_PHRASE, [phrase, occurrence])
    page.wait_for_selector("#selection-tools:not([hidden])")


def annotate(page, phrase: str, note: str):
    select(page, phrase)
    page.get_by_role("button", name="Annotate").click()
    page.get_by_label("Note", exact=True).fill(note)
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#reading-dialog:not([open])", state="attached")
