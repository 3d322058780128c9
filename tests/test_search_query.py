"""archive.search.query: the syntax users type."""

import pytest

from archive.search.query import MAX_QUERY_LENGTH, MAX_TERMS, QueryError, parse_query, replace_terms


def words(query):
    return [[term.words for term in group] for group in query.groups]


def test_bare_words_are_all_required():
    assert words(parse_query("Castello road")) == [[("castello",)], [("road",)]]


def test_quotes_make_a_phrase():
    term = parse_query('"Castello road"').groups[0][0]
    assert term.words == ("castello", "road") and term.is_phrase and term.quoted


def test_or_joins_its_neighbours_into_one_group():
    assert words(parse_query("aleppo OR daraa siege")) == [[("aleppo",), ("daraa",)], [("siege",)]]


def test_lowercase_or_is_an_ordinary_word():
    assert words(parse_query("aleppo or daraa")) == [[("aleppo",)], [("or",)], [("daraa",)]]


def test_minus_excludes_a_word_or_a_phrase():
    query = parse_query('siege -checkpoint -"water station"')
    assert [term.words for term in query.excluded] == [("checkpoint",), ("water", "station")]


def test_a_hyphen_inside_a_word_is_not_an_exclusion():
    query = parse_query("Al-Rashideen")
    assert query.excluded == () and words(query) == [[("al", "rashideen")]]


def test_star_makes_a_prefix():
    term = parse_query("Rash*").groups[0][0]
    assert term.words == ("rash",) and term.prefix and not term.stemmable


def test_only_bare_single_words_are_stemmed():
    query = parse_query('roads "roads" road* al-rashideen')
    assert [term.stemmable for term in query.positive_terms] == [True, False, False, False]


def test_an_unclosed_quote_runs_to_the_end():
    assert words(parse_query('"castello road')) == [[("castello", "road")]]


def test_punctuation_alone_is_ignored():
    assert words(parse_query("siege !!! —")) == [[("siege",)]]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("   ", "Type a word"),
        ("-checkpoint", "at least one word"),
        ("r*", "at least 2 letters"),
        ("x" * (MAX_QUERY_LENGTH + 1), "too long"),
        (" ".join(f"w{n}" for n in range(MAX_TERMS + 1)), "Too many words"),
    ],
)
def test_unsearchable_queries_get_a_message_for_the_user(raw, message):
    with pytest.raises(QueryError, match=message):
        parse_query(raw)


@pytest.mark.parametrize("raw", ["OR", "OR OR"])
def test_or_alone_says_it_needs_words_on_both_sides(raw):
    with pytest.raises(QueryError, match="OR needs a word or phrase on each side"):
        parse_query(raw)


@pytest.mark.parametrize(
    ("raw", "wrong"), [("aleppo OR", "nothing comes after"), ("OR aleppo", "nothing comes before")]
)
def test_or_at_either_end_is_refused(raw, wrong):
    with pytest.raises(QueryError, match=rf"OR needs a word or phrase on each side.* Here {wrong} the OR"):
        parse_query(raw)


@pytest.mark.parametrize("raw", ["aleppo OR OR", "aleppo OR OR daraa"])
def test_two_ors_together_are_refused(raw):
    with pytest.raises(
        QueryError, match=r"OR needs a word or phrase on each side.* Here two ORs come together"
    ):
        parse_query(raw)


@pytest.mark.parametrize(
    ("raw", "beside"), [("aleppo OR 🙂", "“🙂” comes after"), ("🙂 OR aleppo", "“🙂” comes before")]
)
def test_or_beside_something_without_a_word_is_refused_naming_it(raw, beside):
    with pytest.raises(
        QueryError,
        match=rf"OR needs a word or phrase on each side.* Here {beside} the OR, and it has no word",
    ):
        parse_query(raw)


@pytest.mark.parametrize(
    ("raw", "beside"),
    [
        ("aleppo OR -daraa", "“-daraa”, an exclusion, comes after"),
        ("-daraa OR aleppo", "“-daraa”, an exclusion, comes before"),
    ],
)
def test_or_beside_an_exclusion_is_refused_naming_it(raw, beside):
    with pytest.raises(QueryError, match=rf"OR needs a word or phrase on each side.* Here {beside} the OR"):
        parse_query(raw)


def test_or_in_quotes_is_a_word_to_search_for():
    assert [term.words for term in parse_query('"OR"').positive_terms] == [("or",)]


@pytest.mark.parametrize("raw", ["🙂", "*", "!!! —", "-🙂"])
def test_a_query_without_any_word_says_so_not_that_it_is_all_exclusions(raw):
    with pytest.raises(QueryError, match="no word here to search for") as refused:
        parse_query(raw)
    assert "exclusion" not in str(refused.value)


def test_replace_terms_keeps_the_rest_of_what_was_typed():
    query = parse_query('Zaytoon "water station" -Qamishli')
    assert replace_terms(query, {query.groups[0][0]: "Zaytoun"}) == 'Zaytoun "water station" -Qamishli'


def test_a_chinese_word_is_a_phrase_of_its_pairs():
    term = parse_query("供水站").groups[0][0]
    assert term.words == ("供水", "水站") and term.is_phrase and not term.prefix


def test_a_star_after_one_chinese_character_searches_that_character():
    term = parse_query("站*").groups[0][0]
    assert (term.words, term.prefix) == (("站",), False)


def test_a_lone_chinese_character_ending_a_phrase_may_begin_a_pair():
    term = parse_query("2017年").groups[0][0]
    assert (term.words, term.prefix) == (("2017", "年"), True)


def test_sqlite_matches_a_phrase_in_the_words_of_the_text_only_as_postgresql_does():
    """The stems column holds the characters of Chinese pairs, side by side in no
    order: a phrase of lone characters must not match there."""
    from archive.search.backends.sqlite import fts_query

    assert fts_query(parse_query('"供 水"'), []) == '(({head body} : "供 水"*))'
