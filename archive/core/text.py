"""Plain-text helpers shared by import, anchoring and display.

Offsets everywhere in Warrant are Unicode code points, which is what Python
string indexing counts, so `text[start:end]` is the W3C TextPositionSelector.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

_NEWLINES = re.compile(r"\r\n?|\u2028|\u2029")

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


def isolated(text: object) -> str:
    """`text` set apart for a sentence where markup (<bdi>) cannot go: a message, an
    SVG description, an option's label. Between FIRST STRONG ISOLATE and POP
    DIRECTIONAL ISOLATE, an Arabic title keeps the English around it in order."""
    return f"\u2068{text}\u2069"


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


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
