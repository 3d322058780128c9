"""What a source's text must be, however it arrives: a file, pasted text, the API or the admin."""

import re

from django.core.exceptions import ValidationError

# The control characters a text may hold: tab, the line breaks, and the form feed
# that marks a page break in plain text (text exported from a PDF has them).
ALLOWED_CONTROLS = frozenset("\t\n\r\f")
_CONTROLS = [chr(code) for code in (*range(0x20), *range(0x7F, 0xA0))]  # Unicode category Cc
_FORBIDDEN_CONTROL = re.compile(
    "[" + "".join(re.escape(char) for char in _CONTROLS if char not in ALLOWED_CONTROLS) + "]"
)


def check_text(*, text: str) -> None:
    """Refuse a text that is blank or holds a control character other than
    ALLOWED_CONTROLS (ESC, BEL, a C1 control...): ValidationError on "text"."""
    if not text.strip():
        raise ValidationError({"text": "No text was found: the text is empty or only white space."})
    found = _FORBIDDEN_CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise ValidationError(
            {
                "text": f"The text contains a control character (U+{ord(found[0]):04X}) on line {line}: "
                "only tabs, line breaks and form feeds may appear in a text. Remove it and try again."
            }
        )
