// Highlight marks in the text, kept like the server renders them
// (archive/reading/page.py): the text is cut at every passage boundary, and each
// segment is wrapped in one <mark class="hl hl-ROLE" data-passage="ID"> per passage
// that covers it, outermost first, nested where passages overlap. The first mark
// of a passage carries id="passage-ID". The innermost mark of a segment where
// passages start is their one tab stop, a button that opens a dialog on all of
// them: no tab stop is ever inside another (axe's nested-interactive), however
// the passages overlap. A passage added or removed on the page draws the marks
// anew from the passages, as the server would have drawn them.

/** Every mark of one passage, in text order. */
export function marksOf(container, passageId) {
  return [...container.querySelectorAll(`mark[data-passage="${Number(passageId)}"]`)];
}

/** The tab stop of a passage: its first mark's innermost mark (itself where nothing else starts there). */
export function tabStopOf(container, passageId) {
  const first = marksOf(container, passageId)[0];
  if (!first) return null;
  return first.matches("[tabindex]") ? first : (first.querySelector("mark[data-passage][tabindex]") ?? first);
}

/** The passages a tab stop opens, innermost first: those starting where it is (their first marks hold it). */
export function passagesOpenedBy(stop) {
  const ids = [];
  for (let mark = stop; mark?.matches?.("mark[data-passage][id^=passage-]"); mark = mark.parentElement) {
    ids.push(mark.dataset.passage);
  }
  return ids;
}

function roleOf(mark) {
  return [...mark.classList].find((name) => name.startsWith("hl-"))?.slice(3) ?? "plain";
}

/** The passages the marks of `container` show: [{ id, role, start, end }], offsets in UTF-16. */
export function passagesIn(container) {
  const found = new Map();
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  let offset = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const end = offset + node.length;
    for (let mark = node.parentElement; mark && mark !== container; mark = mark.parentElement) {
      if (!mark.matches("mark[data-passage]")) continue;
      const id = Number(mark.dataset.passage);
      const passage = found.get(id);
      if (passage) passage.end = Math.max(passage.end, end);
      else found.set(id, { id, role: roleOf(mark), start: offset, end });
    }
    offset = end;
  }
  return [...found.values()];
}

// Longer passages starting at the same place are the outer marks (as on the server).
function nestingOrder(one, other) {
  return one.start - other.start || other.end - one.end || one.id - other.id;
}

function atEach(passages, key) {
  const at = new Map();
  for (const passage of passages) {
    if (!at.has(passage[key])) at.set(passage[key], []);
    at.get(passage[key]).push(passage);
  }
  return at;
}

/** Draw the marks of `passages` ([{ id, role, start, end }], UTF-16) over the text of `container`, anew. */
export function drawHighlights(container, passages) {
  const text = container.textContent;
  const shown = passages.filter((passage) => passage.start < passage.end && passage.end <= text.length);
  const [starting, ending] = [atEach(shown, "start"), atEach(shown, "end")];
  const boundaries = [...new Set([0, text.length, ...starting.keys(), ...ending.keys()])].sort((a, b) => a - b);
  let active = []; // outermost first
  const pieces = [];
  for (let index = 0; index + 1 < boundaries.length; index += 1) {
    const [start, end] = [boundaries[index], boundaries[index + 1]];
    const ended = ending.get(start) ?? [];
    active = active.filter((passage) => !ended.includes(passage));
    // Those starting here go inside all the others: they start last.
    active.push(...(starting.get(start) ?? []).sort(nestingOrder));
    let piece = document.createTextNode(text.slice(start, end));
    for (let depth = active.length - 1; depth >= 0; depth -= 1) {
      const passage = active[depth];
      const first = passage.start === start;
      const mark = passageMark(passage.id, passage.role, first, first && depth === active.length - 1);
      mark.append(piece);
      piece = mark;
    }
    pieces.push(piece);
  }
  container.replaceChildren(...pieces);
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

/** A mark for passage `passageId` of the given colour, as the server renders it: with its anchor
 * where it is the `first` of the passage, a button that opens a dialog where it is a tab `stop`. */
export function passageMark(passageId, role, first, stop) {
  const mark = document.createElement("mark");
  mark.className = `hl hl-${role}`;
  mark.dataset.passage = String(passageId);
  if (first) mark.id = `passage-${passageId}`;
  if (stop) {
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
