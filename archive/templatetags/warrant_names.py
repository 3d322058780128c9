"""`{{ entry.object_repr|user_text_isolated }}`: an object's name as the history recorded it
("Note by ana: …", "passage “…”", "“…” supports …", "inconsistent: “…” / …"), with each piece
a person wrote isolated in its own direction (<bdi>), and marked as Arabic where it mostly is;
the page isolates the name as a whole.

A name is fixed words around what people wrote. Isolated as a whole, it takes the direction
of its first words (English), and an Arabic note holding a Latin word or a number is shown
with its pieces in the wrong order; so each piece is isolated instead. Old names are strings
in the hashed ledger: they are read by their shape, not rebuilt."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from archive.models import Stance
from archive.search.normalize import guess_language

register = template.Library()

# "<Motivation> by <author>: <text>", "Reply by <author>: <text>"
_BY_AUTHOR = re.compile(r"^(?P<kind>[A-Z][\w ]*? by )(?P<author>[^:]+): (?P<text>.*)$", re.DOTALL)
_QUOTED = re.compile(r"“(?P<quote>[^”]*)”")
# What may follow a quote: a stance and a claim (evidence), or " / " and a hypothesis (a rating).
_AFTER_QUOTE = re.compile(
    r"^(?P<joint> (?:{})| /) (?P<text>.+)$".format(
        "|".join(re.escape(str(label)) for label in Stance.labels)
    ),
    re.DOTALL,
)


def _isolated(text: str) -> SafeString:
    # Said in its language where it is mostly Arabic: a screen reader reads it with that voice.
    if guess_language(text) == "ar":
        return format_html('<bdi lang="ar">{}</bdi>', text)
    return format_html("<bdi>{}</bdi>", text)


@register.filter
def user_text_isolated(name: str) -> SafeString:
    name = str(name)
    by_author = _BY_AUTHOR.match(name)
    if by_author:
        return format_html(
            "{}{}: {}", by_author["kind"], _isolated(by_author["author"]), _isolated(by_author["text"])
        )
    quotes = list(_QUOTED.finditer(name))
    if not quotes:  # all of it written by someone: the page isolates it whole
        return escape(name)
    pieces, at = [], 0
    for quote in quotes:
        pieces += [escape(name[at : quote.start()]), "“", _isolated(quote["quote"]), "”"]
        at = quote.end()
    after = _AFTER_QUOTE.match(name[at:])
    if after:
        pieces += [escape(after["joint"]), " ", _isolated(after["text"])]
    else:
        pieces.append(escape(name[at:]))
    return mark_safe("".join(pieces))  # noqa: S308 (each piece escaped above)  # nosec B308, B703
