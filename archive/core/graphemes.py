"""Extended grapheme clusters (what a reader sees as one character: a letter with its
accents or harakat, an emoji with its modifiers, a flag): highlights, re-anchored
passages and search snippets start and end on their boundaries, never inside one."""

import regex
from django.core.exceptions import ValidationError

_GRAPHEME = regex.compile(r"\X")
_SPACE = regex.compile(r"\s+")
ELLIPSIS = "…"


def check_whole_clusters(text: str, start: int, end: int) -> None:
    """Raise ValidationError (code "grapheme_split") unless text[start:end]
    begins and ends on grapheme cluster boundaries."""
    if grapheme_bounds(text, start, end) != (start, end):
        raise ValidationError(
            "The selection splits a character (a letter with its accents, or an emoji): "
            "select whole characters.",
            code="grapheme_split",
        )


def shorten(text: str, length: int) -> str:
    """`text` if it has at most `length` code points; else its whole clusters
    that fit in `length` with the ellipsis."""
    if len(text) <= length:
        return text
    return text[: _cluster_start(text, length - len(ELLIPSIS))] + ELLIPSIS


def after_cut(fragment: str) -> str:
    """`fragment`, cut from a longer text just before it, from its first whole word: after
    its first white space (the cut may have fallen inside a word). With none (Chinese, say,
    or one long word), from its first position that surely begins a cluster whatever
    preceded it (the cut may have fallen inside one)."""
    for space in _SPACE.finditer(fragment):
        if _cluster_start(fragment, space.end()) == space.end():  # not before a mark on the space
            return fragment[space.end() :]
    for at in range(1, len(fragment)):
        if _starts_cluster(ord(fragment[at - 1]), ord(fragment[at])):
            return fragment[at:]
    # No position is sure in these scripts (CJK, say): drop the first cluster as read alone.
    return "".join(_GRAPHEME.findall(fragment)[1:])


def before_cut(fragment: str) -> str:
    """`fragment`, cut from a longer text just after it, up to its last whole word: before
    its last white space. With none, up to its last position that surely ends a cluster
    whatever follows it."""
    for space in reversed(list(_SPACE.finditer(fragment))):
        if _cluster_start(fragment, space.start()) == space.start():
            return fragment[: space.start()]
    for at in range(len(fragment) - 1, 0, -1):
        if _starts_cluster(ord(fragment[at - 1]), ord(fragment[at])):
            return fragment[:at]
    return "".join(_GRAPHEME.findall(fragment)[:-1])


def grapheme_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """text[start:end] widened to whole extended grapheme clusters."""
    return _cluster_start(text, start), _cluster_start(text, end, after=True)


def _cluster_start(text: str, position: int, after: bool = False) -> int:
    """The grapheme cluster boundary at `position`, or the one before it (after it with `after`).

    Clusters are read from the last whitespace character at least a cluster's
    usual length before `position`, which always starts a cluster (text is
    normalized: no CR LF pairs), looking back a few hundred characters at most."""
    if position <= 0 or position >= len(text):
        return max(0, min(position, len(text)))
    if _starts_cluster(ord(text[position - 1]), ord(text[position])):
        return position
    floor = max(0, position - 64)
    lowest = max(0, floor - 256)  # beyond that, no whitespace: take it as a boundary
    origin = max(text.rfind(" ", lowest, floor + 1), text.rfind("\n", lowest, floor + 1), lowest)
    # A slice: the regex module reads the whole string for a search from an offset.
    window, position = text[origin : position + 64], position - origin
    bound = 0
    for match in _GRAPHEME.finditer(window):
        if match.end() > position:
            bound = match.end() if after and match.start() < position else match.start()
            break
        bound = match.end()
    return origin + bound


def _starts_cluster(before: int, at: int) -> bool:
    """Whether code point `at` surely starts a grapheme cluster after code
    point `before`, told without reading the cluster rules (False: they must
    be read). A character below U+0300 (letters, digits, punctuation, spaces)
    or an Arabic letter joins no cluster before it, unless that cluster holds
    a prepended mark (from U+0600) or it is LF after CR; the characters below
    U+0600, Arabic's other than its prepended marks, and emoji are none of these."""
    return (at < 0x300 or 0x621 <= at <= 0x64A) and (
        (before < 0x600 and not (before == 0xD and at == 0xA))
        or (0x606 <= before <= 0x6FF and before != 0x6DD)
        or 0x1F300 <= before <= 0x1FAFF
    )
