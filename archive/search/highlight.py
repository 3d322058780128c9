"""Snippets with the matches marked, computed on the original text.

The databases find and rank; highlighting runs here, the same on both
backends: the query's words are looked for in the folded text
(archive.search.normalize), and every match is mapped back to the original
characters, diacritics, case and all. Snippets and marks begin and end on
grapheme cluster boundaries, as passages do: a flag, a family emoji or a
letter with its combining marks is shown whole or not at all.
"""

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.core.graphemes import grapheme_bounds
from archive.search.normalize import (
    SPACED_CHAR,
    FoldedText,
    arabic_base,
    indexed_base,
    is_unspaced,
    stem_words,
    words_of,
)
from archive.search.query import MAX_QUERY_LENGTH, Query, Term

SNIPPET_CHARS = 240
# A word of a spaced script ends where its letters do: at a space, a sign,
# or a Chinese or Japanese character ("UN报告"). Those have no such bounds:
# their pairs are found wherever the characters stand.
_BEFORE = f"(?<!{SPACED_CHAR})"
_AFTER = f"(?!{SPACED_CHAR})"
_GAP = r"[\W_]+"
_SCRIPT_GAP = r"[\W_]*"  # between a spaced word and a Chinese or Japanese one
_REST = f"{SPACED_CHAR}*"  # the rest of a prefix's word


def _pattern(term: Term) -> str:
    """Where a term stands in folded text, as a regular expression: its words
    with the gaps that part them in the text, and the pairs of one run of
    Chinese or Japanese ("供水", "水站") overlapping as one ("供水站")."""
    pattern, previous = "", ""
    for word in term.words:
        unspaced = is_unspaced(word)
        if not previous:
            pattern = re.escape(word) if unspaced else _BEFORE + re.escape(word)
        elif unspaced and len(previous) == 2 and is_unspaced(previous) and previous[1] == word[0]:
            pattern += re.escape(word[1:])
        else:
            gap = _GAP if unspaced == is_unspaced(previous) else _SCRIPT_GAP
            pattern += gap + re.escape(word)
        previous = word
    if is_unspaced(previous):
        return pattern
    return pattern + (_REST if term.prefix else _AFTER)


@dataclass(frozen=True)
class Snippet:
    """A stretch of text as (text, is_match) parts, `start` code points into the original."""

    parts: tuple[tuple[str, bool], ...]
    start: int = 0
    truncated_before: bool = False
    truncated_after: bool = False

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.parts)

    @property
    def html(self) -> SafeString:
        marked = "".join(f"<mark>{escape(text)}</mark>" if hit else escape(text) for text, hit in self.parts)
        html = ("…" if self.truncated_before else "") + marked + ("…" if self.truncated_after else "")
        return mark_safe(html)  # noqa: S308  (every part is escaped above)  # nosec B308, B703

    @property
    def has_match(self) -> bool:
        return any(hit for _, hit in self.parts)

    def text_fragment(self) -> str:
        """A URL fragment directive that scrolls to and highlights the first
        match in the browser (#:~:text=prefix-,match), or ""."""
        for index, (text, hit) in enumerate(self.parts):
            if hit:
                before = "".join(part for part, _ in self.parts[:index]).split()[-3:]
                prefix = f"{_fragment_quote(' '.join(before))}-," if before else ""
                return f":~:text={prefix}{_fragment_quote(text)}"
        return ""


def _fragment_quote(text: str) -> str:
    return quote(text, safe="").replace("-", "%2D")


class Matcher:
    """Finds a query's matches in texts of one language."""

    def __init__(self, query: Query, language: str):
        terms = query.positive_terms
        stemmable = sorted({term.words[0] for term in terms if term.stemmable})
        prefixes = sorted({term.words[0] for term in terms if term.prefix and not term.is_phrase})
        self.language = language
        self.stems = set(stem_words(stemmable, language) or ())
        self.arabic_bases = {base for base in map(arabic_base, stemmable) if base}
        # What the index finds a prefix's word by too (prefix_forms): "زيت*" finds "الزيتون".
        self.arabic_prefixes = tuple(base for base in map(arabic_base, prefixes) if base)
        # Longest first, so a phrase wins over one of its words.
        ordered = sorted(terms, key=lambda term: len(term.words), reverse=True)
        # Every match starts with its term's first word as typed (folded): where
        # none occurs, the pattern need not run, and elsewhere it starts at the first.
        self._first_words = tuple({term.words[0] for term in ordered})
        self._pattern = re.compile("|".join(map(_pattern, ordered)))
        # Each different term ("water water" is one) by its first word and pattern, for
        # _fullest to find where each stands: str.find, then a match there, is many times
        # faster than one pattern run along the whole text.
        keys = [(tuple(term.words), term.prefix) for term in ordered]
        self._terms = [
            (term.words[0], re.compile(_pattern(term)), number)
            for number, term in enumerate(ordered)
            if keys.index(keys[number]) == number
        ]

    def _base_matches(self, word: str) -> bool:
        """Whether a query's Arabic base finds the word, as the index holds it (index_stems)."""
        forms = (word, indexed_base(word) or word)
        return any(form in self.arabic_bases or form.startswith(self.arabic_prefixes) for form in forms)

    def _stem_matches(self, words: list[str]) -> list[bool]:
        """Which words match only through a stem or an Arabic base."""
        stems = stem_words(words, self.language) if self.stems else None
        unstemmed: list[None] = [None] * len(words)
        arabic = bool(self.arabic_bases or self.arabic_prefixes)
        return [
            stem in self.stems or (arabic and self._base_matches(word))
            for word, stem in zip(words, stems or unstemmed, strict=True)
        ]

    def _stem_spans(self, folded: str) -> list[tuple[int, int]]:
        if not (self.stems or self.arabic_bases or self.arabic_prefixes):
            return []
        # Each distinct word stemmed once, and positions looked for only when one
        # matches: most stretches of a long text hold none.
        words = words_of(folded)
        distinct = list(set(words.findall(folded)))
        matching = {word for word, hit in zip(distinct, self._stem_matches(distinct), strict=True) if hit}
        if not matching:
            return []
        return [word.span() for word in words.finditer(folded) if word.group() in matching]

    def _first_match(self, doc: FoldedText) -> int | None:
        folded = doc.folded
        starts = [start for start in map(folded.find, self._first_words) if start != -1]
        found = self._pattern.search(folded, min(starts)) if starts else None
        return None if found is None else doc.original_start(found.start())

    def _first_stem_match(self, doc: FoldedText) -> int | None:
        stemmed = self._stem_spans(doc.folded)
        return doc.original_start(stemmed[0][0]) if stemmed else None

    def locate(self, text: str, width: int = SNIPPET_CHARS) -> int | None:
        """The offset to centre a snippet of `width` on in `text`: the first match
        (of a stem only if nothing else matches), or, for a query of several words,
        the first match whose snippet holds the most of them ("water station" rather
        than a lone "station" before it). Folded a stretch at a time: a match near the
        start of a long source is found without folding all of it."""
        folded = []  # the stretches folded by the first pass, for the second
        for index, (start, end, read_end) in enumerate(stretches := list(_stretches(text))):
            doc = FoldedText(text[start:read_end])
            found = self._first_match(doc)
            if found is not None and start + found < end:
                if len(self._terms) == 1:
                    return start + found
                return self._fullest(text, stretches[index:], doc, width)
            folded.append((start, end, doc))
        for start, end, doc in folded:
            found = self._first_stem_match(doc)
            if found is not None and start + found < end:
                return start + found
        return None

    def _fullest(
        self, text: str, stretches: list[tuple[int, int, int]], first: FoldedText, width: int
    ) -> int:
        """Of the matches in `stretches` (the first already folded as `first`), the first
        whose snippet holds the most different terms: looked for a stretch at a time,
        until one holds them all or FULLEST_WITHIN characters are read. Windows are
        measured in folded characters (near enough); only the offset chosen is mapped back."""
        docs: list[FoldedText] = []
        hits: list[tuple[int, int, int, int]] = []  # (about where, term, stretch, folded offset)
        best = (0, 0, 0, 0)  # (terms held, about where, stretch, folded offset)
        for number, (start, end, read_end) in enumerate(stretches):
            doc = first if number == 0 else FoldedText(text[start:read_end])
            docs.append(doc)
            hits += [
                (start + at, term, number, at) for at, term in self._hits(doc.folded) if start + at < end
            ]
            # Only a window that reaches into this stretch can hold more than before.
            reaching = bisect_left(hits, (start - width,))
            best = max(best, _fullest_window(hits[reaching:], width), key=lambda held: held[0])
            if best[0] == len(self._terms) or end - stretches[0][0] >= FULLEST_WITHIN:
                break
        _, _, number, at = best
        return stretches[number][0] + docs[number].original_start(at)

    def _hits(self, folded: str) -> list[tuple[int, int]]:
        """(offset, term) of each match in `folded`, in text order."""
        found = []
        for word, pattern, term in self._terms:
            at = folded.find(word)
            while at != -1:
                if pattern.match(folded, at):
                    found.append((at, term))
                at = folded.find(word, at + 1)
        return sorted(found)

    def spans(self, doc: FoldedText) -> list[tuple[int, int]]:
        """Original (start, end) of every match, in order, not overlapping,
        widened to whole grapheme clusters (the marks that fold away, such
        as a combining accent after the last letter, are the match's too)."""
        folded = [match.span() for match in self._pattern.finditer(doc.folded)] + self._stem_spans(doc.folded)
        return _merge(
            [
                grapheme_bounds(doc.text, doc.original_start(start), doc.original_end(end))
                for start, end in folded
            ]
        )


_STRETCH = 2_000  # characters folded at a time by Matcher.locate()
# How far past the first match a snippet looks for one with more of the query's words.
FULLEST_WITHIN = 20_000
# How far each stretch is read into the next, for a match across the boundary:
# as long as the longest query, so only a phrase whose words are further
# apart than that (a run of spaces or punctuation) can be missed there.
_OVERLAP = MAX_QUERY_LENGTH


def _stretches(text: str) -> Iterator[tuple[int, int, int]]:
    """Consecutive stretches of `text` as (start, end, read_end), split before
    a space so that no word is cut; each is read on to read_end."""
    start = 0
    while start < len(text):
        end = _space_from(text, start + _STRETCH)
        yield start, end, _space_from(text, end + _OVERLAP)
        start = end


def _space_from(text: str, position: int) -> int:
    space = text.find(" ", position) if position < len(text) else -1
    return len(text) if space == -1 else space


def _fullest_window(hits: list[tuple[int, int, int, int]], width: int) -> tuple[int, int, int, int]:
    """(How many different terms, and the rest of the hit) of the first of `hits` (about
    where, term, ...) whose snippet, as snippet() places it (a quarter of `width` before
    it), holds the most different terms."""
    best, held, low, high = (0, 0, 0, 0), Counter[int](), 0, 0
    for hit in hits:
        left, right = hit[0] - width // 4, hit[0] - width // 4 + width
        while high < len(hits) and hits[high][0] < right:
            held[hits[high][1]] += 1
            high += 1
        while hits[low][0] < left:
            term = hits[low][1]
            held[term] -= 1
            if not held[term]:
                del held[term]
            low += 1
        if len(held) > best[0]:
            best = (len(held), hit[0], hit[2], hit[3])
    return best


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _parts(text: str, spans: list[tuple[int, int]]) -> tuple[tuple[str, bool], ...]:
    parts, position = [], 0
    for start, end in spans:
        if start > position:
            parts.append((text[position:start], False))
        parts.append((text[start:end], True))
        position = end
    if position < len(text):
        parts.append((text[position:], False))
    return tuple(parts)


def highlight(text: str, matcher: Matcher) -> Snippet:
    """All of `text` (a title, say) with its matches marked."""
    return Snippet(_parts(text, matcher.spans(FoldedText(text))))


def snippet(text: str, matcher: Matcher, *, width: int = SNIPPET_CHARS) -> Snippet:
    """About `width` characters around the first match (or the start), whole
    words where there are spaces, and whole grapheme clusters always."""
    if len(text) <= width:
        return highlight(text, matcher)
    center = matcher.locate(text, width) or 0
    start = max(0, center - width // 4)
    if start > 0:  # begin after a space, so no word is cut
        space = text.find(" ", start, center)
        start = space + 1 if space != -1 else start
    # Without a space to cut at (emoji, scripts written without spaces), or
    # one that a combining mark follows, begin at the cluster's start.
    start = grapheme_bounds(text, start, start)[0]
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", center + 1, end)
        end = space if space != -1 else end
        # End before the cluster the cut falls in, or after it if the match begins in it.
        before, after = grapheme_bounds(text, end, end)
        end = before if before > center else after
    window = text[start:end]
    return Snippet(
        _parts(window, matcher.spans(FoldedText(window))),
        start=start,
        truncated_before=start > 0,
        truncated_after=end < len(text),
    )
