"""Plain-text helpers shared by import, anchoring and display.

Offsets everywhere in Warrant are Unicode code points, which is what Python
string indexing counts, so `text[start:end]` is the W3C TextPositionSelector.
"""

import hashlib
import re
import unicodedata

_NEWLINES = re.compile(r"\r\n?|\u2028|\u2029")

# Languages written right to left (BCP 47 primary subtags).
_RTL_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "he", "ku-arab", "ps", "sd", "ug", "ur", "yi"}
_RTL_SCRIPTS = {"arab", "hebr", "syrc", "thaa", "nkoo", "adlm"}


def normalize_text(text: str) -> str:
    """Normalize extracted text once: Unicode NFC and "\\n" newlines."""
    return unicodedata.normalize("NFC", _NEWLINES.sub("\n", text))


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
