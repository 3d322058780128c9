# ruff: noqa: RUF001, RUF002  (the docstring and patterns show Arabic letters on purpose)
"""Normalization for search: one function for the indexed text and the query.

Text is folded character by character (so offsets map back to the original):

- compatibility decomposition (NFKD), then every combining mark is dropped:
  Latin accents ("é" -> "e") and Arabic tashkeel (U+064B-U+0652, U+0670),
  hamza and madda above or below ("أ إ آ" -> "ا", "ؤ" -> "و", "ئ" -> "ي");
- case folding ("Straße" -> "strasse");
- Arabic: alef wasla "ٱ" -> "ا", alef maksura "ى" and Farsi yeh "ی" -> "ي",
  teh marbuta "ة" -> "ه", keheh "ک" -> "ك", tatweel "ـ" removed;
- digits of every script become ASCII digits ("١٢٠" -> "120");
- invisible format characters (ZWNJ, soft hyphen, bidi marks) are removed.

Tokens are the runs of letters and digits of the folded text. Chinese and
Japanese put no spaces between words, and we have no dictionary to find them:
as search engines without one do (Lucene's CJK bigrams), each run of Han
ideographs, Hiragana and Katakana is cut off from the letters beside it and
split into its overlapping pairs of characters ("供水站" -> "供水 水站"; a lone
character stays one). A query's run is split alike and searched as a phrase
of its pairs, so a word is found wherever its characters stand together.
Hangul is not paired: Korean puts spaces between words. The folded text
itself is unchanged, so offsets still map back to the original (FoldedText).

The index stores the tokens joined by single spaces, so PostgreSQL's and
SQLite's own tokenizers see exactly the words we made, and both backends agree.
"""

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import cached_property
from itertools import accumulate

import Stemmer

_ARABIC = {
    "\u0671": "\u0627",  # alef wasla -> alef (the hamza forms decompose under NFKD)
    "\u0649": "\u064a",  # alef maksura -> yeh
    "\u06cc": "\u064a",  # Farsi yeh -> yeh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06a9": "\u0643",  # keheh -> kaf
    "\u0640": "",  # tatweel
}
_DROPPED_CATEGORIES = {"Mn", "Me", "Cf"}

WORD = re.compile(r"[^\W_]+")
# Scripts written without spaces between words: Han (with its iteration and
# closing marks and Hangzhou numerals; Extensions B to G as Python's Unicode
# has them), Hiragana and Katakana (with the prolonged sound mark and the
# iteration marks). Only letters and digits, and only what fold() can give:
# the compatibility ideographs that NFKD unifies are left out.
UNSPACED = (
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c"
    "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ufa0e\ufa0f\ufa11\ufa13\ufa14\ufa1f\ufa21\ufa23\ufa24\ufa27-\ufa29"
    "\U00020000-\U0002a6df\U0002a700-\U0002b738\U0002b740-\U0002b81d\U0002b820-\U0002cea1"
    "\U0002ceb0-\U0002ebe0\U00030000-\U0003134a"
)
# A letter or digit of the scripts that put spaces between words (Latin, Arabic, Hangul, ...).
SPACED_CHAR = f"[^\\W_{UNSPACED}]"
SPACED_WORD = re.compile(f"{SPACED_CHAR}+")
_UNSPACED_CHAR = re.compile(f"[{UNSPACED}]")
_TOKEN = re.compile(f"[{UNSPACED}]+|{SPACED_CHAR}+")
# From UNSPACED's first character to its last: one range, looked for about ten times
# as fast as UNSPACED's many, tells at once a text that holds none (most texts).
_MAYBE_UNSPACED = re.compile("[\u3005-\U0003134a]")


def words_of(folded: str) -> re.Pattern[str]:
    """What finds the words of spaced scripts in folded text: WORD where the text holds
    no Chinese or Japanese (the same words, found faster), else SPACED_WORD."""
    return WORD if _MAYBE_UNSPACED.search(folded) is None else SPACED_WORD


def _fold_char(char: str) -> str:
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    return "".join(
        _ARABIC.get(part, part)
        for part in decomposed
        if unicodedata.category(part) not in _DROPPED_CATEGORIES
    )


class _FoldTable(dict):
    """str.translate table, filled lazily: code point -> folded string."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """The folded text (see the module docstring); may differ in length."""
    if text.isascii():  # every ASCII character folds to its lower case, twenty times faster
        return text.lower()
    return text.translate(_FOLD)


def is_unspaced(word: str) -> bool:
    """Whether a token is a pair or a lone character of Chinese or Japanese."""
    return _UNSPACED_CHAR.match(word) is not None


_SPELLED_LENGTH = range(3, 65)


def is_spelled_word(word: str) -> bool:
    """Whether "did you mean" keeps a word of the index, and respells a word of a query:
    not a number, not too short to be a name nor too long to be a word, not a Chinese or
    Japanese pair (cut from their words, they are no spellings of one)."""
    return len(word) in _SPELLED_LENGTH and not word.isdigit() and not is_unspaced(word)


def _pairs(run: str) -> list[str]:
    return [run[at : at + 2] for at in range(len(run) - 1)] or [run]


def tokens(text: str) -> list[str]:
    """The search words of `text`, in order."""
    folded = fold(text)
    if words_of(folded) is WORD:  # most texts: no run to pair
        return WORD.findall(folded)
    words: list[str] = []
    for word in _TOKEN.findall(folded):
        if is_unspaced(word):
            words += _pairs(word)
        else:
            words.append(word)
    return words


def index_text(text: str) -> str:
    """What the index stores for `text`: its words joined by single spaces."""
    return " ".join(tokens(text))


class _IrregularTable(dict):
    """str.translate table keeping only the characters that do not fold to exactly one."""

    def __missing__(self, code: int) -> str | None:
        kept = self[code] = None if len(_FOLD[code]) == 1 else chr(code)
        return kept


_IRREGULAR = _IrregularTable()


class FoldedText:
    """A text, its folded form, and the mapping of offsets between them."""

    def __init__(self, text: str):
        self.text = text
        self.folded = fold(text)

    @cached_property
    def _ends(self) -> list[int] | None:
        # ends[i]: length of the folded text after original character i; not
        # needed when every character folds to exactly one (most texts). Made
        # when first asked for: a snippet looks through stretches of a long
        # text that mostly hold no match, so need no mapping.
        if self.text.isascii() or not self.text.translate(_IRREGULAR):
            return None
        return list(accumulate(map(len, map(_FOLD.__getitem__, map(ord, self.text)))))

    def original_start(self, folded_offset: int) -> int:
        return folded_offset if self._ends is None else bisect_right(self._ends, folded_offset)

    def original_end(self, folded_offset: int) -> int:
        return folded_offset if self._ends is None else bisect_left(self._ends, folded_offset) + 1


# --- Stemming ------------------------------------------------------------------
# Stems are indexed beside the words, marked so they can never equal a word:
# "ŝ" + language + "ŝ" + stem. "ŝ" survives the databases' tokenizers as a
# letter but never survives fold() (NFKD splits off its circumflex), so a
# typed word never collides with a stem, and "roads" finds "road" only when
# the query asks for a bare (unquoted) word.

STEM_MARK = "ŝ"
# BCP 47 primary language subtag -> Snowball algorithm (PyStemmer).
STEMMERS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech", "da": "danish",
    "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian", "fi": "finnish", "fr": "french",
    "de": "german", "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian",
    "nn": "norwegian", "fa": "persian", "pl": "polish", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "st": "sesotho", "es": "spanish", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "yi": "yiddish",
}  # fmt: skip
_stemmers: dict[str, Stemmer.Stemmer] = {}


def primary_language(language: str) -> str:
    """'en' for 'en-GB'; the filter and stemming key of a BCP 47 tag."""
    return language.split("-", 1)[0].lower()


def _stemmer(language: str) -> Stemmer.Stemmer | None:
    algorithm = STEMMERS.get(language)
    if algorithm is None:
        return None
    if language not in _stemmers:
        _stemmers[language] = Stemmer.Stemmer(algorithm, 10_000)  # with a cache of 10,000 words
    return _stemmers[language]


def stem_words(words: list[str], language: str) -> list[str] | None:
    """The stem of each word in `language` (a primary subtag); None without a stemmer."""
    stemmer = _stemmer(language)
    return None if stemmer is None else stemmer.stemWords(words)


# Arabic words are also indexed without the definite article (and a
# preposition fused with it), in any document: "المحطة" and "محطة" find each
# other, which Snowball's Arabic stemmer does not always do.
_ARTICLE_MARK = f"{STEM_MARK}al{STEM_MARK}"
_ARTICLE = r"(?:[وفبكل]?ال|لل)(?=\w\w)"
_ARABIC_ARTICLE = re.compile(f"^{_ARTICLE}")
# A text's words are also indexed without a conjunction و or ف before an alef
# ("وأكد" as "أكد"). Snowball strips them before any other letter ("ويعتمد"), but
# before an alef only when it carries a hamza (hardly a word begins "وأ"), which fold()
# drops: a word that begins so itself ("وادي", "فاز") is indexed both ways too. A
# query's word keeps its و, or "وادي" would find every "أدى".
_INDEXED_PROCLITICS = re.compile(rf"^(?:{_ARTICLE}|[وف](?=ا\w))")


def _without(proclitics: re.Pattern[str], word: str) -> str | None:
    if not "\u0621" <= word[0] <= "\u064a":
        return None  # not Arabic
    return proclitics.sub("", word, count=1)


def arabic_base(word: str) -> str | None:
    """An Arabic query word without its article; None for a word in another script."""
    return _without(_ARABIC_ARTICLE, word)


def indexed_base(word: str) -> str | None:
    """An Arabic word of a text without its article, or a و or ف before an alef,
    as the index also holds it for a query's arabic_base() to find; None for a
    word in another script."""
    return _without(_INDEXED_PROCLITICS, word)


def index_stems(words: list[str], language: str) -> str:
    """What the index stores beside the words: each distinct marked stem (or
    Arabic base) that differs from its word. One that equals its word is
    already indexed as the word, and query_stems() asks for it as a word too:
    this keeps the index about half as big.

    Chinese and Japanese pairs have no stems; each of their characters is
    stored once, unmarked, so that a query of one character finds it
    wherever it stands in a pair (a prefix would miss the last of a run)."""
    distinct = sorted(set(words))
    unspaced = [word for word in distinct if is_unspaced(word)]
    if unspaced:
        distinct = [word for word in distinct if not is_unspaced(word)]
    forms = set("".join(unspaced)) - set(unspaced)  # a lone character is indexed as a word already
    forms |= {
        f"{_ARTICLE_MARK}{base}"
        for word, base in zip(distinct, map(indexed_base, distinct), strict=True)
        if base not in (None, word)
    }
    stems = stem_words(distinct, language) or distinct
    forms.update(
        f"{STEM_MARK}{language}{STEM_MARK}{stem}"
        for word, stem in zip(distinct, stems, strict=True)
        if stem != word
    )
    return " ".join(sorted(forms))


def prefix_forms(word: str) -> list[str]:
    """The other prefixes a query's prefix matches: an Arabic one also as the start of
    a word indexed without its article ("زيت*" finds "الزيتون"), and without its own."""
    base = arabic_base(word)
    return sorted({base, f"{_ARTICLE_MARK}{base}"} - {word}) if base else []


def query_stems(word: str, languages: Iterable[str]) -> list[str]:
    """The other words a bare query word matches: its stem in each of these
    languages (a document's stems are in its own language only) and its
    Arabic form without the article, each as a marked stem and as a word.
    None for a Chinese or Japanese pair or character: they have no stems."""
    if is_unspaced(word):
        return []
    base = arabic_base(word)
    forms = {base, f"{_ARTICLE_MARK}{base}"} if base else set()
    for language in set(languages) & set(STEMMERS):
        if (stemmer := _stemmer(language)) is None:
            continue  # not reached: every language in STEMMERS has a stemmer
        stem = stemmer.stemWord(word)
        forms.update((stem, f"{STEM_MARK}{language}{STEM_MARK}{stem}"))
    return sorted(forms - {word})


# What guess_language() can answer.
GUESSED_LANGUAGES = ("ar", "en")


def guess_language(text: str) -> str:
    """For what analysts write (notes, claims), which have no language tag:
    Arabic when most letters are Arabic script, English otherwise."""
    arabic = latin = 0
    for char in text[:2000]:
        if "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f":
            arabic += 1
        elif char.isalpha():
            latin += 1
    return "ar" if arabic > latin else "en"
