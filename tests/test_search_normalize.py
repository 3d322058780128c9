# ruff: noqa: RUF001  (Arabic beside Latin letters on purpose)
"""archive.search.normalize: one folding for indexed text and queries."""

import pytest

from archive.search.normalize import FoldedText, _fold_char, fold, index_stems, query_stems, tokens


def test_latin_accents_and_case_are_folded():
    assert fold("Crème BRÛLÉE à Zürich") == "creme brulee a zurich"


def test_case_folding_expands_sharp_s():
    assert tokens("Straße") == ["strasse"]


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("مُحَمَّد", "محمد"),  # tashkeel
        ("مـــحمد", "محمد"),  # tatweel
        ("أحمد", "احمد"),  # alef with hamza above
        ("إبراهيم", "ابراهيم"),  # alef with hamza below
        ("آمنة", "امنه"),  # alef with madda; teh marbuta
        ("ٱلله", "الله"),  # alef wasla
        ("مستشفى", "مستشفي"),  # alef maksura
        ("الرحمٰن", "الرحمن"),  # superscript alef
    ],
)
def test_arabic_forms_are_unified(written, folded):
    assert fold(written) == folded


def test_digits_of_every_script_become_ascii():
    assert tokens("١٢٠ غارة") == ["120", "غاره"]


def test_invisible_format_characters_are_removed():
    assert tokens("Al\u00adRashi\u200bdeen \u200fدرعا\u200f") == ["alrashideen", "درعا"]


def test_tokens_split_on_punctuation_and_underscores():
    assert tokens("Al-Rashideen's area_code: 3.5km") == ["al", "rashideen", "s", "area", "code", "3", "5km"]


def test_folded_offsets_map_back_to_the_original_text():
    text = "Straße, قال مُحَمَّد: Crème"
    doc = FoldedText(text)
    found = {word: doc.folded.index(word) for word in ("strasse", "محمد", "creme")}
    originals = [
        text[doc.original_start(at) : doc.original_end(at + len(word))] for word, at in found.items()
    ]
    assert originals == ["Straße", "مُحَمَّد", "Crème"]


def test_stems_are_marked_so_they_never_equal_a_word():
    stems = index_stems(["roads"], "en").split()
    assert stems == ["ŝenŝroad"]
    assert tokens("ŝenŝroad") != stems


def test_a_stem_equal_to_its_word_is_not_indexed_twice():
    assert index_stems(["road", "roads"], "en") == "ŝenŝroad"
    assert index_stems(["road"], "en") == ""


def test_a_query_word_matches_its_stem_in_each_language_asked_for_as_word_and_stem():
    assert query_stems("roads", ["en", "fr", "xx"]) == ["road", "ŝenŝroad", "ŝfrŝroad"]


def test_arabic_words_are_also_indexed_without_the_article():
    assert index_stems(["المحطه"], "en") == "ŝalŝمحطه"
    assert {"محطه", "ŝalŝمحطه"} <= set(query_stems("المحطه", []))


def test_a_language_without_a_stemmer_gets_no_stems():
    assert index_stems(["roads"], "xx") == ""


def test_ascii_text_folds_as_each_of_its_characters_does():
    ascii_text = "".join(map(chr, range(128)))
    assert fold(ascii_text) == "".join(_fold_char(char) for char in ascii_text)


def test_a_chinese_run_is_split_into_overlapping_pairs():
    assert tokens("供水站因炮击") == ["供水", "水站", "站因", "因炮", "炮击"]


def test_a_lone_chinese_character_stays_one_word():
    assert tokens("2017年3月") == ["2017", "年", "3", "月"]


def test_latin_and_chinese_written_together_are_split_where_the_script_changes():
    assert tokens("UN报告说") == ["un", "报告", "告说"]


def test_japanese_kanji_and_kana_are_paired_as_one_run():
    assert tokens("キーウの停電") == ["キー", "ーウ", "ウの", "の停", "停電"]


def test_korean_words_stay_whole_beside_paired_chinese():
    assert tokens("서울 시청에서 供水站") == [fold("서울"), fold("시청에서"), "供水", "水站"]


def test_each_chinese_character_is_indexed_once_beside_its_pairs():
    assert index_stems(tokens("供水站 水"), "en") == "供 站"  # 水 stands alone: a word already


def test_a_chinese_word_is_not_stemmed():
    assert query_stems("炮击", ["en"]) == []
