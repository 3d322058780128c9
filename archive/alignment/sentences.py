# ruff: noqa: RUF001, RUF003 (Arabic letters, digits and punctuation are the point)
"""Splitting a text into sentences, as code-point spans, for Arabic and English."""

import re
from dataclasses import dataclass

# A sentence ends after ., !, ?, the Arabic question mark ؟, the Urdu full stop ۔
# or an ellipsis (with any closing quotes or brackets after them) when whitespace
# follows, and at every line break. "3.5" and "U.S.A" stay whole: the stop must be
# followed by whitespace or the end of the text.
_END = re.compile(r"[.!?؟۔…]+[\"'”’»)\]]*(?=\s|$)|\n")
# A sentence has at least one letter or digit; "💧" or "•" alone is not one.
_WORDLIKE = re.compile(r"\w")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str

    def __len__(self) -> int:
        return self.end - self.start


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of `text`, in order, each trimmed of surrounding whitespace.

    Offsets are code points into `text` (Python string indices).
    """
    sentences: list[Sentence] = []
    begin = 0
    for match in _END.finditer(text):
        _add(sentences, text, begin, match.end())
        begin = match.end()
    _add(sentences, text, begin, len(text))
    return sentences


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end and _WORDLIKE.search(text, start, end):
        sentences.append(Sentence(start, end, text[start:end]))
