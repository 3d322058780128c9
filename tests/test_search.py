"""Search behaviour, the same on SQLite (FTS5) and PostgreSQL (tsvector):
CI runs this file on both databases."""

import datetime
import itertools
from time import monotonic

import pytest
import regex
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archive.models import Role, SearchDocument, SearchKind, Stance
from archive.search import QueryError, SearchFilters, backends, indexing, search
from archive.search.backends import stemmed_languages
from archive.search.service import KindResults
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    MembershipFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
    WorkspaceFactory,
)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the rank limit and prepared plans are PostgreSQL's"
)


def titles(user, query: str, **options) -> list[str]:
    """The titles of the matching sources, best first."""
    results = search(user=user, query=query, kind="source", **options)
    return [hit.object.title for hit in results.kinds[0].hits]


def counts(user, query: str, **options) -> dict[str, int]:
    return {group.kind: group.count for group in search(user=user, query=query, **options).kinds}


def passage_of(source, quote: str, **fields):
    return PassageFactory(source=source, start=source.text.index(quote), length=len(quote), **fields)


@pytest.fixture
def sources(workspace):
    """Three short sources of the analyst's workspace, by title."""
    texts = {
        "road": "The Castello road was cut by the regime in July.",
        "apart": "A road to the north of the Castello hospital stayed open.",
        "daraa": "Daraa withstood the siege; Russian airstrikes reached 120 a week.",
    }
    return {
        title: SourceFactory(workspace=workspace, title=title, text=text) for title, text in texts.items()
    }


# --- Query syntax ---------------------------------------------------------------


def test_every_word_must_match(analyst, sources):
    assert sorted(titles(analyst, "castello road")) == ["apart", "road"]
    assert titles(analyst, "castello siege") == []


def test_a_phrase_matches_only_the_words_in_that_order(analyst, sources):
    assert titles(analyst, '"Castello road"') == ["road"]


def test_or_matches_either_word(analyst, sources):
    assert sorted(titles(analyst, "hospital OR siege")) == ["apart", "daraa"]


def test_a_minus_excludes_a_word(analyst, sources):
    assert titles(analyst, "castello -hospital") == ["road"]


def test_a_minus_excludes_a_phrase(analyst, sources):
    assert titles(analyst, 'castello -"castello road"') == ["apart"]


def test_a_star_matches_the_start_of_a_word(analyst, sources):
    assert titles(analyst, "Castel*") == titles(analyst, "castello") != []
    assert titles(analyst, "airstr*") == ["daraa"]


def test_numbers_and_phrases_with_numbers_are_found(analyst, sources):
    assert titles(analyst, '"120 a week"') == ["daraa"]


@pytest.mark.parametrize(
    ("options", "message"),
    [({"query": "-castello"}, "at least one word"), ({"kind": "outlet"}, "no kind"), ({"page": 0}, "from 1")],
)
def test_what_cannot_be_searched_raises_a_query_error(analyst, sources, options, message):
    with pytest.raises(QueryError, match=message):
        search(user=analyst, **{"query": "castello", **options})


def test_a_lower_case_or_between_words_is_suggested_in_capitals(analyst, sources):
    results = search(user=analyst, query="hospital or siege")
    assert (results.total, results.suggestion, results.capital_or) == (0, "hospital OR siege", True)


def test_a_lower_case_or_is_suggested_in_capitals_even_when_the_word_matched(analyst, workspace):
    SourceFactory(workspace=workspace, title="either", text="Take the road or the hospital.")
    results = search(user=analyst, query="road or hospital")
    assert (results.total, results.suggestion, results.capital_or) == (1, "road OR hospital", True)


@pytest.mark.parametrize("raw", ["hospital or", "or hospital", 'hospital "or" siege', "hospital or -siege"])
def test_a_lower_case_or_not_between_two_words_is_not_suggested_in_capitals(analyst, workspace, raw):
    results = search(user=analyst, query=raw)
    assert (results.suggestion, results.capital_or) == (None, False)


# --- Normalization: case, accents, Arabic, stems ---------------------------------


def test_case_and_accents_do_not_matter(analyst, workspace):
    SourceFactory(workspace=workspace, title="cafe", text="Protesters met at the Café Élysée.")
    assert titles(analyst, "cafe elysee") == ["cafe"]
    assert titles(analyst, "CAFÉ ÉLYSÉE") == ["cafe"]


def test_arabic_ignores_tashkeel_tatweel_and_alef_forms(analyst, workspace):
    SourceFactory(workspace=workspace, title="ar", language="ar", text="قال مُحَمَّد إِبْرَاهِيم إن القصف بدأ")
    assert titles(analyst, "محمد ابراهيم") == ["ar"]
    assert titles(analyst, "مـــحمد أبراهيم") == ["ar"]


def test_an_arabic_word_is_found_with_its_article(analyst, workspace):
    SourceFactory(workspace=workspace, title="ar", language="ar", text="توقفت المحطة عن العمل")
    assert titles(analyst, "محطة") == ["ar"]


@pytest.mark.parametrize("prefix", ["زيت*", "الزيت*"])
def test_an_arabic_prefix_finds_words_with_or_without_the_article(analyst, workspace, prefix):
    SourceFactory(workspace=workspace, title="ar", language="ar", text="قصفت محطة الزيتون يوم الثلاثاء")
    assert titles(analyst, prefix) == ["ar"]


@pytest.mark.parametrize(
    ("query", "written"),
    [("أكد", "وأكد"), ("أكدت", "وأكدت"), ("أضاف", "وأضاف"), ("استمر", "واستمر"), ("أكد", "فأكد")],
)
def test_an_arabic_word_beginning_with_alef_is_found_after_a_conjunction(analyst, workspace, query, written):
    SourceFactory(workspace=workspace, title="ar", language="ar", text=f"{written} الشهود أن القصف بدأ")
    assert titles(analyst, query) == ["ar"]


def test_an_arabic_prefix_beginning_with_alef_is_found_after_a_conjunction(analyst, workspace):
    SourceFactory(workspace=workspace, title="ar", language="ar", text="وأضافت الوزارة أن المحطة توقفت")
    assert titles(analyst, "أضاف*") == ["ar"]


@pytest.mark.parametrize("word", ["وزير", "وطن", "وادي"])
def test_an_arabic_word_beginning_with_waw_is_still_found_as_written(analyst, workspace, word):
    SourceFactory(workspace=workspace, title="ar", language="ar", text=f"قصفت المحطة في {word} الزيتون")
    assert titles(analyst, word) == ["ar"]


def test_an_arabic_word_beginning_with_waw_and_alef_does_not_find_the_word_without_waw(analyst, workspace):
    SourceFactory(workspace=workspace, title="valley", language="ar", text="قصفت المحطة في وادي بردى")
    SourceFactory(workspace=workspace, title="led", language="ar", text="أدى القصف إلى توقف المحطة")
    assert titles(analyst, "وادي") == ["valley"]


def test_an_arabic_word_found_after_a_conjunction_gets_no_suggestion(analyst, workspace):
    SourceFactory(workspace=workspace, title="ar", language="ar", text="وأكدت الوزارة أن المحطة توقفت")
    results = search(user=analyst, query="أكدت")
    assert (results.total, results.suggestion) == (1, None)


def test_mixed_english_and_arabic_text_is_searchable_in_both(analyst, workspace):
    SourceFactory(workspace=workspace, title="mixed", text="The station (محطة المياه) stopped on Tuesday.")
    assert titles(analyst, "station المياه") == ["mixed"]


def test_a_bare_word_finds_other_forms_of_it(analyst, workspace):
    SourceFactory(workspace=workspace, title="plural", text="Both roads were closed.")
    assert titles(analyst, "road") == ["plural"]


def test_a_bare_word_is_stemmed_in_the_language_of_the_source(analyst, workspace):
    SourceFactory(workspace=workspace, title="french", language="fr", text="Les routes du nord.")
    assert titles(analyst, "route") == ["french"]


def test_a_bare_word_is_stemmed_only_in_the_languages_of_the_sources(analyst, workspace):
    SourceFactory(workspace=workspace, title="english", text="A bas-relief of the citadel.")
    assert titles(analyst, "bases") == []  # "bas" is its stem in French, and no source is in French
    SourceFactory(workspace=workspace, title="french", language="fr", text="Les bases du nord.")
    assert sorted(titles(analyst, "bases")) == ["english", "french"]


def test_searches_reuse_the_languages_the_last_one_read(analyst, workspace):
    SourceFactory(workspace=workspace, title="plural", text="Both roads were closed.")
    titles(analyst, "road")
    with CaptureQueriesContext(connection) as queries:
        assert titles(analyst, "roads") == ["plural"]
    assert not [query for query in queries if "WITH RECURSIVE languages" in query["sql"]]


def test_a_language_another_process_indexed_is_stemmed_once_the_languages_read_are_stale(
    analyst, workspace, monkeypatch
):
    SourceFactory(workspace=workspace, title="english", text="A bas-relief of the citadel.")
    assert titles(analyst, "bases") == []
    with monkeypatch.context() as elsewhere:  # as if indexed by another process
        elsewhere.setattr(stemmed_languages, "indexed", lambda languages: None)
        SourceFactory(workspace=workspace, title="french", language="fr", text="Les bases du nord.")
    assert titles(analyst, "bases") == ["french"]  # its words at once
    later = monotonic() + stemmed_languages.FRESH_FOR + 1
    monkeypatch.setattr(backends, "monotonic", lambda: later)
    assert sorted(titles(analyst, "bases")) == ["english", "french"]


def test_a_quoted_word_finds_only_that_form(analyst, workspace):
    SourceFactory(workspace=workspace, title="plural", text="Both roads were closed.")
    assert titles(analyst, '"road"') == []


# --- Chinese and Japanese: words found by their overlapping pairs of characters ----

SYRIA_ZH = "叙利亚供水站因炮击停止运转。"  # "A Syrian water station stopped working after shelling."


def test_a_two_character_chinese_word_is_found_inside_a_sentence(analyst, workspace):
    SourceFactory(workspace=workspace, title="zh", language="zh", text=SYRIA_ZH)
    assert titles(analyst, "炮击") == ["zh"]


def test_a_three_character_chinese_word_is_found_inside_a_passage(analyst, workspace):
    passage = passage_of(SourceFactory(workspace=workspace, language="zh", text=SYRIA_ZH), SYRIA_ZH[:-1])
    hits = search(user=analyst, query="供水站", kind="passage").kinds[1].hits
    assert [hit.object for hit in hits] == [passage]


def test_a_chinese_word_is_found_only_where_its_characters_stand_together_in_order(analyst, workspace):
    SourceFactory(workspace=workspace, title="together", language="zh", text=SYRIA_ZH)
    # Both pairs of 供水站, in the other order and apart: "The station stopped supplying water."
    SourceFactory(workspace=workspace, title="apart", language="zh", text="水站停止供水。")
    assert titles(analyst, "供水站") == ["together"]


def test_the_snippet_marks_exactly_the_characters_of_a_chinese_word(analyst, workspace):
    filler = "今天没有发生任何事情。" * 40
    text = filler + SYRIA_ZH + filler
    SourceFactory(workspace=workspace, title="zh", language="zh", text=text)
    snippet = search(user=analyst, query="供水站").kinds[0].hits[0].snippet
    offsets, position = [], snippet.start
    for part, hit in snippet.parts:
        if hit:
            offsets.append((position, position + len(part)))
        position += len(part)
    start = text.index("供水站")
    assert snippet.truncated_before and offsets == [(start, start + 3)]


def test_a_single_chinese_character_finds_text_where_it_ends_a_word(analyst, workspace):
    SourceFactory(workspace=workspace, title="zh", language="zh", text=SYRIA_ZH)
    assert titles(analyst, "转") == ["zh"]  # only in the pair 运转, before the full stop


def test_a_single_chinese_character_is_marked_wherever_it_stands(analyst, workspace):
    SourceFactory(workspace=workspace, title="zh", language="zh", text="供水站、站长说")
    snippet = search(user=analyst, query="站").kinds[0].hits[0].snippet
    assert snippet.html == "供水<mark>站</mark>、<mark>站</mark>长说"


def test_a_phrase_ending_in_one_chinese_character_finds_it_at_the_start_of_a_pair(analyst, workspace):
    SourceFactory(workspace=workspace, title="zh", language="zh", text="联合国2017年度报告")
    assert titles(analyst, "2017年") == ["zh"]


def test_a_latin_word_written_against_chinese_is_found_and_marked(analyst, workspace):
    SourceFactory(workspace=workspace, title="mixed", language="zh", text="UN报告说" + SYRIA_ZH)
    snippet = search(user=analyst, query="UN").kinds[0].hits[0].snippet
    assert snippet.html.startswith("<mark>UN</mark>报告说")


def test_a_query_of_latin_and_chinese_finds_them_written_together(analyst, workspace):
    SourceFactory(workspace=workspace, title="mixed", language="zh", text="UN报告说" + SYRIA_ZH)
    assert titles(analyst, "UN报告") == ["mixed"]


def test_a_japanese_word_of_kanji_kana_or_both_is_found(analyst, workspace):
    SourceFactory(workspace=workspace, title="ja", language="ja", text="首都キーウでは停電が続いている。")
    assert titles(analyst, "キーウ") == titles(analyst, "停電") == titles(analyst, "続いて") == ["ja"]


# --- Ranking and snippets ---------------------------------------------------------


def test_a_match_in_the_title_ranks_above_one_in_the_text(analyst, workspace):
    SourceFactory(
        workspace=workspace, title="Report", text="Shelling near the water station in Tell al-Zaytoun."
    )
    SourceFactory(workspace=workspace, title="Water station hit", text="Shelling in Tell al-Zaytoun.")
    assert titles(analyst, "station") == ["Water station hit", "Report"]


def test_more_mentions_rank_higher(analyst, workspace):
    SourceFactory(workspace=workspace, title="once", text="The siege began in spring. Food ran out later.")
    SourceFactory(
        workspace=workspace, title="thrice", text="The siege tightened. Siege lines held. The siege ended."
    )
    assert titles(analyst, "siege") == ["thrice", "once"]


def test_the_snippet_marks_the_match_in_the_original_text(analyst, workspace):
    SourceFactory(workspace=workspace, title="ar", language="ar", text="قال مُحَمَّد إن القصف بدأ")
    hit = search(user=analyst, query="محمد").kinds[0].hits[0]
    assert "<mark>مُحَمَّد</mark>" in hit.snippet.html


def test_the_snippet_marks_an_arabic_word_found_after_a_conjunction(analyst, workspace):
    SourceFactory(workspace=workspace, title="ar", language="ar", text="وأكد شهود أن القصف بدأ")
    hit = search(user=analyst, query="أكد").kinds[0].hits[0]
    assert [text for text, marked in hit.snippet.parts if marked] == ["وأكد"]


def test_the_snippet_marks_the_arabic_word_a_prefix_found_without_its_article(analyst, workspace):
    SourceFactory(workspace=workspace, title="ar", language="ar", text="قصفت محطة الزيتون يوم الثلاثاء")
    snippet = search(user=analyst, query="زيت*").kinds[0].hits[0].snippet
    assert snippet.has_match
    assert [text for text, marked in snippet.parts if marked] == ["الزيتون"]


def test_the_snippet_is_cut_around_the_match(analyst, workspace):
    filler = "Nothing happened that day. " * 40
    SourceFactory(workspace=workspace, title="long", text=f"{filler}Then the Castello road was cut. {filler}")
    snippet = search(user=analyst, query="castello").kinds[0].hits[0].snippet
    assert snippet.truncated_before and snippet.truncated_after
    assert "<mark>Castello</mark> road was cut" in snippet.html


def test_the_snippet_finds_a_match_far_into_a_long_source(analyst, workspace):
    SourceFactory(
        workspace=workspace, title="long", text="Nothing happened. " * 1_000 + "The Castello road was cut."
    )
    assert (
        "<mark>Castello</mark> road was cut"
        in search(user=analyst, query="castello").kinds[0].hits[0].snippet.html
    )


def test_the_snippet_finds_a_match_of_the_stem_only_far_into_a_long_source(analyst, workspace):
    SourceFactory(
        workspace=workspace, title="long", text="Nothing happened. " * 1_000 + "Both roads were cut."
    )
    snippet = search(user=analyst, query="road").kinds[0].hits[0].snippet
    assert "Both <mark>roads</mark> were cut" in snippet.html


def test_the_snippet_of_several_words_centres_where_most_of_them_stand(analyst, workspace):
    text = "A station opened. " + "Nothing happened. " * 200 + "Then the water station was shelled."
    SourceFactory(workspace=workspace, title="long", text=text)
    snippet = search(user=analyst, query="water station").kinds[0].hits[0].snippet
    assert "the <mark>water</mark> <mark>station</mark> was shelled" in snippet.html


def test_the_snippet_of_several_words_stays_at_the_first_match_that_holds_them_all(analyst, workspace):
    text = "The water station opened. " + "Nothing happened. " * 200 + "Then the water station was shelled."
    SourceFactory(workspace=workspace, title="long", text=text)
    snippet = search(user=analyst, query="water station").kinds[0].hits[0].snippet
    assert snippet.start == 0 and "<mark>water</mark> <mark>station</mark> opened" in snippet.html


def test_the_snippet_looks_a_stretch_at_a_time_for_where_the_words_stand_together(analyst, workspace):
    # Past the first stretch of about 2,000 characters, and past the first match of each word.
    text = "A station. " + "Nothing happened. " * 300 + "The water ran. " + "Nothing happened. " * 300
    SourceFactory(workspace=workspace, title="long", text=text + "Then the water station was shelled.")
    snippet = search(user=analyst, query="water station").kinds[0].hits[0].snippet
    assert "the <mark>water</mark> <mark>station</mark> was shelled" in snippet.html


def test_the_snippet_marks_a_phrase_after_its_first_word_alone(analyst, workspace):
    text = (
        "The road north. " + "Nothing happened. " * 200 + "Then the road was cut. The Castello road was cut."
    )
    SourceFactory(workspace=workspace, title="long", text=text)
    snippet = search(user=analyst, query='"castello road"').kinds[0].hits[0].snippet
    assert "<mark>Castello road</mark> was cut" in snippet.html


def test_the_snippet_marks_a_phrase_that_straddles_where_a_long_text_is_read_in_parts(analyst, workspace):
    # Long texts are folded about 2,000 characters at a time, cut at a space:
    # here the cut falls between the phrase's two words.
    text = "Nothing happened. " * 111 + "Castello road was cut. " + "Nothing happened. " * 200
    SourceFactory(workspace=workspace, title="long", text=text)
    snippet = search(user=analyst, query='"castello road"').kinds[0].hits[0].snippet
    assert "<mark>Castello road</mark> was cut" in snippet.html


FLAG, FAMILY = "\U0001f1f8\U0001f1fe", "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"


def test_the_snippet_ends_after_a_whole_grapheme_cluster(analyst, workspace):
    SourceFactory(workspace=workspace, title="emoji", text=FLAG * 151 + "Zebrastripe" + FAMILY * 151)
    snippet = search(user=analyst, query="zebrastripe").kinds[0].hits[0].snippet
    after = snippet.text.partition("Zebrastripe")[2]
    assert snippet.truncated_after and after and set(regex.findall(r"\X", after)) == {FAMILY}


def test_the_snippet_begins_with_a_whole_grapheme_cluster(analyst, workspace):
    SourceFactory(workspace=workspace, title="emoji", text=FAMILY * 151 + "Zebrastripe" + FLAG * 151)
    snippet = search(user=analyst, query="zebrastripe").kinds[0].hits[0].snippet
    before = snippet.text.partition("Zebrastripe")[0]
    assert snippet.truncated_before and before and set(regex.findall(r"\X", before)) == {FAMILY}


def test_the_mark_ends_after_the_marks_on_the_last_letter(analyst, workspace):
    SourceFactory(workspace=workspace, title="ar", language="ar", text="قال مُحَمَّدٌ إن القصف بدأ")
    hit = search(user=analyst, query="محمد").kinds[0].hits[0]
    assert "<mark>مُحَمَّدٌ</mark>" in hit.snippet.html


def test_the_mark_begins_with_a_sign_prepended_to_the_first_digit(analyst, workspace):
    # U+0600 ARABIC NUMBER SIGN makes one grapheme cluster with the digit after it.
    SourceFactory(workspace=workspace, title="ar", language="ar", text="سقط \u0600120 صاروخا")
    hit = search(user=analyst, query="120").kinds[0].hits[0]
    assert "<mark>\u0600120</mark>" in hit.snippet.html


def test_snippets_escape_the_text_around_the_match(analyst, workspace):
    SourceFactory(workspace=workspace, title="<b>x</b>", text="<script>alert(1)</script> siege")
    hit = search(user=analyst, query="siege").kinds[0].hits[0]
    assert "<script>" not in hit.snippet.html and "&lt;script&gt;" in hit.snippet.html
    assert "<b>" not in hit.title.html


def test_a_source_hit_links_to_the_match_in_its_text(analyst, sources):
    hit = search(user=analyst, query="hospital").kinds[0].hits[0]
    assert (
        hit.url == f"/w/{hit.workspace.slug}/sources/{hit.object.pk}/#:~:text=of%20the%20Castello-,hospital"
    )


def test_a_passage_hit_links_to_the_passage_in_its_source(analyst, sources):
    passage = passage_of(sources["daraa"], "120 a week")
    hit = search(user=analyst, query="120", kind="passage").kinds[1].hits[0]
    assert hit.object == passage
    assert hit.url == f"/w/{passage.workspace.slug}/sources/{passage.source_id}/#passage-{passage.pk}"


def test_a_long_source_is_searched_to_its_end(analyst, workspace):
    # Past 16,383 words, where PostgreSQL's tsvector positions stop counting.
    text = "Nothing happened. " * 10_000 + "The Castello road was cut."
    SourceFactory(workspace=workspace, title="long", text=text)
    assert titles(analyst, '"castello road"') == ["long"]


def test_the_real_article_is_searchable(analyst, workspace, corpus_text):
    SourceFactory(workspace=workspace, title="Why Aleppo Fell", text=corpus_text)
    assert (
        titles(analyst, '"120 a week"') == titles(analyst, "Al-Rashideen airstrikes") == ["Why Aleppo Fell"]
    )


@postgresql_only
def test_past_the_rank_limit_the_newest_matches_are_ranked(analyst, workspace, monkeypatch):
    from archive.search.backends import postgres

    monkeypatch.setattr(postgres, "RANK_LIMIT", 2)
    SourceFactory(workspace=workspace, title="Siege", text="The siege. The siege. The siege.")
    for title in ("newer", "newest"):
        SourceFactory(workspace=workspace, title=title, text="Then the siege ended.")
    group = search(user=analyst, query="siege").kinds[0]
    assert (group.count, group.ranked_among) == (3, 2)
    assert "Siege" not in [hit.object.title for hit in group.hits]


@postgresql_only
def test_searches_for_other_words_reuse_one_prepared_plan(analyst, workspace):
    """Planning the search statement costs more than running it: a search of
    the same shape with other words runs the plan PostgreSQL already made,
    even where the words' statistics would have it plan each anew."""
    words = [
        f"{a}{b}{c}" for a in "bdfgklmnprst" for b in ("ala", "uzi", "oru", "eki", "ime") for c in "xyzwvq"
    ]
    SearchDocument.objects.bulk_create(
        SearchDocument(
            workspace=workspace,
            kind=SearchKind.PASSAGE,
            object_id=number,
            body=" ".join(words[(number * step) % len(words)] for step in (1, 7, 13)),
        )
        for number in range(1, 3001)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")
    for first, second in itertools.pairwise(words[:12]):
        search(user=analyst, query=f"{first} {second}", kind="passage")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE 'WITH matching%%' ORDER BY generic_plans + custom_plans DESC LIMIT 1"
        )
        generic, custom = cursor.fetchone()
    assert (custom, generic > 0) == (5, True)  # PostgreSQL's five custom plans, then the one generic plan


# --- Kinds, counts, pages -----------------------------------------------------------


def test_every_kind_is_searched_and_counted(analyst, workspace, sources):
    passage = passage_of(sources["daraa"], "Russian airstrikes")
    AnnotationFactory(workspace=workspace, passages=[passage], body="Check the airstrikes figure.")
    claim = ClaimFactory(workspace=workspace, statement="Airstrikes on Daraa reached 120 a week.")
    assert counts(analyst, "airstrikes") == {"source": 1, "passage": 1, "annotation": 1, "claim": 1}
    assert search(user=analyst, query="airstrikes").kinds[3].hits[0].object == claim


def test_one_kind_shown_still_counts_every_kind(analyst, workspace, sources):
    passage = passage_of(sources["daraa"], "Russian airstrikes")
    AnnotationFactory(workspace=workspace, passages=[passage], body="Check the airstrikes figure.")
    results = search(user=analyst, query="airstrikes", kind="annotation")
    assert {group.kind: group.count for group in results.kinds} == {
        "source": 1,
        "passage": 1,
        "annotation": 1,
        "claim": 0,
    }
    assert [group.kind for group in results.kinds if group.hits] == ["annotation"]


def test_a_page_past_the_last_match_is_the_last_page(analyst, workspace):
    for number in range(3):
        SourceFactory(workspace=workspace, title=f"report {number}", text="The siege of Daraa.")
    group = search(user=analyst, query="siege", kind="source", page=4, per_page=2).kinds[0]
    assert (group.count, group.pages, group.page, len(group.hits)) == (3, 2, 2, 1)


def test_the_overview_is_one_page_whatever_page_is_asked(analyst, workspace):
    for number in range(7):
        SourceFactory(workspace=workspace, title=f"report {number}", text="The siege of Daraa.")
    first = search(user=analyst, query="siege").kinds[0]
    asked = search(user=analyst, query="siege", page=2).kinds[0]
    assert [hit.object for hit in asked.hits] == [hit.object for hit in first.hits]


@pytest.mark.parametrize(("count", "words"), [(1, "1 annotation"), (2, "2 annotations")])
def test_a_kinds_count_in_words_is_singular_for_one(count, words):
    assert KindResults(kind="annotation", label="annotations", count=count).counted == words


def test_annotations_are_found_by_their_tags(analyst, workspace, sources):
    passage = passage_of(sources["road"], "Castello road")
    annotation = AnnotationFactory(
        workspace=workspace, passages=[passage], body="Check.", tags=["Supply route"]
    )
    assert search(user=analyst, query="supply", kind="annotation").kinds[2].hits[0].object == annotation


def test_claims_are_found_by_their_evidence_notes(analyst, workspace, sources):
    claim = ClaimFactory(workspace=workspace, statement="The road was cut.")
    EvidenceFactory(
        claim=claim, passage=passage_of(sources["road"], "Castello road"), note="Satellite imagery agrees."
    )
    assert counts(analyst, "satellite")["claim"] == 1


def test_a_claim_found_by_an_evidence_note_shows_the_note_with_the_match_marked(analyst, workspace, sources):
    claim = ClaimFactory(workspace=workspace, statement="The road was cut.")
    EvidenceFactory(claim=claim, passage=passage_of(sources["road"], "Castello road"), note="")
    EvidenceFactory(
        claim=claim, passage=passage_of(sources["road"], "road"), note="Satellite imagery agrees."
    )
    hit = search(user=analyst, query="satellite", kind="claim").kinds[3].hits[0]
    assert hit.snippet_from == "Evidence note"
    assert "<mark>Satellite</mark> imagery agrees." in hit.snippet.html


def test_a_claim_found_by_its_statement_shows_no_evidence_note(analyst, workspace, sources):
    claim = ClaimFactory(workspace=workspace, statement="Satellite images show the road was cut.")
    EvidenceFactory(
        claim=claim, passage=passage_of(sources["road"], "Castello road"), note="Satellite imagery agrees."
    )
    hit = search(user=analyst, query="satellite", kind="claim").kinds[3].hits[0]
    assert (hit.snippet_from, hit.snippet) == ("", None)


def test_one_kind_is_paginated(analyst, workspace):
    for number in range(5):
        SourceFactory(workspace=workspace, title=f"report {number}", text="The siege of Daraa.")
    first = search(user=analyst, query="siege", kind="source", per_page=2).kinds[0]
    last = search(user=analyst, query="siege", kind="source", page=3, per_page=2).kinds[0]
    assert (first.count, first.pages, len(first.hits), len(last.hits)) == (5, 3, 2, 1)
    assert not {hit.object for hit in first.hits} & {hit.object for hit in last.hits}


def test_the_overview_shows_the_first_hits_of_each_kind(analyst, workspace):
    for number in range(7):
        SourceFactory(workspace=workspace, title=f"report {number}", text="The siege of Daraa.")
    group = search(user=analyst, query="siege").kinds[0]
    assert (group.count, len(group.hits)) == (7, 5)


# --- Filters ------------------------------------------------------------------------


def test_filter_by_workspace(analyst, workspace, sources):
    other = WorkspaceFactory()
    MembershipFactory(workspace=other, user=analyst, role=Role.ANALYST)
    SourceFactory(workspace=other, title="elsewhere", text="Castello road again.")
    assert titles(analyst, "castello", filters=SearchFilters(workspace=other)) == ["elsewhere"]


def test_filter_by_outlet(analyst, workspace, sources):
    outlet = OutletFactory(workspace=workspace)
    SourceFactory(workspace=workspace, title="outlet", outlet=outlet, text="Castello road.")
    assert titles(analyst, "castello", filters=SearchFilters(outlet=outlet)) == ["outlet"]


def test_filter_by_language_compares_the_primary_subtag(analyst, workspace, sources):
    SourceFactory(workspace=workspace, title="british", language="en-GB", text="Castello road.")
    SourceFactory(workspace=workspace, title="french", language="fr", text="La route Castello.")
    assert titles(analyst, "castello", filters=SearchFilters(language="fr")) == ["french"]
    assert "british" in titles(analyst, "castello", filters=SearchFilters(language="en"))


def test_filter_by_publication_dates(analyst, workspace):
    for title, day in [("june", datetime.date(2017, 6, 1)), ("july", datetime.date(2017, 7, 1))]:
        SourceFactory(workspace=workspace, title=title, published_on=day, text="The siege.")
    filters = SearchFilters(date_from=datetime.date(2017, 6, 15), date_to=datetime.date(2017, 12, 31))
    assert titles(analyst, "siege", filters=filters) == ["july"]


def test_filter_by_dates_finds_claims_by_when_a_source_of_their_evidence_was_published(analyst, workspace):
    published = {
        year: SourceFactory(workspace=workspace, published_on=datetime.date(year, 6, 1))
        for year in (2015, 2017, 2019)
    }
    for statement, years in [("The siege began.", (2015, 2017)), ("The siege ended.", (2015, 2019))]:
        claim = ClaimFactory(workspace=workspace, statement=statement)
        for year in years:
            EvidenceFactory(claim=claim, passage=PassageFactory(source=published[year]))
    filters = SearchFilters(date_from=datetime.date(2017, 1, 1), date_to=datetime.date(2017, 12, 31))
    hits = search(user=analyst, query="siege", kind="claim", filters=filters).kinds[3].hits
    assert [hit.object.statement for hit in hits] == ["The siege began."]


def test_filter_by_dates_does_not_find_claims_by_when_they_were_written(analyst, workspace):
    ClaimFactory(workspace=workspace, statement="The siege began, without evidence.")
    claim = ClaimFactory(workspace=workspace, statement="The siege began.")
    EvidenceFactory(
        claim=claim,
        passage=PassageFactory(
            source=SourceFactory(workspace=workspace, published_on=datetime.date(2017, 6, 1))
        ),
    )
    filters = SearchFilters(date_from=timezone.localdate())
    assert counts(analyst, "siege", filters=filters)["claim"] == 0


def test_filter_by_tag_ignores_case(analyst, workspace, sources):
    passage = passage_of(sources["road"], "Castello road")
    tagged = AnnotationFactory(
        workspace=workspace, passages=[passage], body="Road cut.", tags=["Supply Route"]
    )
    AnnotationFactory(workspace=workspace, passages=[passage], body="Road cut again.", tags=["supply"])
    hits = search(user=analyst, query="road", filters=SearchFilters(tag="supply route")).kinds[2].hits
    assert [hit.object for hit in hits] == [tagged]


def test_filter_by_stance_of_evidence(analyst, workspace, sources):
    claim = ClaimFactory(workspace=workspace, statement="The Castello road was cut.")
    passage = passage_of(sources["road"], "Castello road")
    EvidenceFactory(claim=claim, passage=passage, stance=Stance.REFUTES)
    refuting = counts(analyst, "castello", filters=SearchFilters(stance=Stance.REFUTES))
    assert refuting == {"source": 0, "passage": 1, "annotation": 0, "claim": 1}
    assert sum(counts(analyst, "castello", filters=SearchFilters(stance=Stance.SUPPORTS)).values()) == 0


def test_filter_by_review_status(analyst, workspace):
    ClaimFactory(workspace=workspace, statement="Approved siege claim.", review_status="approved")
    ClaimFactory(workspace=workspace, statement="Draft siege claim.")
    hits = search(user=analyst, query="siege", filters=SearchFilters(review_status="approved")).kinds[3].hits
    assert [hit.object.statement for hit in hits] == ["Approved siege claim."]


def test_filter_by_author(analyst, reviewer, workspace):
    ClaimFactory(workspace=workspace, statement="The analyst's siege claim.", created_by=analyst)
    ClaimFactory(workspace=workspace, statement="The reviewer's siege claim.", created_by=reviewer)
    hits = search(user=analyst, query="siege", filters=SearchFilters(author=reviewer)).kinds[3].hits
    assert [hit.object.created_by for hit in hits] == [reviewer]


# --- Permissions ----------------------------------------------------------------------


def test_an_outsider_finds_nothing_not_even_a_count(outsider, sources):
    results = search(user=outsider, query="castello")
    assert results.total == 0 and results.suggestion is None


def test_a_member_of_two_workspaces_finds_both(analyst, sources):
    other = WorkspaceFactory()
    MembershipFactory(workspace=other, user=analyst, role=Role.REVIEWER)
    SourceFactory(workspace=other, title="elsewhere", text="Castello road again.")
    assert sorted(titles(analyst, '"castello road"')) == ["elsewhere", "road"]


def test_filtering_on_someone_elses_workspace_finds_nothing(outsider, workspace, sources):
    assert counts(outsider, "castello", filters=SearchFilters(workspace=workspace))["source"] == 0


def test_a_signed_out_visitor_finds_nothing(sources):
    from django.contrib.auth.models import AnonymousUser

    assert search(user=AnonymousUser(), query="castello").total == 0


# --- Did you mean ---------------------------------------------------------------------


def test_a_misspelt_name_gets_a_suggestion(analyst, workspace):
    SourceFactory(workspace=workspace, title="Tell al-Zaytoun", text="The water station of Tell al-Zaytoun.")
    results = search(user=analyst, query="Zaytoon water")
    assert results.total == 0 and results.suggestion == "Zaytoun water"


def test_suggestions_come_only_from_the_users_workspaces(analyst, outsider):
    SourceFactory(
        workspace=outsider.memberships.get().workspace, title="secret", text="Operation Nightingale."
    )
    assert search(user=analyst, query="Nightingal").suggestion is None
    assert search(user=outsider, query="Nightingal").suggestion == "Nightingale"


def test_suggestions_come_only_from_the_workspace_filtered_on(analyst, workspace):
    other = WorkspaceFactory()
    MembershipFactory(workspace=other, user=analyst, role=Role.ANALYST)
    SourceFactory(workspace=other, title="elsewhere", text="Operation Nightingale.")
    assert search(user=analyst, query="Nightingal").suggestion == "Nightingale"
    filtered = search(user=analyst, query="Nightingal", filters=SearchFilters(workspace=workspace))
    assert filtered.suggestion is None


def test_a_known_word_is_not_respelled(analyst, workspace):
    SourceFactory(workspace=workspace, title="one", text="The Zaytoun station.")
    SourceFactory(workspace=workspace, title="two", text="The Zaytoon station.")
    results = search(user=analyst, query="Zaytoon Zaytoun")
    assert results.total == 0 and results.suggestion is None


def test_a_chinese_word_that_finds_nothing_is_not_looked_up_for_a_suggestion(analyst, workspace):
    SourceFactory(workspace=workspace, title="zh", language="zh", text=SYRIA_ZH)
    with CaptureQueriesContext(connection) as queries:
        results = search(user=analyst, query="空袭")
    assert results.total == 0 and results.suggestion is None
    assert not [query for query in queries if "archive_searchterm" in query["sql"]]


def test_no_suggestion_when_something_matched(analyst, sources):
    assert search(user=analyst, query="castello").suggestion is None


def test_a_head_too_many_words_for_one_vector_is_indexed_up_to_where_it_fits():
    head = " ".join(f"name{number}" for number in range(120_000))  # far past 1 MB of vector
    document = indexing._document(kind="source", object_id=1, head=head, body="", stem_language="simple")
    kept = document.head.split()
    assert 0 < len(kept) < 120_000 and kept == head.split()[: len(kept)]
    assert indexing._vector_bytes(kept, [], document.stems) <= indexing.MAX_VECTOR_BYTES


def test_only_words_the_index_keeps_for_did_you_mean_are_respelled(analyst, workspace, monkeypatch):
    SourceFactory(workspace=workspace, title="Water station", text="The water station stopped.")
    asked = []
    backend = type(backends.get_backend())
    monkeypatch.setattr(backend, "respell", lambda self, *, words, workspaces: asked.append(words) or {})
    search(user=analyst, query="ء" * 480 + " statoin 2019")
    assert asked == [["statoin"]]
