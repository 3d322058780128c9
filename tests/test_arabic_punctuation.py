"""The Arabic comma ، (U+060C), semicolon ؛ (U+061B) and question mark ؟ (U+061F) part
words and end clauses wherever the Latin , ; ? do: comparing a translation's URLs with
its original's, and marking search matches (what "Highlight by quote" folds alike is
checked in Chromium, tests/browser/test_highlight_by_quote.py)."""

import pytest

from archive.alignment.features import features
from archive.search.highlight import Matcher, highlight
from archive.search.query import parse_query

URL = "https://baladi-news.example/ar/2017/water"


@pytest.mark.parametrize(
    ("arabic", "english"),
    [
        (f"انظر {URL}، وقال المدير", f"See {URL}, the director said"),
        (f"انظر {URL}؛ وقال المدير", f"See {URL}; the director said"),
        (f"هل رأيت {URL}؟", f"Did you see {URL}?"),
    ],
    ids=["comma", "semicolon", "question mark"],
)
def test_arabic_punctuation_after_a_url_is_not_part_of_it(arabic, english):
    urls = [[found.value for found in features(text).of("url")] for text in (arabic, english)]
    assert urls == [[URL], [URL]]


@pytest.mark.parametrize(
    ("query", "text", "marked"),
    [
        ('"دمشق, قال"', "وصل إلى دمشق، قال المدير", "دمشق، قال"),
        ('"دمشق، قال"', "وصل إلى دمشق, قال المدير", "دمشق, قال"),
        ('"المحطة; ثم"', "توقفت المحطة؛ ثم عادت", "المحطة؛ ثم"),
        ('"توقفت? نعم"', "هل توقفت؟ نعم", "توقفت؟ نعم"),
    ],
    ids=["arabic comma", "latin comma", "arabic semicolon", "arabic question mark"],
)
def test_a_search_phrase_is_marked_across_arabic_or_latin_punctuation(query, text, marked):
    parts = highlight(text, Matcher(parse_query(query), "ar")).parts
    assert [part for part, hit in parts if hit] == [marked]
