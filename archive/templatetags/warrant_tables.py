"""{% stacked_table %}<table class="listing">…</table>{% endstacked_table %}: a table that, on a
narrow screen, shows each row as a card of labelled values (app.css) instead of scrolling sideways.

The tag marks the table (data-stacked) and gives each body cell its column's header as data-label,
which the stylesheet writes before the value. Done on the server, so that it holds without scripts
and no template repeats its headers by hand. A cell keeps the table's direction, so that its label
stays on the same side as the others': text of either direction goes in an element with dir="auto"
inside it, not on the cell.
"""

import re
from html.parser import HTMLParser

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_SPACES = re.compile(r"\s+")


class _CellLabeller(HTMLParser):
    """Finds where to write the attributes into the outermost table's markup.

    Assumes, as the listings do, that no body cell spans several rows.
    """

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.insertions: list[tuple[int, str]] = []
        self._depth = 0
        self._in_head = False
        self._headers: list[str] = []
        self._header: list[str] | None = None
        self._header_span = 1
        self._column = 0

    def _end_of_tag(self) -> int:
        """Where the start tag being read closes: after its own attributes, before its ">"."""
        line, column = self.getpos()
        return self._line_starts[line - 1] + column + len(self.get_starttag_text() or ">") - 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self._headers = []
                self.insertions.append((self._end_of_tag(), " data-stacked"))
            return
        if self._depth != 1:  # a table inside a cell keeps its own layout
            return
        span = _span(attrs)
        if tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._column = 0
        elif tag in ("th", "td") and self._in_head:
            self._header, self._header_span = [], span
        elif tag in ("th", "td"):
            label = self._headers[self._column] if self._column < len(self._headers) else ""
            # A cell across several columns (a "nothing yet" row) stands for none of them.
            if label and span == 1:
                self.insertions.append((self._end_of_tag(), f' data-label="{escape(label)}"'))
            self._column += span

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._depth -= 1
        elif self._depth != 1:
            return
        elif tag == "thead":
            self._in_head = False
        elif tag in ("th", "td") and self._header is not None:
            text = _SPACES.sub(" ", "".join(self._header)).strip()
            self._headers.extend([text] * self._header_span)
            self._header = None

    def handle_data(self, data: str) -> None:
        if self._header is not None:
            self._header.append(data)


def _span(attrs: list[tuple[str, str | None]]) -> int:
    value = dict(attrs).get("colspan") or "1"
    return int(value) if value.isdigit() and int(value) > 0 else 1


def label_cells(html: str) -> str:
    """`html` with each of its (outermost) tables marked as stacking and their body cells labelled."""
    labeller = _CellLabeller(html)
    labeller.feed(html)
    labeller.close()
    parts, done = [], 0
    for offset, attribute in labeller.insertions:
        parts += [html[done:offset], attribute]
        done = offset
    parts.append(html[done:])
    return "".join(parts)


class StackedTableNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        # The markup was escaped as its template rendered it; the labels added are escaped here.
        return mark_safe(label_cells(self.nodelist.render(context)))  # noqa: S308  # nosec B308, B703


@register.tag
def stacked_table(parser: template.base.Parser, token: template.base.Token) -> StackedTableNode:
    nodelist = parser.parse(("endstacked_table",))
    parser.delete_first_token()
    return StackedTableNode(nodelist)
