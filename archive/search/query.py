"""The search syntax users already know from web search engines:

    castello road          both words (in any order, anywhere)
    "castello road"        the exact phrase
    aleppo OR daraa        either word (OR in capitals; it binds tighter than AND;
                           a lower-case "or" is a word like any other)
    -checkpoint            without this word (or -"a phrase")
    rash*                  words starting with "rash" (at least two letters)
    供水站              these characters together, in this order (Chinese and
                           Japanese: a phrase of their pairs, see archive.search.normalize)

Case, accents and Arabic diacritics do not matter (archive.search.normalize).
A bare word also finds the other forms of its stem ("roads" -> "road") in the
languages that have a stemmer; a quoted word finds only itself.
"""

import re
from dataclasses import dataclass

from archive.search.normalize import is_unspaced, tokens

MAX_QUERY_LENGTH = 500
MAX_TERMS = 16
MIN_PREFIX_LENGTH = 2

_BARE = re.compile(r'[^\s"]+')


class QueryError(ValueError):
    """A query we cannot run; the message is meant for the user."""


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # normalized; more than one is a phrase
    prefix: bool = False  # the last word is a prefix
    quoted: bool = False  # typed in quotes: no stemming
    span: tuple[int, int] = (0, 0)  # where the user typed it, in the raw query

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def stemmable(self) -> bool:
        # A Chinese or Japanese pair or character has no stems.
        return not (self.is_phrase or self.prefix or self.quoted or is_unspaced(self.words[0]))


@dataclass(frozen=True)
class Query:
    raw: str
    groups: tuple[tuple[Term, ...], ...]  # every group must match: any one term of it
    excluded: tuple[Term, ...] = ()
    # Where a bare lower-case "or" stands between two words: searched as a
    # word, though the user most likely meant OR (see or_in_capitals).
    lowercase_or: tuple[tuple[int, int], ...] = ()

    @property
    def positive_terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]


@dataclass(frozen=True)
class _Item:
    text: str
    negated: bool
    quoted: bool
    span: tuple[int, int]


def _lex(raw: str) -> list[_Item]:
    items, position = [], 0
    while position < len(raw):
        if raw[position].isspace():
            position += 1
            continue
        start = position
        negated = raw[position] == "-" and position + 1 < len(raw) and not raw[position + 1].isspace()
        position += negated
        if raw[position] == '"':
            close = raw.find('"', position + 1)
            end = len(raw) if close == -1 else close  # an unclosed quote runs to the end
            items.append(_Item(raw[position + 1 : end], negated, True, (start, min(end + 1, len(raw)))))
            position = end + 1
        else:
            match = _BARE.match(raw, position)
            if match is None:  # not reached: raw[position] is neither a space nor a quote
                raise QueryError(f"Cannot read the query at character {position + 1}.")
            items.append(_Item(match.group(), negated, False, (start, match.end())))
            position = match.end()
    return items


def _term(item: _Item) -> Term | None:
    text = item.text
    prefix = not item.quoted and text.endswith("*")
    words = tuple(tokens(text))
    if not words:
        return None
    if is_unspaced(words[-1]):
        # A Chinese or Japanese pair is whole, and a lone character is indexed
        # beside the pairs it stands in: a star would add nothing. But a lone
        # character ending a phrase ("2017年") may begin a pair in the text ("2017年度").
        prefix = len(words) > 1 and len(words[-1]) == 1
    elif prefix and len(words[-1]) < MIN_PREFIX_LENGTH:
        raise QueryError(f"Type at least {MIN_PREFIX_LENGTH} letters before the * in “{text}”.")
    return Term(words=words, prefix=prefix, quoted=item.quoted, span=item.span)


def refuse_too_long(raw: str) -> None:
    """QueryError if `raw` is longer than any search or filter text may be
    (SQLite also refuses a LIKE pattern over 50,000 bytes)."""
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError(f"The search is too long: use at most {MAX_QUERY_LENGTH} characters.")


_OR_NEEDS_WORDS = "OR needs a word or phrase on each side, as in: aleppo OR daraa."


def _is_or(item: _Item) -> bool:
    return item.text == "OR" and not (item.quoted or item.negated)


def _refuse_or_beside(raw: str, items: list[_Item], terms: list[Term | None], index: int, side: str) -> None:
    """QueryError unless items[index], on `side` of an OR, is a word or
    phrase to search for: anything else would be left out, and a query
    other than the one typed searched without a word said."""
    if not 0 <= index < len(items):
        raise QueryError(f"{_OR_NEEDS_WORDS} Here nothing comes {side} the OR.")
    item = items[index]
    typed = raw[item.span[0] : item.span[1]]
    if _is_or(item):
        raise QueryError(f"{_OR_NEEDS_WORDS} Here two ORs come together.")
    if terms[index] is None:
        raise QueryError(
            f"{_OR_NEEDS_WORDS} Here “{typed}” comes {side} the OR, and it has no word to search for: "
            "symbols, emoji and punctuation are not searched."
        )
    if item.negated:
        raise QueryError(
            f"{_OR_NEEDS_WORDS} Here “{typed}”, an exclusion, comes {side} the OR: "
            "to leave a word out, write it with its minus and without OR, as in: aleppo -daraa."
        )


def _searched(items: list[_Item], terms: list[Term | None], index: int) -> bool:
    """Whether items[index] exists and is a word or phrase to search for."""
    return 0 <= index < len(items) and terms[index] is not None and not items[index].negated


def parse_query(raw: str) -> Query:
    """Parse what the user typed; QueryError explains what cannot be searched."""
    raw = raw.strip()
    if not raw:
        raise QueryError("Type a word or a phrase to search for.")
    refuse_too_long(raw)
    items = _lex(raw)
    if all(map(_is_or, items)):
        raise QueryError(f'{_OR_NEEDS_WORDS} To search for the word itself, put it in quotes: "OR".')
    terms = [None if _is_or(item) else _term(item) for item in items]
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    lowercase_or: list[tuple[int, int]] = []
    for index, (item, term) in enumerate(zip(items, terms, strict=True)):
        if _is_or(item):
            _refuse_or_beside(raw, items, terms, index - 1, "before")
            _refuse_or_beside(raw, items, terms, index + 1, "after")
        elif term is None:
            continue
        elif item.negated:
            excluded.append(term)
        elif index > 0 and _is_or(items[index - 1]):
            groups[-1].append(term)  # checked above: the word before the OR made this group
        else:
            groups.append([term])
            between_words = _searched(items, terms, index - 1) and _searched(items, terms, index + 1)
            if item.text.lower() == "or" and not item.quoted and between_words:
                lowercase_or.append(item.span)
    if not groups and excluded:
        raise QueryError(
            "Give at least one word or phrase to search for: a query of -exclusions alone finds nothing."
        )
    if not groups:
        raise QueryError(
            "There is no word here to search for: symbols, emoji and punctuation are not searched. "
            "Type a word or a phrase."
        )
    if sum(map(len, groups)) + len(excluded) > MAX_TERMS:
        raise QueryError(f"Too many words: use at most {MAX_TERMS}.")
    return Query(
        raw=raw, groups=tuple(map(tuple, groups)), excluded=tuple(excluded), lowercase_or=tuple(lowercase_or)
    )


def _replace_spans(text: str, replacements: dict[tuple[int, int], str]) -> str:
    for (start, end), word in sorted(replacements.items(), reverse=True):
        text = text[:start] + word + text[end:]
    return text


def replace_terms(query: Query, replacements: dict[Term, str]) -> str:
    """The raw query with some terms retyped (for "did you mean")."""
    return _replace_spans(query.raw, {term.span: word for term, word in replacements.items()})


def or_in_capitals(query: Query) -> str | None:
    """The raw query with each lower-case "or" between two words in capitals,
    if it has one and can be searched so: web search engines taught users
    that "or" finds either word, but only OR does here."""
    if not query.lowercase_or:
        return None
    capitalized = _replace_spans(query.raw, dict.fromkeys(query.lowercase_or, "OR"))
    try:
        parse_query(capitalized)
    except QueryError:  # "or or" between two words: OR twice in a row
        return None
    return capitalized
