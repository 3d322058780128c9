"""Extended grapheme clusters (what a reader sees as one character: a letter with its
accents or harakat, an emoji with its modifiers, a flag): highlights, re-anchored
passages and search snippets start and end on their boundaries, never inside one."""

import regex

_GRAPHEME = regex.compile(r"\X")


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
