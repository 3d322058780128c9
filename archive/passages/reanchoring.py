"""Finding passages again after their source's text has changed.

When a source's text is corrected, every passage's TextPositionSelector may
point at the wrong characters. `reanchor` finds each passage in the new text,
in this order, and says with a score (0 to 1) and a reason how:

1. exact: the quote is where the edit left it: it keeps some of its own old
   text (as the diff maps it) and its offset from the unchanged text right
   before or right after it, or at least lies between the same unchanged text;
2. fuzzy, in place: at least half of the quote survives where the edit left
   it; the passage spans its surviving text from the first to the last kept
   stretch, with whatever was inserted or replaced between them (an
   insertion inside a passage keeps all of its characters, so it is found
   however long the insertion), judged by that surviving text, its context
   and its position rather than by an edit budget;
3. moved: the quote is elsewhere; among its occurrences, the one whose
   context best matches the stored prefix and suffix and that lies closest to
   where the passage was expected, its context at least half the same;
4. fuzzy: near where it was expected, an approximate match of the quote with
   at most a quarter of its length in edits (Levenshtein distance), scored by
   the quote, the context and the distance;
5. orphaned: none of the above; the passage keeps its old quote and offsets.

Nothing is attached without support. A quote shorter than its context says
little by itself: it is taken only with its context (one side nearly all
there, or some of it equal right beside it with the whole words the quote
cuts into, and, in its own place, enough of all of it kept by the edit; a
damaged quote's own text kept there counts as context beside it), or where
the edit kept it and it holds a character found once in each text; and a
copy elsewhere with more of its context is preferred to a place where the
diff kept it. A candidate lying mostly in text that the edit left
unchanged, and that was not the passage's own text, belongs to other words
of the source: it is taken only when the context on both sides matches and
the passage's own text was deleted rather than replaced, right beside the
copy (a removed duplicate). Spans are widened to whole extended grapheme
clusters, so a highlight never starts on a lone accent.

The edit is worked out once for all passages, as the stretches of text that
it left unchanged: the common head and tail are trimmed, and what is left
between them is diffed by space-separated pieces, split and matched by a
longest common subsequence in C (rapidfuzz); where a copy of repeated text
(a paragraph pasted several times) is deleted after copies that follow
inserted text, those copies are paired with the next ones, so that the
replaced copy is the one deleted. Only the changed blocks near a
passage are diffed again, by word and then by character; at each of these
levels tokens found once on each side are matched first (patience diff), so
that a passage's words are not paired with equal words elsewhere. Far from
every passage a changed block stays whole: a text edited all over costs
little more than one left alone. An insertion that repeats words of the
text right after it is then moved in front of them, so that a passage's
words are not paired with their echo; where the quote still aligns better
with text beside its surviving pieces than with what they span, that text
is taken. A passage wholly inside an unchanged stretch is moved by that
stretch's shift without any search, which is what most passages of a long
text need.

Offsets are Unicode code points, like Python string indexing.
"""

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import Final

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, LCSseq, Levenshtein, Postfix, Prefix

from archive.core.graphemes import grapheme_bounds
from archive.models.passage import AnchorStatus
from archive.passages.selectors import CONTEXT_LENGTH, TextSelector

# A fuzzy match may differ from the quote by this fraction of its length.
MAX_ERROR_RATE = 0.25
# How far (in code points, beyond the changed text) a fuzzy match is looked for.
FUZZY_RADIUS = 1000
# How a candidate is scored: its quote, its context, its distance.
QUOTE_WEIGHT, CONTEXT_WEIGHT, POSITION_WEIGHT = 0.5, 0.45, 0.05
# Context that a candidate in other unchanged text must match, on each side.
MIN_CONTEXT_IN_OTHER_TEXT = 0.75
# At most this many occurrences or fuzzy matches of a passage are scored.
MAX_CANDIDATES = 50
# A passage is found in place when at least this fraction of its quote
# survives the edit there, counting only stretches of at least
# MIN_SURVIVING_RUN code points (a character diff pairs single letters and
# short syllables of any two texts).
MIN_SURVIVING = 0.5
MIN_SURVIVING_RUN = 3
# What one inserted character costs a passage whose surviving text it
# splits, against one character of its quote kept: an insertion inside a
# passage becomes part of it unless it dwarfs the text it separates.
INSERTED_COST = 0.35
LOST_COST = 0.35
# Surviving pieces of a passage spread over at most this many times its
# length are taken together, whatever the densest run of them keeps.
MAX_GROWTH = 1.5
# Surviving pieces outside a stretch of a passage's span that holds again at
# least this share of what they keep of its quote are an echo of the passage.
ECHOED = 0.8
# Changed text this near a passage (in code points) is diffed down to
# characters; further away, changed words stay one block.
NEAR_PASSAGE = 16
# Pieces of old and new text matched at once, at most (their product): the
# matrix that matches them takes a bit per pair.
MAX_PIECE_PAIRS = 40_000_000
# A stretch starting and ending with this many characters of the quote
# holds both its ends (fewer may end an inserted word by chance: "water", "After").
WHOLE_EDGE = 8
# Unchanged stretches at least this long tell where an edit's bounds are; a
# character diff's shorter ones may pair letters of unrelated words.
SIGNIFICANT_RUN = 16
# A quote shorter than its context carries too little evidence by itself: it
# is taken only with this many characters of its context matching exactly
# right beside it, or one side's context this similar.
SELF_EVIDENT_LENGTH = CONTEXT_LENGTH
# A shorter quote of at least this many code points, found once in each text
# where the edit kept it, is a phrase of its own: it needs no context.
UNIQUE_PHRASE_LENGTH = 16
MIN_ADJACENT_CONTEXT = 8
MIN_CONTEXT_FOR_SHORT = 0.75
# Where the edit kept a short quote, it also kept at least this share of its
# context (a quote re-inserted into rewritten text keeps little of it); with
# this share kept, it needs no equal context right beside it.
MIN_KEPT_CONTEXT = 0.375
MOST_CONTEXT_KEPT = 0.75
# A copy of the quote that the edit did not leave in the passage's place
# (moved text, or other words) needs its context this similar on average.
MIN_CONTEXT_ELSEWHERE = 0.5

# Long texts are first matched by sentences (or lines). Changed blocks near
# passages are diffed again by words, then by characters within short
# blocks: each level as (tokens, the largest block it diffs in code points
# of old and new together).
_SENTENCES = re.compile(r"[^\n.!?;؟؛。]*(?:[.!?;؟؛。]+|\n)\s*|[^\n.!?;؟؛。]+")
_WORDS = re.compile(r"\w+\s*|[^\w\s]+\s*|\s+")
_CHARACTERS = re.compile(".", re.DOTALL)
_REFINING_LEVELS: tuple[tuple[re.Pattern[str], int], ...] = ((_WORDS, 20_000), (_CHARACTERS, 200))


class AnchorResult:
    """Where a passage lies in the new text: its status and span; how well
    the span matches the passage (0 to 1, 0 for an orphan) and why it was
    taken or orphaned, for whoever reviews the result. Results are equal
    when their status and span are.

    Not a frozen dataclass: compiled, this class is made in a fifteenth of
    the time, and one is made for every passage."""

    def __init__(
        self, status: AnchorStatus, start: int, end: int, score: float = 1.0, reason: str = ""
    ) -> None:
        self.status: Final = status
        self.start: Final = start
        self.end: Final = end
        self.score: Final = score
        self.reason: Final = reason

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AnchorResult):
            return NotImplemented
        return (self.status, self.start, self.end) == (other.status, other.start, other.end)

    def __hash__(self) -> int:
        return hash((self.status, self.start, self.end))

    def __repr__(self) -> str:
        return (
            f"AnchorResult({self.status!r}, {self.start}, {self.end}, "
            f"score={self.score!r}, reason={self.reason!r})"
        )


def reanchor(selectors: Sequence[TextSelector], *, old_text: str, new_text: str) -> list[AnchorResult]:
    """Where each passage anchored in `old_text` lies in `new_text`, in order."""
    if not selectors:
        return []  # no passages: the edit need not be worked out
    focus = [(selector.start, selector.end) for selector in selectors]
    change = TextChange(old_text, new_text, focus)
    return [change.anchor(selector) for selector in selectors]


class _Candidate:
    # Not a dataclass: compiled, this plain class is made in a fifteenth of
    # a frozen dataclass's time, and one is made for each candidate scored best.
    def __init__(self, start: int, end: int, errors: int, score: float) -> None:
        self.start = start
        self.end = end
        self.errors = errors
        self.score = score


class _PassageFacts:
    """What TextChange works out once for a passage, as its candidates are scored."""

    def __init__(self, selector: TextSelector | None) -> None:
        self.selector = selector
        self.own_range: tuple[int, int] | None = None  # by _own_range
        self.kept_context: float | None = None  # by _kept_context
        self.deletion: tuple[int, int, int] | None = None  # by _deletion_around


class TextChange:
    """The edit from old_text to new_text, as the stretches it left unchanged."""

    def __init__(self, old_text: str, new_text: str, focus: Sequence[tuple[int, int]] | None = None):
        """`focus`: the old spans of the passages to anchor; only changed
        text near them is diffed down to characters (all of it without)."""
        self.old = old_text
        self.new = new_text
        # Unchanged stretches, in order in both texts: old[a:a+n] == new[b:b+n].
        self._old_starts: list[int] = []
        self._new_starts: list[int] = []
        self._lengths: list[int] = []
        self._old_ends: list[int] = []
        for a, b, n in _unchanged_segments(old_text, new_text, focus):
            if self._old_ends and a == self._old_ends[-1] and b == self._new_starts[-1] + self._lengths[-1]:
                self._lengths[-1] += n  # it continues the last one in both texts: joined
                self._old_ends[-1] += n
            elif n:
                self._old_starts.append(a)
                self._new_starts.append(b)
                self._lengths.append(n)
                self._old_ends.append(a + n)
        # What is asked again for each candidate, worked out once for the
        # passage being anchored (passages are anchored one by one).
        self._facts = _PassageFacts(None)

    def anchor(self, selector: TextSelector) -> AnchorResult:
        """Where the passage that `selector` gives in the old text lies in the new."""
        start, end, quote = selector.start, selector.end, selector.exact
        if not quote:
            return AnchorResult(AnchorStatus.ORPHANED, start, end, 0.0, "the passage has no quote")
        index = self._segment_before(start)
        if (
            index >= 0
            and end <= self._old_ends[index]
            and self.old[start:end] == quote
            # A short quote needs some of its context left unchanged too.
            and (len(quote) >= SELF_EVIDENT_LENGTH or self._short_in_place(selector, index))
        ):
            shift = self._shift(index)
            return AnchorResult(
                AnchorStatus.EXACT, start + shift, end + shift, 1.0, "the edit left it unchanged"
            )
        expected = self._expected_start(min(start, len(self.old)))
        moved = (AnchorStatus.MOVED, self._best_occurrence, "its quote elsewhere, with its context")
        for status, search, reason in (
            (AnchorStatus.EXACT, self._in_place, "its quote where the edit left it"),
            (AnchorStatus.FUZZY, self._surviving, "its surviving text where the edit left it"),
            moved,
            (AnchorStatus.FUZZY, self._best_approximate, "an approximate match near its place"),
        ):
            found = search(selector, expected)
            if found is not None and status == AnchorStatus.EXACT and len(quote) < SELF_EVIDENT_LENGTH:
                # A short quote is told by its context: a copy elsewhere
                # with more of it is the passage's moved text, and the diff
                # paired the quote with its equal words by chance.
                elsewhere = self._best_occurrence(selector, expected)
                if elsewhere is not None and elsewhere.score > found.score:
                    status, _, reason = moved
                    found = elsewhere
            if found is not None:
                new_start, new_end = grapheme_bounds(self.new, found.start, found.end)
                if (new_start, new_end) != (found.start, found.end):
                    status = AnchorStatus.FUZZY
                return AnchorResult(status, new_start, new_end, round(found.score, 3), reason)
        return AnchorResult(
            AnchorStatus.ORPHANED, start, end, 0.0, "not found: too little of its text or context survives"
        )

    # Where the edit puts old text.

    def _segment_before(self, position: int) -> int:
        """Index of the last unchanged stretch starting at or before `position` (-1 if none)."""
        return bisect_right(self._old_starts, position) - 1

    def _shift(self, index: int) -> int:
        return self._new_starts[index] - self._old_starts[index]

    def _expected_start(self, position: int) -> int:
        """Where old offset `position` lands in the new text (the same offset
        into a changed block, at most its end)."""
        index = self._segment_before(position)
        if index >= 0 and position < self._old_ends[index]:
            return position + self._shift(index)
        block_old = self._old_ends[index] if index >= 0 else 0
        block_new = self._new_starts[index] + self._lengths[index] if index >= 0 else 0
        block_new_end = self._new_starts[index + 1] if index + 1 < len(self._lengths) else len(self.new)
        return min(block_new + position - block_old, block_new_end)

    def _new_range(self, start: int, end: int) -> tuple[int, int]:
        """The new text that old[start:end] may have become: its image, widened
        to whole changed blocks at either edge."""
        index = self._segment_before(start)
        if index >= 0 and start < self._old_ends[index]:
            new_start = start + self._shift(index)
        else:
            new_start = self._new_starts[index] + self._lengths[index] if index >= 0 else 0
        index = self._segment_before(end - 1)
        if index >= 0 and end <= self._old_ends[index]:
            new_end = end + self._shift(index)
        else:
            new_end = self._new_starts[index + 1] if index + 1 < len(self._lengths) else len(self.new)
        return new_start, max(new_start, new_end)

    def _own_range(self, selector: TextSelector) -> tuple[int, int]:
        """The new text that the passage's own old text may have become
        (_new_range of its span), worked out once per passage."""
        facts = self._facts_of(selector)
        if facts.own_range is None:
            facts.own_range = self._new_range(selector.start, selector.end)
        return facts.own_range

    def _origin(self, selector: TextSelector, start: int, end: int) -> tuple[int, int]:
        """How much of new[start:end] is unchanged text, and the longest
        stretch of it that was the passage's own text before the edit (0: none)."""
        unchanged = own = 0
        own_start, own_end = selector.start, selector.end
        index = max(0, bisect_right(self._new_starts, start) - 1)
        while index < len(self._lengths) and self._new_starts[index] < end:
            low = max(start, self._new_starts[index])
            high = min(end, self._new_starts[index] + self._lengths[index])
            if low < high:
                unchanged += high - low
                shift = self._shift(index)
                own = max(own, min(high - shift, own_end) - max(low - shift, own_start))
            index += 1
        return unchanged, own

    # Searching the new text.

    def _score(
        self, selector: TextSelector, start: int, end: int, errors: int, expected: int
    ) -> float | None:
        """How well new[start:end] matches the passage, or None if it must not be taken."""
        unchanged, own_run = self._origin(selector, start, end)
        own = own_run > 0
        # Mostly unchanged text (a word or two edited in it) is still other
        # words of the source, unless a removed duplicate: most other
        # occurrences of a quote are told so here, before their context is compared.
        other_words = unchanged * 2 >= end - start and not own
        if other_words and not self._beside_deletion(selector, start):
            return None
        prefix = _similarity(selector.prefix, self.new[max(0, start - CONTEXT_LENGTH) : start])
        suffix = _similarity(selector.suffix, self.new[end : end + CONTEXT_LENGTH])
        needs_context = (prefix + suffix) / 2 < MIN_CONTEXT_ELSEWHERE and not self._moved_whole(
            selector, errors
        )
        if needs_context:
            # Away from where the passage's own text went, it is not its own text.
            own_start, own_end = self._own_range(selector)
            if end <= own_start or start >= own_end:
                return None
        if not own and needs_context:
            return None
        # A removed duplicate's context matches on both sides.
        if other_words and min(prefix, suffix) < MIN_CONTEXT_IN_OTHER_TEXT:
            return None
        length = len(selector.exact)
        if length < SELF_EVIDENT_LENGTH and not self._short_supported(
            selector, start, end, prefix, suffix, own, own_run if errors else 0
        ):
            return None
        closeness = 1 / (1 + abs(start - expected) / max(length, CONTEXT_LENGTH))
        return (
            QUOTE_WEIGHT * (1 - errors / length)
            + CONTEXT_WEIGHT * (prefix + suffix) / 2
            + POSITION_WEIGHT * closeness
        )

    def _short_in_place(self, selector: TextSelector, index: int) -> bool:
        """Whether a short quote that the edit kept in unchanged stretch
        `index` keeps its context there: the words it cuts into whole, enough
        of its context in the stretch right beside it or most of all its
        context kept by the edit, and enough of all of it kept in any case."""
        start, end = selector.start, selector.end
        before, after = start - self._old_starts[index], self._old_ends[index] - end
        cut_before, cut_after = _cut_words(selector)
        return (
            before >= cut_before
            and after >= cut_after
            and self._kept_context(selector) >= MIN_KEPT_CONTEXT
            # Right beside it, or most of its context further off: a rewrite
            # that holds the quote again keeps much less of it.
            and (before + after >= MIN_ADJACENT_CONTEXT or self._kept_context(selector) >= MOST_CONTEXT_KEPT)
        )

    def _short_supported(
        self,
        selector: TextSelector,
        start: int,
        end: int,
        prefix: float,
        suffix: float,
        own: bool,
        damaged_run: int,
    ) -> bool:
        """Whether a short quote at new[start:end] has its context: one side
        nearly all there; or, its own text, a character found once in each
        text; or the words the quote cuts into whole ("in" of "shelling" is
        not "in" of "morning") and enough of its context equal right beside
        it. Where it is its own text, enough of all its context must be kept
        by the edit too: a quote re-inserted into rewritten text meets a few
        equal characters by chance, not its context. A damaged quote is no
        such re-insertion: `damaged_run`, the longest stretch of its own text
        kept there, tells it as well as equal context beside it."""
        if max(prefix, suffix) >= MIN_CONTEXT_FOR_SHORT or (own and self._unique(selector.exact)):
            return True
        if own and self._own_phrase(selector.exact, start, end):
            return True
        if own and self._kept_context(selector) < MIN_KEPT_CONTEXT:
            return False
        before, after = self._equal_beside(selector, start, end)
        cut_before, cut_after = _cut_words(selector)
        return (
            before >= cut_before
            and after >= cut_after
            and max(before + after, damaged_run) >= MIN_ADJACENT_CONTEXT
        )

    def _kept_context(self, selector: TextSelector) -> float:
        """The share of the passage's context (its old prefix and suffix) that
        the edit left unchanged, in stretches of at least MIN_SURVIVING_RUN."""
        facts = self._facts_of(selector)
        if facts.kept_context is not None:
            return facts.kept_context
        start, end = min(selector.start, len(self.old)), min(selector.end, len(self.old))
        spans = (
            (max(0, start - len(selector.prefix)), start),
            (end, min(len(self.old), end + len(selector.suffix))),
        )
        total = sum(high - low for low, high in spans)
        kept = 0
        for low, high in spans:
            index = max(0, self._segment_before(low))
            while index < len(self._lengths) and self._old_starts[index] < high:
                if self._lengths[index] >= MIN_SURVIVING_RUN:
                    kept += max(0, min(high, self._old_ends[index]) - max(low, self._old_starts[index]))
                index += 1
        facts.kept_context = kept / total if total else 1.0
        return facts.kept_context

    def _moved_whole(self, selector: TextSelector, errors: int) -> bool:
        """Whether the passage is a long quote found verbatim once in the new
        text: a sentence or paragraph moved elsewhere, which says by itself
        where it went whatever now stands around it."""
        quote = selector.exact
        return errors == 0 and len(quote) >= SELF_EVIDENT_LENGTH and self.new.count(quote) == 1

    def _own_phrase(self, quote: str, start: int, end: int) -> bool:
        """Whether new[start:end] is the quote itself, a phrase
        (UNIQUE_PHRASE_LENGTH) found once in the old text and once in the
        new: kept by the edit, it tells by itself where it went, however its
        context was rewritten."""
        return (
            len(quote) >= UNIQUE_PHRASE_LENGTH
            and self.new.startswith(quote, start)
            and end - start == len(quote)
            and all(text.find(quote, text.find(quote) + 1) == -1 for text in (self.old, self.new))
        )

    def _unique(self, quote: str) -> bool:
        """Whether `quote` holds a character found once in the old text and
        once in the new (a mark or symbol of its own): then it tells by
        itself where it went. A word, even one found once, may be a chance
        copy in the text that replaced it."""
        # (A quote found twice holds no such character: that is checked first, in C.)
        return all(text.find(quote, text.find(quote) + 1) == -1 for text in (self.old, self.new)) and any(
            self.old.count(char) == 1 == self.new.count(char) for char in set(quote) if not char.isspace()
        )

    def _equal_beside(self, selector: TextSelector, start: int, end: int) -> tuple[int, int]:
        """How many characters of the stored prefix and of the stored suffix
        equal the new text right before and right after new[start:end]."""
        return _equal_before(selector.prefix, self.new, start), _equal_after(selector.suffix, self.new, end)

    def _beside_deletion(self, selector: TextSelector, copy_start: int) -> bool:
        """Whether a copy of the passage in other unchanged text, at
        new[copy_start:], may take its place if its context matches on both
        sides (a removed duplicate): the passage's own text was deleted (not
        replaced by other text, which is where it then was), and the copy
        lies beside the deleted text, within its length (a paragraph pasted
        twice; a copy further away is other words of the source that happen
        to repeat it)."""
        low, high, deleted = self._deletion_around(selector)
        return (high - low) * 2 < len(selector.exact) and low - deleted <= copy_start <= high + deleted

    def _deletion_around(self, selector: TextSelector) -> tuple[int, int, int]:
        """_deletion of the passage's span, worked out once per passage."""
        facts = self._facts_of(selector)
        if facts.deletion is None:
            facts.deletion = self._deletion(selector.start, selector.end)
        return facts.deletion

    def _facts_of(self, selector: TextSelector) -> _PassageFacts:
        """What was worked out for the passage `selector` gives (anew for another passage)."""
        if self._facts.selector is not selector:
            self._facts = _PassageFacts(selector)
        return self._facts

    def _deletion(self, start: int, end: int) -> tuple[int, int, int]:
        """(low, high, deleted): the new text between the long unchanged
        stretches before and after old[start:end], and how much old text lay
        between them."""
        low, high = 0, len(self.new)
        old_low, old_high = 0, len(self.old)
        after = bisect_left(self._old_starts, start)  # the first stretch starting at or after start
        for index in range(after - 1, -1, -1):  # the last long one before start
            if self._lengths[index] >= SIGNIFICANT_RUN:
                old_low = min(self._old_ends[index], start)
                low = old_low + self._shift(index)
                break
        for index in range(after, len(self._lengths)):  # the first long one reaching past end
            if self._lengths[index] >= SIGNIFICANT_RUN and self._old_ends[index] > end:
                old_high = max(self._old_starts[index], end)
                high = old_high + self._shift(index)
                break
        return low, high, old_high - old_low

    def _best(
        self, selector: TextSelector, matches: list[tuple[int, int, int]], expected: int
    ) -> _Candidate | None:
        """The best-scoring of (start, end, errors) matches, the nearest to
        `expected` first among equals. Only MAX_CANDIDATES are scored: of more,
        those with the most context matching exactly, then the nearest."""
        if len(matches) > MAX_CANDIDATES:

            def key(match: tuple[int, int, int]) -> tuple[int, int, int]:
                start, end, errors = match
                before, after = self._equal_beside(selector, start, end)
                return -(before + after), abs(start - expected), errors

            matches.sort(key=key)
            del matches[MAX_CANDIDATES:]
        matches.sort(key=lambda match: (abs(match[0] - expected), match[2]))
        best = None
        for start, end, errors in matches:
            score = self._score(selector, start, end, errors, expected)
            if score is not None and (best is None or score > best.score):
                best = _Candidate(start, end, errors, score)
        return best

    def _occurrences(self, quote: str, low: int, high: int) -> list[tuple[int, int, int]]:
        """(start, end, 0) of each occurrence of `quote` in new[low:high]."""
        matches = []
        found = self.new.find(quote, low, high)
        while found != -1:
            matches.append((found, found + len(quote), 0))
            found = self.new.find(quote, found + 1, high)
        return matches

    def _in_place(self, selector: TextSelector, expected: int) -> _Candidate | None:
        """The quote where the edit left it, if the passage was not edited.

        In place means keeping some of its own old text (as the diff maps it),
        and lying at the same offset from the unchanged text just before or
        just after the passage, or anywhere within the unchanged stretches
        that were wholly before and wholly after it, overlapping them: a diff
        cannot always tell on which side of a passage an edit was, nor which
        of several equal characters it kept.
        """
        start, end, quote = selector.start, selector.end, selector.exact
        if self.old[start:end] != quote:
            return None
        index = self._segment_before(start)
        before = self._shift(index) if index >= 0 else 0
        index = bisect_left(self._old_ends, end)
        after = self._shift(index) if index < len(self._lengths) else len(self.new) - len(self.old)
        matches = [(start + shift, end + shift, 0) for shift in (before, after) if start + shift >= 0]
        index = bisect_right(self._old_ends, start) - 1
        low = self._new_starts[index] if index >= 0 else 0
        index = bisect_left(self._old_starts, end)
        high = self._new_starts[index] + self._lengths[index] if index < len(self._lengths) else len(self.new)
        matches += self._occurrences(quote, low, high)
        in_place = [
            match
            for match in matches
            if self.new[match[0] : match[1]] == quote and self._origin(selector, match[0], match[1])[1] > 0
        ]
        return self._best(selector, in_place, expected)

    def _surviving(self, selector: TextSelector, expected: int) -> _Candidate | None:
        """The passage's surviving text where the edit left it: from the first
        to the last stretch of its quote that the edit kept, with whatever
        was inserted or replaced between them, as a reader would mark it."""
        start, end, quote = selector.start, selector.end, selector.exact
        if self.old[start:end] != quote:
            return None
        pieces = []
        index = bisect_right(self._old_ends, start)
        while index < len(self._lengths) and self._old_starts[index] < end:
            low, high = max(start, self._old_starts[index]), min(end, self._old_ends[index])
            if high - low >= MIN_SURVIVING_RUN:
                pieces.append((low + self._shift(index), high + self._shift(index), high - low, low))
            index += 1
        densest = _densest(pieces)
        surviving = sum(size for _, _, size, _ in densest)
        if surviving < MIN_SURVIVING * len(quote) and pieces:
            # A replacement inside the passage costs a short first or last
            # piece more than it keeps: all of them, if they lie no wider
            # apart than the passage could have grown.
            total = sum(size for _, _, size, _ in pieces)
            if pieces[-1][1] - pieces[0][0] <= MAX_GROWTH * len(quote):
                densest, surviving = pieces, total
        pieces = densest
        if surviving < MIN_SURVIVING * len(quote):
            return None
        new_start, new_end = self._trimmed(quote, pieces[0][0], pieces[-1][1])
        # The quote's lost head or tail may stand right beside the surviving text, unchanged:
        # the diff paired it with text elsewhere ("July." of a passage, with another's "y.").
        # It is the passage's still, and a passage does not end inside a word.
        head, tail = quote[: pieces[0][3] - start], quote[pieces[-1][3] + pieces[-1][2] - start :]
        if head and new_start == pieces[0][0] and self.new.endswith(head, 0, new_start):
            new_start -= len(head)
            surviving += len(head)
        if tail and new_end == pieces[-1][1] and self.new.startswith(tail, new_end):
            new_end += len(tail)
            surviving += len(tail)
        # Whitespace trimmed off an edge was surviving text that the span no longer holds.
        if surviving - (new_start - pieces[0][0]) - (pieces[-1][1] - new_end) < MIN_SURVIVING * len(quote):
            return None
        errors = len(quote) - surviving
        if len(pieces) > 1:
            new_start, new_end, errors = self._beside_echo(selector, pieces, new_start, new_end, errors)
            new_start, new_end = self._trimmed(quote, new_start, new_end)
        # Fewer edits than the quote has characters: what was inserted
        # between surviving stretches costs nothing (it is now part of the
        # passage), what was lost does.
        score = self._score(selector, new_start, new_end, errors, expected)
        return None if score is None else _Candidate(new_start, new_end, errors, score)

    def _trimmed(self, quote: str, start: int, end: int) -> tuple[int, int]:
        """new[start:end] without the whitespace at its edges that the quote
        lacks there: a slid edit or an alignment may leave it."""
        if not quote[0].isspace():
            while start < end and self.new[start].isspace():
                start += 1
        if not quote[-1].isspace():
            while end > start and self.new[end - 1].isspace():
                end -= 1
        return start, end

    def _beside_echo(
        self,
        selector: TextSelector,
        pieces: list[tuple[int, int, int, int]],
        new_start: int,
        new_end: int,
        errors: int,
    ) -> tuple[int, int, int]:
        """(start, end, errors) of the passage whose surviving `pieces` the
        diff found at new[new_start:new_end]. A diff may pair a passage's words
        with their echo in text inserted beside it: where the quote aligns
        better with text next to those pieces than with what they span, that
        text is the passage; so is a stretch of the span that holds the
        passage where the rest of it is an echo (_echo_within)."""
        quote = selector.exact
        best = 100 * Indel.normalized_similarity(quote, self.new[new_start:new_end])
        found = new_start, new_end, errors
        low, high = self._new_range(selector.start, selector.end)
        low = max(0, min(low, new_start) - len(quote))
        high = min(len(self.new), max(high, new_end) + len(quote))
        # Each side searched apart: the echo itself, holding the quote's words
        # in another order, may align better than the text beside it.
        for side_start, side_end in ((low, new_start), (new_end, high)):
            aligned = self._aligned(quote, side_start, side_end, best)
            if aligned is not None:
                best, found = aligned
        if found[:2] != (new_start, new_end):
            # Text beside the pieces beats their span: the diff paired some of
            # the quote's words with an echo, and a stretch of the span (the
            # damaged passage beyond the echo) may beat that text in turn.
            aligned = self._aligned(quote, new_start, new_end, best)
            if aligned is not None:
                best, found = aligned
        elif new_end - new_start > MAX_GROWTH * len(quote):
            return self._echo_within(selector, pieces, new_start, new_end, best) or found
        return found

    def _aligned(
        self, quote: str, start: int, end: int, best: float
    ) -> tuple[float, tuple[int, int, int]] | None:
        """The score and (start, end, errors) of the stretch of new[start:end]
        that aligns with the quote best, where it beats `best` (a partial
        ratio, 0 to 100)."""
        if end - start < len(quote):
            return None
        # No stretch aligns with the quote better than the whole text keeps of
        # it (a longest common subsequence found fast in C): where even a
        # stretch of just that many characters, all kept, could not beat
        # `best`, the slow search is skipped. (Less a margin for rounding.)
        common = LCSseq.similarity(quote, self.new[start:end])
        if 200 * common / (len(quote) + common) <= best - 1e-6:
            return None
        aligned = fuzz.partial_ratio_alignment(quote, self.new[start:end], score_cutoff=best)
        if aligned is None or aligned.score <= best:
            return None
        errors = round(len(quote) * (1 - aligned.score / 100))
        return aligned.score, (start + aligned.dest_start, start + aligned.dest_end, errors)

    def _echo_within(
        self,
        selector: TextSelector,
        pieces: list[tuple[int, int, int, int]],
        start: int,
        end: int,
        best: float,
    ) -> tuple[int, int, int] | None:
        """(start, end, errors) of the passage where its surviving `pieces`
        at new[start:end] span it and its echo, inserted right before or
        after it: the diff paired some of the passage's words with their
        copies in the echo. Told by a stretch of the span that aligns with
        the quote better than the whole span does, and holds both ends of
        the quote or again most of what the pieces outside it keep of it. (An
        insertion inside a passage leaves pieces outside such a stretch too,
        but they keep the rest of the quote, not what the stretch holds.)"""
        quote = selector.exact
        aligned = fuzz.partial_ratio_alignment(quote, self.new[start:end], score_cutoff=best)
        if aligned is None or aligned.score <= best:
            return None
        inside_start, inside_end = start + aligned.dest_start, start + aligned.dest_end
        held: set[int] = set()  # offsets into the quote of what the stretch holds, aligned
        for block in Indel.editops(quote, self.new[inside_start:inside_end]).as_matching_blocks():
            held.update(range(block.a, block.a + block.size))
        kept_outside = [
            offset - selector.start
            for new_at, new_end, size, old_at in pieces
            if new_end <= inside_start or new_at >= inside_end
            for offset in range(old_at, old_at + size)
        ]
        if not kept_outside:
            return None
        # A stretch that starts and ends as the quote does is the whole
        # passage, its middle damaged: an insertion inside the passage leaves
        # one of its ends outside any stretch no longer than the quote.
        edge = quote[:WHOLE_EDGE], quote[-WHOLE_EDGE:]
        whole = self.new.startswith(edge[0], inside_start) and self.new.endswith(edge[1], 0, inside_end)
        if not whole and sum(offset in held for offset in kept_outside) < ECHOED * len(kept_outside):
            return None
        return inside_start, inside_end, round(len(quote) * (1 - aligned.score / 100))

    def _best_occurrence(self, selector: TextSelector, expected: int) -> _Candidate | None:
        matches = self._occurrences(selector.exact, 0, len(self.new))
        if len(matches) > MAX_CANDIDATES:
            matches = self._not_other_words(selector, matches)
        return self._best(selector, matches, expected)

    def _not_other_words(
        self, selector: TextSelector, matches: list[tuple[int, int, int]]
    ) -> list[tuple[int, int, int]]:
        """The sorted `matches` less those that _score turns down first: lying
        in one unchanged stretch that was not the passage's own text, and not
        beside its deleted text. A common word's copies are mostly such other
        words, and would take the places of those worth scoring."""
        own_start, own_end = selector.start, selector.end
        # As _beside_deletion, its bounds worked out once for all the matches.
        low, high, deleted = self._deletion_around(selector)
        deletion = (high - low) * 2 < len(selector.exact)
        kept = []
        index = 0
        for match in matches:
            start, end, _ = match
            # The first unchanged stretch ending at or after the match.
            while index < len(self._lengths) and self._new_starts[index] + self._lengths[index] < end:
                index += 1
            if index < len(self._lengths) and self._new_starts[index] <= start:
                shift = self._shift(index)
                other_words = end - shift <= own_start or start - shift >= own_end
                if other_words and not (deletion and low - deleted <= start <= high + deleted):
                    continue
            kept.append(match)
        return kept

    def _best_approximate(self, selector: TextSelector, expected: int) -> _Candidate | None:
        quote, length = selector.exact, len(selector.exact)
        max_errors = int(length * MAX_ERROR_RATE)
        if max_errors == 0:
            return None
        old_start = min(selector.start, len(self.old))
        low, high = self._new_range(old_start, max(old_start + 1, min(selector.end, len(self.old))))
        pad = max_errors + CONTEXT_LENGTH
        low = max(0, low - pad, expected - FUZZY_RADIUS)
        high = min(len(self.new), high + pad, expected + length + FUZZY_RADIUS)
        window = self.new[low:high]
        # A stretch of the window within max_errors edits of the quote keeps
        # all but max_errors of its characters in order, and so does the
        # window: where it does not (in C, cheaply), nothing is found.
        if LCSseq.similarity(quote, window, score_cutoff=length - max_errors) == 0:
            return None
        # Within max_errors edits of a stretch of the window, the quote is at
        # most 3 * max_errors insertions and deletions from the stretch of its
        # own length there: where none is that near (in C), nothing is found.
        # (Less a margin for rounding.)
        nearest = 100 * (1 - 1.5 * max_errors / length) - 1e-6
        if len(window) >= length and not fuzz.partial_ratio(quote, window, score_cutoff=nearest):
            return None
        errors = _match_distances(quote, window)
        ends = [
            (low + index + 1, error)
            for index, error in enumerate(errors)
            if error <= max_errors
            and not (index > 0 and errors[index - 1] < error)
            and not (index + 1 < len(errors) and errors[index + 1] < error)
        ]
        ends.sort(key=lambda end: abs(end[0] - length - expected))
        matches = [self._approximate_match(quote, end, error) for end, error in ends[:MAX_CANDIDATES]]
        return self._best(selector, matches, expected)

    def _approximate_match(self, quote: str, end: int, errors: int) -> tuple[int, int, int]:
        """(start, end, errors) of the best match of `quote` ending at `end`,
        found with `errors` edits: of the best, the length nearest the quote's
        (the shorter of two as near). A match `errors` edits away is at most
        that much shorter or longer than the quote."""
        lengths = sorted(
            range(max(1, len(quote) - errors), min(end, len(quote) + errors) + 1),
            key=lambda length: abs(length - len(quote)),
        )
        distances = [Levenshtein.distance(quote, self.new[end - length : end]) for length in lengths]
        fewest = min(distances)
        return end - lengths[distances.index(fewest)], end, fewest


def _unchanged_segments(
    old: str, new: str, focus: Sequence[tuple[int, int]] | None = None
) -> list[tuple[int, int, int]]:
    """(old start, new start, length) of the stretches an edit left unchanged,
    in order; one may continue another in both texts (TextChange joins them).

    The texts are first diffed by space-separated pieces, split and matched
    in C. Only near a passage of `focus` (old spans; everywhere without) are
    the changed blocks diffed again by word and character, and insertions
    slid off the text they split: elsewhere a changed block stays whole,
    which costs a passage nothing and saves most of the work on a text
    edited all over."""
    limit = min(len(old), len(new))
    head = _common_length(old, 0, new, 0, limit)
    tail = _common_length(old, len(old), new, len(new), limit - head, backwards=True)
    # Pieces are matched whole: the changed middle starts and ends between them
    # ("Al" of "Al-Rashideen" replaced by "Aleppo" is not kept).
    if head < limit:
        head = old.rfind(" ", 0, head) + 1
    if tail < limit - head:
        tail = len(old) - old.find(" ", len(old) - tail) if " " in old[len(old) - tail :] else 0
    old_end, new_end = len(old) - tail, len(new) - tail
    coarse = [(0, 0, head)]
    if head < old_end and head < new_end:
        _matched_pieces(old, head, old_end, new, head, new_end, coarse)
    coarse += [(old_end, new_end, tail), (len(old), len(new), 0)]
    coarse = _unrepeated(coarse, old)
    # The old text near the passages (all of it without), as sorted, disjoint (start, end).
    near = [(-1, len(old) + 1)] if focus is None else _joined(focus, NEAR_PASSAGE)
    # The changed block before coarse[k] is refined where a stretch of `near`
    # reaches it: the stretch starts at or before the start of coarse[k] and
    # ends at or after the end of coarse[k - 1]. Found by bisection, so that
    # the far segments of a long text are copied whole, not looked at one by one.
    starts = [a for a, _, _ in coarse]
    ends = [a + n for a, _, n in coarse]
    refined: set[int] = set()
    for low, high in near:
        refined.update(
            range(max(1, bisect_left(starts, low)), min(bisect_right(ends, high), len(coarse) - 1) + 1)
        )
    segments: list[tuple[int, int, int]] = []
    chunk: list[tuple[int, int, int]] = []  # a neighbourhood of passages, refined
    done = 0  # coarse[:done] are in segments or chunk
    for k in sorted(refined):
        a, b, _ = coarse[k]
        old_at, new_at = ends[k - 1], coarse[k - 1][1] + coarse[k - 1][2]
        if old_at == a and new_at == b:
            continue  # no changed block before it, which ends a neighbourhood
        if k > done:  # a new neighbourhood, with the segment before it
            if chunk:
                segments += _slid(_merged(chunk), old, new)  # merged with the rest at the end
            segments += coarse[done : k - 1]
            chunk = [coarse[k - 1]]
        if old_at < a and new_at < b:
            _diff(old, old_at, a, new, new_at, b, 0, chunk)
        chunk.append(coarse[k])
        done = k + 1
    if chunk:
        segments += _slid(_merged(chunk), old, new)
    segments += coarse[done:]
    return segments


def _matched_pieces(
    old: str,
    old_start: int,
    old_end: int,
    new: str,
    new_start: int,
    new_end: int,
    segments: list[tuple[int, int, int]],
    by_sentence: bool = True,
) -> None:
    """Append the segments of old[old_start:old_end] and new[new_start:new_end]
    that are whole space-separated pieces left unchanged. The matrix that
    matches them grows with the product of their counts: longer texts are
    matched by sentence first, then each changed block by pieces (and a
    block still too long stays changed)."""
    old_pieces = old[old_start:old_end].split(" ")
    new_pieces = new[new_start:new_end].split(" ")
    if len(old_pieces) * len(new_pieces) <= MAX_PIECE_PAIRS:
        # Where old piece i and new piece j start (each piece and its space
        # counted in a plain loop, which compiles to C).
        old_at, new_at, i_at, j_at = old_start, new_start, 0, 0
        for block in Indel.editops(old_pieces, new_pieces).as_matching_blocks():
            i, j, size = block.a, block.b, block.size
            if not size:
                continue
            while i_at < i:
                old_at += len(old_pieces[i_at]) + 1
                i_at += 1
            while j_at < j:
                new_at += len(new_pieces[j_at]) + 1
                j_at += 1
            start = old_at
            while i_at < i + size:
                old_at += len(old_pieces[i_at]) + 1
                i_at += 1
            # The matched pieces and the spaces between them.
            segments.append((start, new_at, old_at - start - 1))
            new_at += old_at - start
            j_at += size
        return
    if not by_sentence:
        return
    for old_a, old_b, new_a, new_b, same in _token_blocks(
        _SENTENCES, old, old_start, old_end, new, new_start, new_end
    ):
        if same:
            segments.append((old_a, new_a, old_b - old_a))
        else:
            _matched_pieces(old, old_a, old_b, new, new_a, new_b, segments, by_sentence=False)


def _unrepeated(segments: list[tuple[int, int, int]], old: str) -> list[tuple[int, int, int]]:
    """Segments with a copy of repeated old text deleted where new text was
    inserted, rather than further on.

    Where old text repeats itself (a paragraph pasted several times) and the
    edit replaced one copy with other text, a diff may as well pair that copy
    with the next and so on, and delete the last: the edit then reads as
    text inserted before the copies and a copy deleted after them, and the
    replaced copy's passages as kept. Where more old text than new lies
    between a long segment and the next, and the segment's old text repeats
    there, the segments back to text inserted before them are paired with
    that copy instead (_paired_with_copy): the deletion joins the insertion,
    as the replacement it was.
    """
    result = list(segments)
    at = 1
    while at < len(result) - 1:
        a, b, n = result[at]
        if n >= SIGNIFICANT_RUN:
            # The next long segment: short ones between may be words of the
            # deleted copy that the diff paired by chance.
            after = at + 1
            while after < len(result) - 1 and result[after][2] < SIGNIFICANT_RUN:
                after += 1
            next_old, next_new, _ = result[after]
            if (next_old - a) - (next_new - b) >= SIGNIFICANT_RUN:
                copy = old.find(old[a : a + n], a + 1, next_old)
                while copy != -1 and not _paired_with_copy(result, at, copy - a, old):
                    copy = old.find(old[a : a + n], copy + 1, next_old)
        at += 1
    return result


def _paired_with_copy(segments: list[tuple[int, int, int]], at: int, shift: int, old: str) -> bool:
    """Whether segments at, at - 1 ... back to text inserted before them hold
    repeated text whose copy lies `shift` further on; if so, they are paired
    with that copy instead, in place. Short segments that the copy's old text
    then reaches are paired with it too where their text repeats there, and
    dropped (as changed text) where it does not."""
    longest = 0
    for first in range(at, 0, -1):
        old_at, new_at, size = segments[first]
        if old[old_at : old_at + size] != old[old_at + shift : old_at + size + shift]:
            return False
        longest = max(longest, size)
        before_old, before_new, _ = segments[first - 1]
        # Text inserted before them, and repeated text rather than a few
        # equal words found again further on.
        inserted = (new_at - before_new) - (old_at - before_old)
        if inserted >= SIGNIFICANT_RUN and longest >= SIGNIFICANT_RUN:
            break
    else:
        return False
    paired = [(old_at + shift, new_at, size) for old_at, new_at, size in segments[first : at + 1]]
    end = paired[-1][0] + paired[-1][2]
    after = at + 1
    while after < len(segments) - 1 and segments[after][0] < end:
        old_at, new_at, size = segments[after]
        if old[old_at : old_at + size] == old[old_at + shift : old_at + size + shift]:
            paired.append((old_at + shift, new_at, size))
            end = old_at + shift + size
        elif size >= SIGNIFICANT_RUN:
            return False  # a long unchanged stretch would be lost
        after += 1
    segments[first:after] = paired
    return True


def _joined(spans: Sequence[tuple[int, int]], margin: int) -> list[tuple[int, int]]:
    """The spans widened by `margin` on each side, sorted, overlapping ones joined."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if joined and start - margin <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end + margin))
        else:
            joined.append((start - margin, end + margin))
    return joined


def _merged(segments: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Segments with those that continue each other in both texts joined."""
    merged: list[tuple[int, int, int]] = []
    old_end = new_end = -1  # where the last merged segment ends
    for a, b, n in segments:
        if a == old_end and b == new_end:
            first_a, first_b, size = merged[-1]
            merged[-1] = (first_a, first_b, size + n)
        elif n:
            merged.append((a, b, n))
        else:
            continue
        old_end, new_end = a + n, b + n
    return merged


def _slid(segments: list[tuple[int, int, int]], old: str, new: str) -> list[tuple[int, int, int]]:
    """Segments with insertions and deletions moved off the text they split.

    Where old text runs on from one segment into the next but new text was
    inserted between them, and the inserted text ends with the first
    segment's last characters, a diff may as well have kept those characters
    after the insertion: an insertion that repeats a passage's words just
    before it is then not taken for the passage. Likewise a deletion that
    ends with the characters before it ("Al" of "Al-Rashideen area in
    Aleppo" cut to "Aleppo") leaves them to the text after it. Taken from
    the right, so that a segment moved whole joins the one after it.
    """
    result = list(segments)
    for index in range(len(result) - 2, -1, -1):
        a1, b1, n1 = result[index]
        a2, b2, n2 = result[index + 1]
        if a1 + n1 == a2 and b1 + n1 < b2:  # an insertion between them
            moved = _common_length(old, a1 + n1, new, b2, n1, backwards=True)
        elif b1 + n1 == b2 and a1 + n1 < a2:  # a deletion between them
            moved = _common_length(old, a1 + n1, old, a2, n1, backwards=True)
        else:
            continue
        if moved:
            result[index + 1] = (a2 - moved, b2 - moved, n2 + moved)
            if moved == n1:
                del result[index]  # so that the segment before meets the one it joined
            else:
                result[index] = (a1, b1, n1 - moved)
    return result


def _diff(
    old: str,
    old_start: int,
    old_end: int,
    new: str,
    new_start: int,
    new_end: int,
    level: int,
    segments: list[tuple[int, int, int]],
) -> None:
    """Append the unchanged segments between old[old_start:old_end] and
    new[new_start:new_end]: trim a common head and tail, diff the rest by
    the finest of the _REFINING_LEVELS from `level` that takes it, and each
    changed block again by the next."""
    limit = min(old_end - old_start, new_end - new_start)
    head = _common_length(old, old_start, new, new_start, limit)
    tail = _common_length(old, old_end, new, new_end, limit - head, backwards=True)
    if head:
        segments.append((old_start, new_start, head))
    old_start, new_start, old_end, new_end = (
        old_start + head,
        new_start + head,
        old_end - tail,
        new_end - tail,
    )
    # The finest level that takes a block this size; finer ones then take
    # the blocks it leaves changed.
    size = (old_end - old_start) + (new_end - new_start)
    finest = len(_REFINING_LEVELS) - 1
    while finest >= level and size > _REFINING_LEVELS[finest][1]:
        finest -= 1
    if old_start < old_end and new_start < new_end and finest >= level:
        tokens = _REFINING_LEVELS[finest][0]
        if tokens is _CHARACTERS:
            # The finest level: characters matched in C, nothing left to refine.
            for block in Indel.editops(old[old_start:old_end], new[new_start:new_end]).as_matching_blocks():
                if block.size:
                    segments.append((old_start + block.a, new_start + block.b, block.size))
        else:
            for old_a, old_b, new_a, new_b, same in _token_blocks(
                tokens, old, old_start, old_end, new, new_start, new_end
            ):
                if same:
                    segments.append((old_a, new_a, old_b - old_a))
                else:
                    _diff(old, old_a, old_b, new, new_a, new_b, finest + 1, segments)
    if tail:
        segments.append((old_end, new_end, tail))


def _token_blocks(
    tokens: re.Pattern[str], old: str, old_start: int, old_end: int, new: str, new_start: int, new_end: int
) -> Iterator[tuple[int, int, int, int, bool]]:
    """The two spans cut into `tokens` and matched: in text order, (old_a, old_b,
    new_a, new_b, True) for each run of equal tokens, and (..., False) for each
    block changed on both sides between them (a pure insertion or deletion is
    left out: there is nothing in it to match)."""
    old_tokens = tokens.findall(old, old_start, old_end)
    new_tokens = tokens.findall(new, new_start, new_end)
    old_at = list(accumulate(map(len, old_tokens), initial=old_start))
    new_at = list(accumulate(map(len, new_tokens), initial=new_start))
    i = j = 0
    for match_i, match_j, size in [
        *_matching_tokens(old_tokens, new_tokens),
        (len(old_tokens), len(new_tokens), 0),
    ]:
        if i < match_i and j < match_j:
            yield old_at[i], old_at[match_i], new_at[j], new_at[match_j], False
        if size:
            yield old_at[match_i], old_at[match_i + size], new_at[match_j], new_at[match_j + size], True
        i, j = match_i + size, match_j + size


def _matching_tokens(old: list[str], new: list[str]) -> list[tuple[int, int, int]]:
    """(i, j, n) where old[i:i + n] == new[j:j + n], in order of both.

    Tokens found once on each side are matched first, the longest run of them
    in an order both sides share (patience diff); a longest common
    subsequence (rapidfuzz, in C) matches what lies between them. Unique
    tokens keep the diff from pairing a passage's words with equal words
    elsewhere.
    """
    old_counts, new_counts = Counter(old), Counter(new)
    new_unique = {token: j for j, token in enumerate(new) if new_counts[token] == 1}
    pairs = [
        (i, new_unique[token])
        for i, token in enumerate(old)
        if old_counts[token] == 1 and token in new_unique
    ]
    matches: list[tuple[int, int, int]] = []
    i = j = 0
    for anchor_i, anchor_j in [*_longest_increasing_run(pairs), (len(old), len(new))]:
        between = Indel.opcodes(old[i:anchor_i], new[j:anchor_j]).as_matching_blocks()
        matches.extend((i + a, j + b, size) for a, b, size in between if size)
        if anchor_i < len(old):
            matches.append((anchor_i, anchor_j, 1))
        i, j = anchor_i + 1, anchor_j + 1
    return matches


def _longest_increasing_run(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of `pairs` (sorted by first item) whose second
    items increase too (patience sorting)."""
    tails: list[int] = []  # tails[k]: smallest second item ending a run of k + 1
    tail_at: list[int] = []  # where that run ends in pairs
    previous = [-1] * len(pairs)
    for at, (_, second) in enumerate(pairs):
        k = bisect_left(tails, second)
        if k == len(tails):
            tails.append(second)
            tail_at.append(at)
        else:
            tails[k], tail_at[k] = second, at
        previous[at] = tail_at[k - 1] if k else -1
    run = []
    at = tail_at[-1] if tail_at else -1
    while at != -1:
        run.append(pairs[at])
        at = previous[at]
    return run[::-1]


def _common_length(old: str, old_at: int, new: str, new_at: int, limit: int, backwards: bool = False) -> int:
    """How many characters old and new share from old_at and new_at (or up to
    them, backwards), at most `limit`: counted in C (rapidfuzz) over slices
    that grow fourfold while they are equal all through, so that long equal
    texts cost little more than one comparison."""
    # Most calls meet a difference at once, or one character further (the
    # space before or after a word, then a letter): told without a slice.
    for offset in range(min(limit, 2)):
        at = -offset - 1 if backwards else offset
        if old[old_at + at] != new[new_at + at]:
            return offset
    length = min(limit, 64)
    while length > 0:
        if backwards:
            common = Postfix.similarity(old[old_at - length : old_at], new[new_at - length : new_at])
        else:
            common = Prefix.similarity(old[old_at : old_at + length], new[new_at : new_at + length])
        if common < length or length == limit:
            return common
        length = min(limit, length * 4)
    return 0


def _equal_before(text: str, new: str, at: int) -> int:
    """How many of the last characters of `text` new has right before `at`."""
    return _common_length(text, len(text), new, at, min(len(text), at), backwards=True)


def _equal_after(text: str, new: str, at: int) -> int:
    """How many of the first characters of `text` new has from `at`."""
    return _common_length(text, 0, new, at, min(len(text), len(new) - at))


def _match_distances(pattern: str, text: str) -> list[int]:
    """For each end j, the fewest edits (Levenshtein) between `pattern` and
    any stretch of text ending at j: the best match ending there.

    Myers' bit-parallel algorithm (J. ACM 1999, in Hyyrö's formulation): one
    column of the edit-distance matrix per character of text, as bit vectors.
    rapidfuzz has no search of a pattern within a text, only whole-string
    distances, which _approximate_match and _similarity use.
    """
    length = len(pattern)
    masks: dict[str, int] = {}
    for bit, char in enumerate(pattern):
        masks[char] = masks.get(char, 0) | (1 << bit)
    full, high = (1 << length) - 1, 1 << (length - 1)
    plus, minus, score = full, 0, length
    scores = []
    for char in text:
        equal = masks.get(char, 0)
        vertical = equal | minus
        horizontal = (((equal & plus) + plus) ^ plus) | equal
        h_plus = minus | ~(horizontal | plus)
        h_minus = plus & horizontal
        if h_plus & high:
            score += 1
        elif h_minus & high:
            score -= 1
        h_plus <<= 1
        plus = ((h_minus << 1) | ~(vertical | h_plus)) & full
        minus = h_plus & vertical
        scores.append(score)
    return scores


def _densest(pieces: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The run of consecutive surviving pieces (new start, new end, length,
    old start) that keeps the most of the quote for what it spans: each gap
    between two pieces costs the quote's characters lost there, and a little
    for each character inserted there. A diff can pair a few of a passage's
    words with equal words inserted nearby; those pieces, scattered and
    skipping the words between them, cost more than they keep."""
    best, best_range = 0.0, (0, 0)
    value, first = 0.0, 0
    for at, (new_start, _, size, old_start) in enumerate(pieces):
        if at:
            previous = pieces[at - 1]
            lost, inserted = old_start - previous[3] - previous[2], new_start - previous[1]
            gap_cost = LOST_COST * lost + INSERTED_COST * inserted
            value -= gap_cost
        if value <= 0:
            value, first = 0.0, at
        value += size
        if value > best:
            best, best_range = value, (first, at + 1)
    return pieces[best_range[0] : best_range[1]]


def _cut_words(selector: TextSelector) -> tuple[int, int]:
    """How much of the words that the quote starts and ends inside lies in
    its prefix and its suffix (0 where it starts or ends between words)."""
    quote, prefix, suffix = selector.exact, selector.prefix, selector.suffix
    before = after = 0
    if _word_character(quote[0]):
        before = next(
            (k for k, char in enumerate(reversed(prefix)) if not _word_character(char)), len(prefix)
        )
    if _word_character(quote[-1]):
        after = next((k for k, char in enumerate(suffix) if not _word_character(char)), len(suffix))
    return before, after


def _word_character(char: str) -> bool:
    """Whether `char` belongs to a word: a letter, digit or mark (harakat, accents)."""
    return char.isalnum() or char == "_" or unicodedata.category(char)[0] == "M"


def _similarity(a: str, b: str) -> float:
    """1 for equal strings, 0 for wholly different ones (Levenshtein distance
    over the longer one's length)."""
    return Levenshtein.normalized_similarity(a, b)
