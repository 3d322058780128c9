"""What a source's text must be, however it arrives: a file, pasted text, the API or the admin."""

from django.core.exceptions import ValidationError

from archive.core.text import PAGE_TEXT_CONTROLS, control_character_problem

# The control characters a text may hold: those of any text a user gives, and the form feed.
ALLOWED_CONTROLS = PAGE_TEXT_CONTROLS


def check_text(*, text: str) -> None:
    """Refuse a text that is blank or holds a control character other than
    ALLOWED_CONTROLS (ESC, BEL, a C1 control...): ValidationError on "text"."""
    if not text.strip():
        raise ValidationError({"text": "No text was found: the text is empty or only white space."})
    problem = control_character_problem(text, what="The text", allowed=ALLOWED_CONTROLS)
    if problem:
        raise ValidationError({"text": problem})
