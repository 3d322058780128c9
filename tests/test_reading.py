"""The reading page: highlights rendered on the server, the sidebar in text order, a fixed query count."""

import html
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import AnchorStatus, Stance
from archive.reading.page import Highlight, HighlightRole, build_reading, highlight_role, highlighted_html
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
)


def page_of(client, user, source) -> str:
    client.force_login(user)
    response = client.get(reverse("archive:source", args=[source.workspace.slug, source.pk]))
    assert response.status_code == 200
    return response.content.decode()


def text_content(markup: str) -> str:
    """What the browser's textContent would be: the markup removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


# --- highlighted_html -----------------------------------------------------------


def test_text_without_highlights_is_only_escaped():
    assert highlighted_html("a < b & c", []) == "a &lt; b &amp; c"


def test_a_highlight_is_a_mark_with_its_passage_id_anchor_and_tab_stop():
    markup = highlighted_html("Aleppo fell", [Highlight(7, 0, 6, "note")])
    assert (
        markup == '<mark class="hl hl-note" data-passage="7" id="passage-7" tabindex="0">Aleppo</mark> fell'
    )


def test_overlapping_highlights_nest_and_only_the_first_mark_is_the_anchor():
    markup = highlighted_html("abcdef", [Highlight(1, 0, 4, "note"), Highlight(2, 2, 6, "supports")])
    assert markup == (
        '<mark class="hl hl-note" data-passage="1" id="passage-1" tabindex="0">ab</mark>'
        '<mark class="hl hl-note" data-passage="1">'
        '<mark class="hl hl-supports" data-passage="2" id="passage-2" tabindex="0">cd</mark></mark>'
        '<mark class="hl hl-supports" data-passage="2">ef</mark>'
    )


def test_the_longer_of_two_passages_starting_together_is_the_outer_mark():
    markup = highlighted_html("abcdef", [Highlight(1, 0, 2, "note"), Highlight(2, 0, 6, "refutes")])
    assert markup.startswith('<mark class="hl hl-refutes" data-passage="2"')


def test_highlighting_never_changes_the_text():
    text = "😀 قال <b>مدير</b> & Cafe\u0301\n\nDaraa"
    highlights = [Highlight(1, 0, 5, "note"), Highlight(2, 3, 12, "refutes"), Highlight(3, 3, 30, "plain")]
    assert text_content(highlighted_html(text, highlights)) == text


def test_markup_in_the_text_is_escaped_inside_highlights():
    markup = highlighted_html("<script>x</script>", [Highlight(1, 0, 8, "note")])
    assert "<script>" not in markup and "&lt;script&gt;" in markup


# --- highlight_role --------------------------------------------------------------


def test_role_of_a_passage_with_only_an_annotation_is_note():
    assert highlight_role(annotated=True, stances=set()) == HighlightRole.NOTE


def test_evidence_colours_a_passage_before_an_annotation_and_refutes_first():
    assert highlight_role(annotated=True, stances={"supports", "refutes"}) == HighlightRole.REFUTES


def test_role_of_a_passage_nothing_refers_to_is_plain():
    assert highlight_role(annotated=False, stances=set()) == HighlightRole.PLAIN


# --- build_reading ------------------------------------------------------------------


def test_sidebar_lists_annotations_and_evidence_in_text_order(workspace, analyst, source):
    late = PassageFactory(source=source, start=60, length=10)
    early = PassageFactory(source=source, start=5, length=10)
    AnnotationFactory(workspace=workspace, passages=[late], author=analyst)
    EvidenceFactory(passage=early, claim=ClaimFactory(workspace=workspace), created_by=analyst)
    reading = build_reading(source, user=analyst, user_role="analyst")
    assert [(item.kind, item.passage.start) for item in reading.items] == [
        ("evidence", 5),
        ("annotation", 60),
    ]


def test_an_orphaned_passage_is_listed_apart_and_not_highlighted(workspace, analyst, source):
    passage = PassageFactory(source=source, start=0, length=6)
    AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)
    type(passage).objects.filter(pk=passage.pk).update(anchor_status=AnchorStatus.ORPHANED)
    reading = build_reading(source, user=analyst, user_role="analyst")
    assert reading.items == []
    assert [item.passage.pk for item in reading.orphaned_items] == [passage.pk]
    assert "<mark" not in reading.text_html


def test_only_own_items_are_editable_for_an_analyst(workspace, analyst, reviewer, source):
    passage = PassageFactory(source=source)
    AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)
    AnnotationFactory(workspace=workspace, passages=[passage], author=reviewer)
    reading = build_reading(source, user=analyst, user_role="analyst")
    assert sorted((item.person, item.can_edit) for item in reading.items) == [
        ("analyst", True),
        ("reviewer", False),
    ]


# --- The page ---------------------------------------------------------------------


def test_reading_page_highlights_passages_coloured_by_what_they_serve(client, workspace, analyst, source):
    noted = PassageFactory(source=source, start=0, length=8)
    refuting = PassageFactory(source=source, start=20, length=10)
    AnnotationFactory(workspace=workspace, passages=[noted], author=analyst)
    EvidenceFactory(passage=refuting, claim=ClaimFactory(workspace=workspace), stance=Stance.REFUTES)
    page = page_of(client, analyst, source)
    assert f'<mark class="hl hl-note" data-passage="{noted.pk}" id="passage-{noted.pk}"' in page
    assert f'<mark class="hl hl-refutes" data-passage="{refuting.pk}" id="passage-{refuting.pk}"' in page


def test_reading_page_text_is_exactly_the_source_text(client, workspace, analyst, corpus_text):
    source = SourceFactory(workspace=workspace, text=corpus_text)
    for start in (0, 100, 150, 2000):
        AnnotationFactory(
            workspace=workspace,
            passages=[PassageFactory(source=source, start=start, length=120)],
            author=analyst,
        )
    page = page_of(client, analyst, source)
    body = re.search(r'<div class="source-text"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert text_content(body) == source.text


def test_reading_page_is_right_to_left_for_an_arabic_source(client, workspace, analyst):
    source = SourceFactory(workspace=workspace, text="قال مدير المحطة", language="ar", direction="rtl")
    assert 'class="source-text" id="source-text" lang="ar" dir="rtl"' in page_of(client, analyst, source)


def test_reading_page_shows_outlet_grade_and_derivation_chain(client, workspace, analyst):
    outlet = OutletFactory(workspace=workspace, name="Hawran Voice", reliability="C")
    original = SourceFactory(workspace=workspace, title="The original", outlet=outlet)
    translation = SourceFactory(
        workspace=workspace, title="The translation", derived_from=original, derivation="translation"
    )
    copy = SourceFactory(
        workspace=workspace, title="The copy", derived_from=translation, derivation="republication"
    )
    page = page_of(client, analyst, copy)
    assert "republication of" in page and "The translation" in page and "The original" in page
    assert 'Hawran Voice <span class="grade"' in page_of(client, analyst, original)


def test_evidence_in_the_sidebar_shows_claim_and_admiralty_grade(client, workspace, analyst):
    source = SourceFactory(workspace=workspace, outlet=OutletFactory(workspace=workspace, reliability="B"))
    claim = ClaimFactory(workspace=workspace, statement="Airstrikes reached 120 a week.", credibility=2)
    EvidenceFactory(passage=PassageFactory(source=source), claim=claim, created_by=analyst)
    page = page_of(client, analyst, source)
    assert "Airstrikes reached 120 a week." in page
    assert (
        '<span class="grade" title="Outlet reliability and claim credibility (Admiralty code)">B2</span>'
        in page
    )


def test_reviewer_sees_no_selection_tools_and_no_edit_buttons(client, workspace, analyst, reviewer, source):
    AnnotationFactory(workspace=workspace, passages=[PassageFactory(source=source)], author=analyst)
    page = page_of(client, reviewer, source)
    assert 'id="selection-tools"' not in page
    assert 'data-action="edit"' not in page


def test_analyst_gets_edit_buttons_on_own_annotation(client, workspace, analyst, source):
    AnnotationFactory(workspace=workspace, passages=[PassageFactory(source=source)], author=analyst)
    page = page_of(client, analyst, source)
    assert 'id="selection-tools"' in page
    assert 'data-action="edit"' in page


def test_reading_page_has_no_inline_script_or_style(client, workspace, analyst, source):
    AnnotationFactory(workspace=workspace, passages=[PassageFactory(source=source)], author=analyst)
    page = page_of(client, analyst, source)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\sstyle=|<style|\son[a-z]+=", page)


def _source_with_passages(workspace, analyst, count: int):
    source = SourceFactory(
        workspace=workspace, text="word " * 2000, outlet=OutletFactory(workspace=workspace)
    )
    for index in range(count):
        passage = PassageFactory(source=source, start=index * 7, length=12, created_by=analyst)
        if index % 3 == 1:
            AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)
        elif index % 3 == 2:
            EvidenceFactory(passage=passage, claim=ClaimFactory(workspace=workspace), created_by=analyst)
        # and every third passage is a plain highlight that nothing refers to
    return source


def _queries_for_page(client, source) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("archive:source", args=[source.workspace.slug, source.pk]))
    assert response.status_code == 200
    return len(queries)


def test_reading_page_query_count_does_not_grow_with_passages(client, workspace, analyst):
    client.force_login(analyst)
    one_of_each_kind = _queries_for_page(client, _source_with_passages(workspace, analyst, 3))
    # 13: the page's own queries, and one for the header's job status.
    assert _queries_for_page(client, _source_with_passages(workspace, analyst, 90)) == one_of_each_kind <= 13
