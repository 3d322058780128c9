// Text offsets at the boundary between the browser and the server.
//
// The server counts Unicode code points (Python string indexes); the DOM
// counts UTF-16 code units, where a character outside the Basic Multilingual
// Plane (most emoji, many historic scripts) takes two. Every offset that
// crosses the boundary goes through these functions.

const isHighSurrogate = (unit) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit) => unit >= 0xdc00 && unit <= 0xdfff;

function startsPair(text, index) {
  return isHighSurrogate(text.charCodeAt(index)) && isLowSurrogate(text.charCodeAt(index + 1));
}

/** The code point offset of UTF-16 index `utf16` in `text`. */
export function codePointOffset(text, utf16) {
  let points = 0;
  for (let index = 0; index < utf16; index += startsPair(text, index) ? 2 : 1) points += 1;
  return points;
}

/** The UTF-16 index of code point offset `points` in `text`. */
export function utf16Offset(text, points) {
  let index = 0;
  for (let counted = 0; counted < points && index < text.length; counted += 1) {
    index += startsPair(text, index) ? 2 : 1;
  }
  return index;
}

/** The UTF-16 index `count` code points before `utf16` (not before 0). */
export function codePointsBack(text, utf16, count) {
  let index = utf16;
  for (let counted = 0; counted < count && index > 0; counted += 1) {
    index -= index > 1 && startsPair(text, index - 2) ? 2 : 1;
  }
  return index;
}

/** The UTF-16 index `count` code points after `utf16` (not past the end). */
export function codePointsForward(text, utf16, count) {
  let index = utf16;
  for (let counted = 0; counted < count && index < text.length; counted += 1) {
    index += startsPair(text, index) ? 2 : 1;
  }
  return index;
}

function lengthBefore(container, node, offset) {
  const before = document.createRange();
  before.setStart(container, 0);
  before.setEnd(node, offset);
  return before.toString().length;
}

/**
 * [start, end) of `range` as UTF-16 indexes into `container.textContent`,
 * clipped to the container, or null if the range does not reach into it.
 */
export function rangeInText(container, range) {
  if (!range.intersectsNode(container)) return null;
  const whole = document.createRange();
  whole.selectNodeContents(container);
  const start =
    range.compareBoundaryPoints(Range.START_TO_START, whole) <= 0
      ? 0
      : lengthBefore(container, range.startContainer, range.startOffset);
  const end =
    range.compareBoundaryPoints(Range.END_TO_END, whole) >= 0
      ? container.textContent.length
      : lengthBefore(container, range.endContainer, range.endOffset);
  return start < end ? [start, end] : null;
}

/** W3C selectors for text.slice(start, end) (UTF-16 indexes), in code points. */
export function selectorsFor(text, start, end, context = 32) {
  return [
    {
      type: "TextPositionSelector",
      start: codePointOffset(text, start),
      end: codePointOffset(text, end),
    },
    {
      type: "TextQuoteSelector",
      exact: text.slice(start, end),
      prefix: text.slice(codePointsBack(text, start, context), start),
      suffix: text.slice(end, codePointsForward(text, end, context)),
    },
  ];
}

/** A DOM range over [start, end) (UTF-16 indexes) of `container.textContent`: rangeInText's inverse. */
export function rangeOfText(container, start, end) {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let offset = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (start >= offset && start < offset + node.length) range.setStart(node, start - offset);
    if (end > offset && end <= offset + node.length) {
      range.setEnd(node, end - offset);
      break;
    }
    offset += node.length;
  }
  return range;
}
