"""The reading page: highlights rendered on the server, the sidebar in text order, a fixed query count."""

import html
import re
from html.parser import HTMLParser

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.claims.annotations import edit_annotation
from archive.models import AnchorStatus, Annotation, ReviewStatus, Role, Stance
from archive.passages.correction import correct_source_text
from archive.reading import cached
from archive.reading.page import Highlight, HighlightRole, build_reading, highlight_role, highlighted_html
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    MembershipFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
    UserFactory,
    WorkspaceFactory,
)
from tests.support import same_page


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


def test_a_highlight_that_opens_a_dialog_is_a_button_saying_so_on_its_tab_stop_only():
    markup = highlighted_html(
        "abcdef", [Highlight(1, 0, 4, "note"), Highlight(2, 2, 6, "supports")], opens=True
    )
    assert markup.count('tabindex="0" role="button" aria-haspopup="dialog"') == 2
    assert markup.count('role="button"') == 2


def test_the_reading_pages_highlights_are_buttons_that_open_a_dialog(client, analyst, passage):
    client.force_login(analyst)
    page = client.get(reverse("archive:source", args=[passage.source.workspace.slug, passage.source_id]))
    assert (
        f'id="passage-{passage.pk}" tabindex="0" role="button" aria-haspopup="dialog"'
        in page.content.decode()
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


def test_passages_starting_together_share_one_tab_stop_their_innermost_mark():
    markup = highlighted_html(
        "abcdef", [Highlight(1, 0, 6, "note"), Highlight(2, 0, 2, "refutes")], opens=True
    )
    assert markup == (
        '<mark class="hl hl-note" data-passage="1" id="passage-1">'
        '<mark class="hl hl-refutes" data-passage="2" id="passage-2" tabindex="0" role="button"'
        ' aria-haspopup="dialog">ab</mark></mark>'
        '<mark class="hl hl-note" data-passage="1">cdef</mark>'
    )


def test_a_passage_inside_another_has_its_own_tab_stop_inside_no_other():
    markup = highlighted_html(
        "abcdef", [Highlight(1, 0, 6, "note"), Highlight(2, 2, 4, "refutes")], opens=True
    )
    assert markup == (
        '<mark class="hl hl-note" data-passage="1" id="passage-1" tabindex="0" role="button"'
        ' aria-haspopup="dialog">ab</mark>'
        '<mark class="hl hl-note" data-passage="1">'
        '<mark class="hl hl-refutes" data-passage="2" id="passage-2" tabindex="0" role="button"'
        ' aria-haspopup="dialog">cd</mark></mark>'
        '<mark class="hl hl-note" data-passage="1">ef</mark>'
    )


class _Marks(HTMLParser):
    """Each passage's anchor and the tab stops of highlighted markup, and any tab stop inside another."""

    def __init__(self):
        super().__init__()
        self.open: list[dict] = []  # the marks around the text being read, outermost first
        self.anchors: dict[str, int] = {}  # passage id: where its anchor is in the text
        self.stops: list[tuple[int, list[str]]] = []  # where, and the passages it opens
        self.nested_stops = 0
        self.at = 0

    def handle_starttag(self, tag, attrs):
        mark = dict(attrs)
        if "id" in mark:
            self.anchors[mark["data-passage"]] = self.at
        if "tabindex" in mark:
            self.nested_stops += any("tabindex" in outer for outer in self.open)
            starting = [m["data-passage"] for m in [*self.open, mark] if m.get("id")]
            self.stops.append((self.at, starting))
        self.open.append(mark)

    def handle_endtag(self, tag):
        self.open.pop()

    def handle_data(self, data):
        self.at += len(data)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 11), st.integers(1, 12)).filter(lambda span: span[0] < span[1]),
        max_size=8,
    )
)
def test_however_passages_overlap_no_tab_stop_is_inside_another_and_each_passage_has_one(spans):
    highlights = [Highlight(n + 1, start, end, "note") for n, (start, end) in enumerate(spans)]
    marks = _Marks()
    marks.feed(highlighted_html("abcdefghijkl", highlights, opens=True))
    assert marks.nested_stops == 0
    # One tab stop where passages start, opening those that start there, and only those.
    assert [where for where, _ in marks.stops] == sorted({h.start for h in highlights})
    for where, opened in marks.stops:
        assert sorted(opened) == sorted(str(h.passage_id) for h in highlights if h.start == where)
    assert marks.anchors == {str(h.passage_id): h.start for h in highlights}


def test_highlighting_never_changes_the_text():
    text = "😀 قال <b>مدير</b> & Cafe\u0301\n\nDaraa"
    highlights = [Highlight(1, 0, 5, "note"), Highlight(2, 3, 12, "refutes"), Highlight(3, 3, 30, "plain")]
    assert text_content(highlighted_html(text, highlights)) == text


def test_markup_in_the_text_is_escaped_inside_highlights():
    markup = highlighted_html("<script>x</script>", [Highlight(1, 0, 8, "note")])
    assert "<script>" not in markup and "&lt;script&gt;" in markup


# --- highlight_role --------------------------------------------------------------


def test_role_of_a_passage_with_only_a_comment_is_note():
    assert highlight_role(motivations={"commenting"}, stances=set()) == HighlightRole.NOTE


def test_questions_and_error_flags_have_their_own_role():
    assert highlight_role(motivations={"questioning"}, stances=set()) == HighlightRole.QUESTION
    assert highlight_role(motivations={"editing", "questioning"}, stances=set()) == HighlightRole.ERROR


def test_a_highlight_has_its_own_role_which_a_note_on_the_passage_outranks():
    assert highlight_role(motivations={"highlighting"}, stances=set()) == HighlightRole.HIGHLIGHT
    assert highlight_role(motivations={"highlighting", "commenting"}, stances=set()) == HighlightRole.NOTE


def test_motivations_without_a_kind_of_their_own_are_notes():
    assert highlight_role(motivations={"assessing", "tagging"}, stances=set()) == HighlightRole.NOTE


def test_evidence_colours_a_passage_before_an_annotation_and_refutes_first():
    assert highlight_role(motivations={"editing"}, stances={"supports", "refutes"}) == HighlightRole.REFUTES


def test_role_of_a_passage_nothing_refers_to_is_plain():
    assert highlight_role(motivations=set(), stances=set()) == HighlightRole.PLAIN


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


def test_reading_page_ids_are_unique_and_passage_anchors_are_the_highlights(
    client, workspace, analyst, source
):
    split = PassageFactory(source=source, start=0, length=20)  # nothing on it: listed as a bare highlight
    overlapping = PassageFactory(source=source, start=10, length=20)
    AnnotationFactory(workspace=workspace, passages=[overlapping], author=analyst)
    page = page_of(client, analyst, source)
    ids = re.findall(r'\sid="([^"]*)"', page)
    assert [id_ for id_ in set(ids) if ids.count(id_) > 1] == []
    for passage in (split, overlapping):
        assert re.search(rf'<mark [^>]*id="passage-{passage.pk}"', page)


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
    assert '<bdi>Hawran Voice</bdi> <span class="grade-said"><span class="grade">' in page_of(
        client, analyst, original
    )


def test_evidence_in_the_sidebar_shows_claim_and_admiralty_grade(client, workspace, analyst):
    source = SourceFactory(workspace=workspace, outlet=OutletFactory(workspace=workspace, reliability="B"))
    claim = ClaimFactory(workspace=workspace, statement="Airstrikes reached 120 a week.", credibility=2)
    EvidenceFactory(passage=PassageFactory(source=source), claim=claim, created_by=analyst)
    page = page_of(client, analyst, source)
    assert "Airstrikes reached 120 a week." in page
    # The code's meaning is on the card, not in a title touch screens cannot open.
    assert (
        '<span class="grade-said"><span class="grade">B2</span> · '
        "outlet: usually reliable; claim: probably true</span>" in page
    )


def test_a_card_names_its_own_version_by_its_kind_not_as_the_source_s(client, workspace, analyst, source):
    passage = PassageFactory(source=source)
    AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)
    EvidenceFactory(passage=passage, created_by=analyst)
    page = text_content(page_of(client, analyst, source))
    assert "· annotation version 1 ·" in page and "· evidence version 1 ·" in page
    assert "· version 1 ·" not in page


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
    # 18 rendered anew: the page's own 12, the source's text (left out of the source's row
    # unless the page is rendered), the ledger head its rendering is cached under, the
    # workspace's tags (which the annotation form suggests), the versions timeline, the
    # header's count of unread alerts and its job status.
    assert _queries_for_page(client, _source_with_passages(workspace, analyst, 90)) == one_of_each_kind <= 18


# --- Kinds, filters' data, tag suggestions ------------------------------------------


def test_sidebar_cards_are_labelled_and_coloured_by_their_own_kind(client, workspace, analyst, source):
    passage = PassageFactory(source=source)
    AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, motivation="questioning")
    AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, motivation="editing")
    EvidenceFactory(passage=passage, claim=ClaimFactory(workspace=workspace), stance=Stance.CONTEXTUALIZES)
    page = page_of(client, analyst, source)
    assert re.search(r'class="item item-question".*?<span class="role role-question">question</span>', page)
    assert re.search(r'class="item item-error".*?<span class="role role-error">error flag</span>', page)
    assert re.search(
        r'class="item item-contextualizes".*?<span class="role role-contextualizes">context</', page
    )
    # The passage itself takes the strongest colour: evidence before notes.
    assert f'<mark class="hl hl-contextualizes" data-passage="{passage.pk}"' in page


def test_a_highlight_is_drawn_labelled_and_listed_in_the_legend_as_a_highlight_not_a_note(
    client, workspace, analyst, source
):
    passage = PassageFactory(source=source)
    AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, highlight=True)
    page = page_of(client, analyst, source)
    assert f'<mark class="hl hl-highlight" data-passage="{passage.pk}"' in page
    # Its kind says it all: no "Highlight" repeated beside the label.
    assert re.search(
        r'class="item item-highlight".*?<span class="role role-highlight">highlight</span> </p>', page
    )
    assert "role-note" not in page
    legend = re.search(r'<ul class="legend"[^>]*>(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r'<li class="hl hl-(\w+)">([^<]+)</li>', legend) == [
        ("note", "note"),
        ("highlight", "highlight"),
        ("question", "question"),
        ("error", "error flag"),
        ("supports", "supports"),
        ("refutes", "refutes"),
        ("contextualizes", "context"),
        ("plain", "passage"),
    ]


def test_a_motivation_without_a_kind_of_its_own_is_named_in_plain_words(client, workspace, analyst, source):
    AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(source=source)], author=analyst, motivation="assessing"
    )
    page = page_of(client, analyst, source)
    assert '<span class="role role-note">note</span> <span class="meta">Assessment</span>' in page
    assert 'data-motivation="assessing"' in page  # the W3C term stays in the data


def test_annotation_form_offers_a_few_motivations_in_plain_words_a_note_first(client, analyst, source):
    page = page_of(client, analyst, source)
    form = page[page.index('<template id="annotation-form">') :]
    choices = re.search(r'<select name="motivation"[^>]*>(.*?)</select>', form).group(1)
    assert re.findall(r'<option value="(\w+)">([^<]+)</option>', choices) == [
        ("commenting", "Note"),
        ("highlighting", "Highlight"),
        ("questioning", "Question"),
        ("editing", "Error flag"),
        ("assessing", "Assessment"),
    ]


def test_the_page_names_the_text_its_selections_are_made_in(client, analyst, source):
    page = page_of(client, analyst, source)
    assert f'data-text-sha256="{source.text_sha256}"' in page


def test_items_carry_what_the_filters_narrow_by(client, workspace, analyst, source):
    AnnotationFactory(
        workspace=workspace,
        passages=[PassageFactory(source=source)],
        author=analyst,
        tags=["airstrikes", "حلب"],
        review_status="submitted",
    )
    page = page_of(client, analyst, source)
    item = re.search(r'<li id="annotation-\d+"[^>]*>', page).group(0)
    assert 'data-person="analyst"' in item and 'data-status="submitted"' in item
    assert 'data-filter-tag="airstrikes"' in page and 'data-filter-tag="حلب"' in page


def test_tag_suggestions_are_the_workspaces_tags_only(client, workspace, analyst, source):
    elsewhere = SourceFactory(workspace=workspace)
    AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(source=elsewhere)], tags=["Daraa", "aleppo"]
    )
    other = WorkspaceFactory()
    AnnotationFactory(
        workspace=other, passages=[PassageFactory(source=SourceFactory(workspace=other))], tags=["x"]
    )
    page = page_of(client, analyst, source)
    suggestions = re.search(r'<datalist id="workspace-tags">(.*?)</datalist>', page).group(1)
    assert re.findall(r'<option value="([^"]+)">', suggestions) == ["aleppo", "Daraa"]


def test_a_note_added_while_the_page_is_read_is_left_out_not_a_server_error(workspace, analyst, source):
    """The page's queries each see what was committed when they ran (PostgreSQL's READ COMMITTED)."""
    passage = PassageFactory(workspace=workspace, source=source)
    added: list = []

    def add_a_note_before_the_links_are_read(execute, sql, params, many, context):
        links_query = sql.lstrip().startswith('SELECT "archive_annotation_passages"')
        if links_query and not added:
            added.append(None)  # once: the writes below run through this wrapper too
            added[0] = AnnotationFactory(workspace=workspace, author=analyst)
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(Annotation.passages.through._meta.db_table)
                cursor.execute(
                    f"INSERT INTO {table} (annotation_id, passage_id) VALUES (%s, %s)",  # noqa: S608
                    [added[0].pk, passage.pk],
                )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(add_a_note_before_the_links_are_read):
        reading = build_reading(source, user=analyst, user_role="analyst")
    assert added, "the links were read after the notes"
    assert added[0].pk not in {item.obj.pk for item in reading.items if item.kind == "annotation"}


# --- The rendered text and sidebar, cached per state of the workspace ------------


def _query_count(client, source) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("archive:source", args=[source.workspace.slug, source.pk]))
    return len(queries), response.content.decode()


def test_a_second_view_of_an_unchanged_source_is_the_same_page_without_rebuilding_it(
    client, workspace, analyst, source
):
    AnnotationFactory(workspace=workspace, passages=[PassageFactory(source=source)], author=analyst)
    client.force_login(analyst)
    first_queries, first = _query_count(client, source)
    second_queries, second = _query_count(client, source)
    assert same_page(second) == same_page(first)
    assert second_queries < first_queries


def test_another_version_of_the_code_does_not_serve_what_this_one_cached(
    client, workspace, analyst, source, monkeypatch
):
    client.force_login(analyst)
    _query_count(client, source)
    from_the_cache = _query_count(client, source)[0]
    monkeypatch.setattr(cached, "CODE_VERSION", "another version")
    assert _query_count(client, source)[0] > from_the_cache  # rendered anew


def test_a_cached_view_reads_only_the_reader_the_source_and_the_ledger_head(
    client, workspace, analyst, source
):
    client.force_login(analyst)
    _query_count(client, source)
    # Session, user, membership, the source's row, the ledger head, the header's alerts and jobs.
    assert _query_count(client, source)[0] <= 7


def test_a_new_version_shows_in_the_cached_pages_versions(client, workspace, analyst, source):
    client.force_login(analyst)

    def versions_listed() -> int:
        return int(re.search(r"Versions \((\d+)\)", _query_count(client, source)[1]).group(1))

    before = versions_listed()
    correct_source_text(source=source, user=analyst, new_text=source.text + " More.", reason="a line")
    assert versions_listed() == before + 1


def test_an_edited_note_shows_its_new_text_on_the_next_view(client, workspace, analyst, source):
    note = AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(source=source)], author=analyst, body="First thoughts"
    )
    assert "First thoughts" in page_of(client, analyst, source)
    edit_annotation(note, user=analyst, expected_version=note.version, changes={"body": "Second thoughts"})
    page = page_of(client, analyst, source)
    assert "Second thoughts" in page and "First thoughts" not in page


def test_a_new_passage_is_highlighted_on_the_next_view(client, workspace, analyst, source):
    assert "<mark" not in page_of(client, analyst, source)
    passage = PassageFactory(source=source, start=0, length=5)
    AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)
    assert f'id="passage-{passage.pk}"' in page_of(client, analyst, source)


def test_a_reader_after_the_author_does_not_get_the_authors_edit_buttons(client, workspace, analyst, source):
    other = MembershipFactory(workspace=workspace, role=Role.ANALYST, user=UserFactory(username="other")).user
    AnnotationFactory(workspace=workspace, passages=[PassageFactory(source=source)], author=analyst)
    assert 'data-action="edit"' in page_of(client, analyst, source)
    assert 'data-action="edit"' not in page_of(client, other, source)


def test_forms_in_a_cached_sidebar_carry_the_token_of_the_session_viewing_it(workspace, analyst, source):
    AnnotationFactory(
        workspace=workspace,
        passages=[PassageFactory(source=source)],
        author=analyst,
        review_status=ReviewStatus.DRAFT,
    )
    page_of(Client(), analyst, source)  # renders and caches the sidebar under another session's token
    client = Client(enforce_csrf_checks=True)
    page = page_of(client, analyst, source)
    form = re.search(r'<form method="post" action="([^"]+)" class="submit-form">(.*?)</form>', page)
    assert form is not None
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    response = client.post(html.unescape(form.group(1)), {k: html.unescape(v) for k, v in fields.items()})
    assert response.status_code == 302
