// Re-selecting a passage on the re-anchored passages page: the current text
// moves into the open "Re-select" form, and a selection in it fills the form's
// start and end in code points (what the server counts).

import { codePointOffset, rangeInText } from "./offsets.js";

const panel = document.getElementById("current-text-panel");
const textElement = document.getElementById("current-text");

if (panel && textElement) {
  const text = textElement.textContent;
  let active = null; // the form of the open "Re-select"

  for (const details of document.querySelectorAll("details.reselect")) {
    details.addEventListener("toggle", () => {
      if (!details.open) return;
      for (const other of document.querySelectorAll("details.reselect[open]")) {
        if (other !== details) other.open = false;
      }
      active = details.querySelector("form");
      details.querySelector(".reselect-place").append(panel);
    });
    if (details.open) details.dispatchEvent(new Event("toggle"));
  }

  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    if (!active || !selection || selection.isCollapsed || selection.rangeCount === 0) return;
    const range = rangeInText(textElement, selection.getRangeAt(0));
    if (!range) return;
    let [start, end] = range;
    // Leave out surrounding white space, as double-clicking a word may select it.
    while (start < end && /\s/.test(text[start])) start += 1;
    while (end > start && /\s/.test(text[end - 1])) end -= 1;
    if (start >= end) return;
    active.elements.start.value = codePointOffset(text, start);
    active.elements.end.value = codePointOffset(text, end);
    active.querySelector(".selected-quote").textContent = text.slice(start, end);
    active.querySelector(".selected").hidden = false;
  });
}
