"""Plain-text helpers shared by import, anchoring and display.

Offsets everywhere in Warrant are Unicode code points, which is what Python
string indexing counts, so `text[start:end]` is the W3C TextPositionSelector.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

_NEWLINES = re.compile(r"\r\n?|\u2028|\u2029")

# Unicode category Cc: the C0 controls, DEL and the C1 controls. They show as nothing
# or as garbage, and a terminal reading an export obeys them (ESC starts a command).
CONTROL_CHARACTERS = frozenset(chr(code) for code in (*range(0x20), *range(0x7F, 0xA0)))
# The ones any text a user gives may hold: tab and the line breaks.
TEXT_CONTROLS = frozenset("\t\n\r")
# A source's text may also hold the form feed that marks a page break in plain text
# (text exported from a PDF has them), as may what quotes it.
PAGE_TEXT_CONTROLS = TEXT_CONTROLS | {"\f"}
_CONTROL_WORDS = {
    TEXT_CONTROLS: "tabs and line breaks",
    PAGE_TEXT_CONTROLS: "tabs, line breaks and form feeds",
}
_FORBIDDEN = {
    allowed: re.compile("[" + "".join(re.escape(char) for char in sorted(CONTROL_CHARACTERS - allowed)) + "]")
    for allowed in _CONTROL_WORDS
}

# Languages written right to left (BCP 47 primary subtags).
_RTL_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "he", "ku-arab", "ps", "sd", "ug", "ur", "yi"}
_RTL_SCRIPTS = {"arab", "hebr", "syrc", "thaa", "nkoo", "adlm"}


def normalize_text(text: str) -> str:
    """Normalize extracted text once: Unicode NFC and "\\n" newlines."""
    return unicodedata.normalize("NFC", _NEWLINES.sub("\n", text))


@dataclass(frozen=True)
class Normalization:
    """What normalize_text changed in a text, to say so rather than do it silently."""

    nfc_changed: int = 0  # characters (a letter with its combining marks) NFC rewrote
    newlines: int = 0  # line breaks other than "\n" (CRLF, CR, U+2028, U+2029) made "\n"

    def describe(self) -> str:
        """E.g. "normalized: 3 characters to Unicode NFC, 2 line breaks to \\n"; "" if nothing changed."""
        changes = []
        if self.nfc_changed:
            changes.append(f"{self.nfc_changed} character{'s' * (self.nfc_changed != 1)} to Unicode NFC")
        if self.newlines:
            changes.append(f"{self.newlines} line break{'s' * (self.newlines != 1)} to \\n")
        return f"normalized: {', '.join(changes)}" if changes else ""


def normalize_text_counted(text: str) -> tuple[str, Normalization]:
    """normalize_text, and what it changed."""
    newlines = len(_NEWLINES.findall(text))
    unified = _NEWLINES.sub("\n", text)
    normalized = unicodedata.normalize("NFC", unified)
    changed = 0
    if normalized != unified:
        changed = sum(
            _nfc_changed_characters(line)
            for line in unified.split("\n")
            if not unicodedata.is_normalized("NFC", line)
        )
    return normalized, Normalization(nfc_changed=changed, newlines=newlines)


# Hangul vowel and final jamo compose with what precedes them although they are not marks.
_JAMO_CONTINUATION = re.compile("[\u1161-\u1175\u11a8-\u11c2]")


def _nfc_changed_characters(line: str) -> int:
    """How many characters of a line NFC rewrites; a character is a starter with the
    combining marks after it. A composition across two starters (rare: some Indic
    vowel signs) is not told apart, so a changed line counts at least one."""
    changed, segment = 0, ""
    for char in line:
        if segment and not unicodedata.combining(char) and not _JAMO_CONTINUATION.match(char):
            changed += unicodedata.normalize("NFC", segment) != segment
            segment = ""
        segment += char
    changed += unicodedata.normalize("NFC", segment) != segment
    return max(changed, 1)


def control_character_problem(
    text: str, *, what: str, allowed: frozenset[str] = TEXT_CONTROLS, lines: bool = True
) -> str | None:
    """Why `text` cannot be stored, if it holds a control character other than
    `allowed` (TEXT_CONTROLS or PAGE_TEXT_CONTROLS): the message names `what` it is
    ("The title"), the character as U+XXXX and, with `lines`, its line. None if it holds none."""
    found = _FORBIDDEN[allowed].search(text)
    if found is None:
        return None
    where = f" on line {text.count(chr(10), 0, found.start()) + 1}" if lines else ""
    return (
        f"{what} contains a control character (U+{ord(found[0]):04X}){where}: only "
        f"{_CONTROL_WORDS[allowed]} may appear in a text. Remove it and try again."
    )


def without_control_characters(text: str) -> str:
    """`text` with each control character but tab and the line breaks made a space: for
    what a file proposes (its title, its authors), which nobody typed."""
    return _FORBIDDEN[TEXT_CONTROLS].sub(" ", text)


def counted(count: int, word: str, plural: str = "") -> str:
    """`count` and `word`, or `plural` (default `word` + "s") unless the count is 1:
    "1 source", "2 sources", "1 history entry"."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


def isolated(text: object) -> str:
    """`text` set apart for a sentence where markup (<bdi>) cannot go: a message, an
    SVG description, an option's label. Between FIRST STRONG ISOLATE and POP
    DIRECTIONAL ISOLATE, an Arabic title keeps the English around it in order."""
    return f"\u2068{text}\u2069"


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def canonical_language_tag(tag: str) -> str:
    """A BCP 47 tag in the case RFC 5646 (2.1.1) recommends, which tells subtags apart
    at a glance: "EN-gb" is "en-GB", "ZH-HANT" "zh-Hant", "es-419" stays. Tags are
    compared ignoring case, so this changes no tag's meaning. Past a singleton (an
    extension or "x-" private use), every subtag is lower case."""
    subtags = tag.split("-")
    canonical = [subtags[0].lower()]
    extension = len(subtags[0]) == 1  # "x-..." is private use from its start
    for subtag in subtags[1:]:
        if len(subtag) == 1:
            extension = True
        if not extension and len(subtag) == 4 and subtag.isalpha():
            canonical.append(subtag.title())  # a script
        elif not extension and len(subtag) == 2 and subtag.isalpha():
            canonical.append(subtag.upper())  # a region
        else:
            canonical.append(subtag.lower())
    return "-".join(canonical)


def direction_for_language(language: str) -> str:
    """'rtl' or 'ltr' for a BCP 47 tag, looking at its script subtag first."""
    subtags = language.lower().split("-")
    scripts = [tag for tag in subtags[1:] if len(tag) == 4 and tag.isalpha()]
    if scripts:
        return "rtl" if scripts[0] in _RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in _RTL_LANGUAGES else "ltr"


def direction_for_text(text: str) -> str:
    """'rtl' when most strongly directional letters of the text are RTL."""
    rtl = ltr = 0
    for char in text[:5000]:
        bidi = unicodedata.bidirectional(char)
        if bidi in ("R", "AL"):
            rtl += 1
        elif bidi == "L":
            ltr += 1
    return "rtl" if rtl > ltr else "ltr"
