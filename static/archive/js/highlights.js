// Highlight marks in the text, kept like the server renders them: one
// <mark class="hl hl-ROLE" data-passage="ID"> per passage around every piece
// of text it covers, nested where passages overlap; the first mark of a
// passage carries id="passage-ID" and is its tab stop, a button that opens
// a dialog (archive/reading/page.py).

/** Every mark of one passage, in text order. */
export function marksOf(container, passageId) {
  return [...container.querySelectorAll(`mark[data-passage="${Number(passageId)}"]`)];
}

/** The text nodes of `container` that [start, end) (UTF-16) covers, with the covered part of each. */
function coveredTextNodes(container, start, end) {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const covered = [];
  let offset = 0;
  for (let node = walker.nextNode(); node && offset < end; node = walker.nextNode()) {
    const nodeEnd = offset + node.length;
    if (nodeEnd > start && node.length > 0) {
      covered.push({ node, from: Math.max(start - offset, 0), to: Math.min(end - offset, node.length) });
    }
    offset = nodeEnd;
  }
  return covered;
}

/** Wrap [start, end) (UTF-16) in marks made by `makeMark(isFirst)`; returns the marks. */
export function wrapRange(container, start, end, makeMark) {
  const marks = [];
  for (const { node, from, to } of coveredTextNodes(container, start, end)) {
    let piece = node;
    if (from > 0) piece = piece.splitText(from);
    if (to - from < piece.length) piece.splitText(to - from);
    const mark = makeMark(marks.length === 0);
    piece.replaceWith(mark);
    mark.append(piece);
    marks.push(mark);
  }
  return marks;
}

/** Remove marks, keeping their text (and any marks nested inside them). */
export function unwrap(marks) {
  const parents = new Set();
  for (const mark of marks) {
    parents.add(mark.parentNode);
    mark.replaceWith(...mark.childNodes);
  }
  for (const parent of parents) parent.normalize();
}

/** A mark for passage `passageId` of the given colour, as the server renders it. */
export function passageMark(passageId, role, isFirst) {
  const mark = document.createElement("mark");
  mark.className = `hl hl-${role}`;
  mark.dataset.passage = String(passageId);
  if (isFirst) {
    mark.id = `passage-${passageId}`;
    mark.tabIndex = 0;
    mark.setAttribute("role", "button");
    mark.setAttribute("aria-haspopup", "dialog");
  }
  return mark;
}

/** Give every mark of a passage its (new) colour. */
export function recolour(container, passageId, role) {
  for (const mark of marksOf(container, passageId)) mark.className = `hl hl-${role}`;
}
