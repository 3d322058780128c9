"""Selecting text with the mouse, by code points, in a page whose text is split
across highlights and other elements (the browser counts in UTF-16)."""

# The viewport point at `across` (0: left edge, 1: right edge) of the character at UTF-16 index
# `index` of the element's text, half-way down it.
_POINT_AT = """
([id, index, across]) => {
  const container = document.getElementById(id);
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  let offset = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (index < offset + node.length) {
      const range = document.createRange();
      range.setStart(node, index - offset);
      range.setEnd(node, index - offset + 1);
      const box = range.getBoundingClientRect();
      return [box.left + box.width * across, box.top + box.height / 2];
    }
    offset += node.length;
  }
}
"""


def point_at(page, element_id: str, text: str, code_point: int, across: float = 0.5) -> tuple[float, float]:
    """Where character `code_point` of `text`, the text of element `element_id`, is drawn
    (its middle, or `across` its width from its left edge)."""
    utf16 = len(text[:code_point].encode("utf-16-le")) // 2
    x, y = page.evaluate(_POINT_AT, [element_id, utf16, across])
    return x, y


def drag_select(page, element_id: str, text: str, start: int, end: int) -> None:
    """Select text[start:end] with the mouse, from just before its first character to just after its last."""
    x0, y0 = point_at(page, element_id, text, start)
    x1, y1 = point_at(page, element_id, text, end - 1)
    page.mouse.move(x0 - 3, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=5)
    page.mouse.move(x1 + 3, y1, steps=5)
    page.mouse.up()
