// Re-selecting a passage on the re-anchored passages page: the current text
// moves into the open "Re-select" form, and a selection in it fills the form's
// start and end in code points (what the server counts). Without a mouse, the
// words typed and found in the text (their occurrence chosen) fill them the same.

import { findWords, occurrenceChoice, occurrencesLegend, unquoted } from "./find-words.js";
import { codePointOffset, rangeInText } from "./offsets.js";

const LISTED = 20; // occurrences offered; more words narrow them down

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

  const choose = (form, [start, end]) => {
    form.elements.start.value = codePointOffset(text, start);
    form.elements.end.value = codePointOffset(text, end);
    form.querySelector(".selected-quote").textContent = text.slice(start, end);
    form.querySelector(".selected").hidden = false;
  };

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
    choose(active, [start, end]);
  });

  for (const form of document.querySelectorAll("details.reselect form")) {
    const finder = form.querySelector(".find-words");
    const words = form.elements.words;
    const message = finder.querySelector(".found-message");
    const occurrences = finder.querySelector(".occurrences");
    let spans = [];
    finder.hidden = false;
    form.querySelector(".find-hint").hidden = false;

    const find = () => {
      occurrences.hidden = true;
      words.removeAttribute("aria-invalid");
      if (!unquoted(words.value).trim()) {
        message.textContent = "Type the words to find.";
        words.setAttribute("aria-invalid", "true");
        return words.focus();
      }
      const found = findWords(text, words.value, { limit: LISTED });
      spans = found.spans;
      if (!found.count) {
        message.textContent = "These words are not in the current text. Check them, or type fewer of them.";
        words.setAttribute("aria-invalid", "true");
        return words.focus();
      }
      choose(form, spans[0]);
      if (found.count === 1) {
        message.textContent = "Found once: start and end are filled in.";
        return form.elements.reason.focus();
      }
      message.textContent = "";
      occurrences.querySelector("legend").textContent = occurrencesLegend(found.count, spans.length);
      const name = `occurrence-${form.elements.start.id}`;
      const choices = spans.map((span, index) => occurrenceChoice(text, span, index, { shownLike: textElement, name }));
      occurrences.querySelector(".choices").replaceChildren(...choices);
      occurrences.hidden = false;
      occurrences.querySelector("input:checked").focus();
    };

    finder.querySelector("[data-action=find]").addEventListener("click", find);
    words.addEventListener("keydown", (event) => {
      // Enter finds the words here, rather than sending the form without a selection.
      if (event.key === "Enter" && !event.isComposing) {
        event.preventDefault();
        find();
      }
    });
    occurrences.addEventListener("change", (event) => choose(form, spans[Number(event.target.value)]));
  }
}
