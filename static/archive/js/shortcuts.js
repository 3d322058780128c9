// The reading page's keyboard shortcuts, listed in the help dialog that `?`
// opens (templates/archive/source_detail.html). Single keys never fire while
// the reader types in a field; Ctrl/Cmd+Enter saves the form being typed in.
// Each shortcut does what a click would, on the page's own controls. The single
// keys can be turned off (js/single-keys.js); saving and Esc stay.

import { singleKeysOn } from "./single-keys.js";

const help = document.getElementById("shortcuts-help");
const textElement = document.getElementById("source-text");

function typing(target) {
  return Boolean(target.closest?.("input, textarea, select, [contenteditable]:not([contenteditable=false])"));
}

function openHelp() {
  if (!help.open) help.showModal();
}

/** Focus the next (step 1) or previous (step -1) highlight, from the one focused or the viewport. */
function moveHighlight(step) {
  const marks = [...textElement.querySelectorAll("mark[data-passage][tabindex]")];
  if (!marks.length) return;
  let index = marks.indexOf(document.activeElement?.closest?.("mark[data-passage]") ?? null);
  if (index === -1) {
    // From where the reader is: the first highlight below the top of the window, or the last above its bottom.
    const fromTop = marks.findIndex((mark) => mark.getBoundingClientRect().bottom > 0);
    const aboveBottom = marks.findLastIndex((mark) => mark.getBoundingClientRect().top < innerHeight);
    index = step > 0 ? (fromTop === -1 ? marks.length : fromTop) - 1 : aboveBottom + 1;
  }
  const next = marks[Math.min(Math.max(index + step, 0), marks.length - 1)];
  next.focus({ preventScroll: true });
  next.scrollIntoView({ block: "center" });
}

function toggleSidebar() {
  const opener = document.querySelector(".sidebar-toggle");
  if (opener && opener.getClientRects().length > 0) return opener.click();
  // Wide screens: the sidebar is always shown beside the text; go to it.
  const title = document.getElementById("sidebar-title");
  title.tabIndex = -1;
  title.focus();
}

function focusFilters() {
  const filters = document.getElementById("sidebar-filters");
  if (!filters || filters.hidden) return;
  const opener = document.querySelector(".sidebar-toggle");
  if (opener && opener.getClientRects().length > 0 && opener.getAttribute("aria-expanded") === "false") opener.click();
  filters.open = true;
  filters.querySelector("input[name=text]").focus();
}

function highlightByQuote() {
  const button = document.getElementById("highlight-by-quote"); // there only for those who may annotate
  if (!button) return;
  // The open panel covers the text the words are found in and makes the button inert, so that
  // the form's focus could not go back to it: the panel closes first.
  const opener = document.querySelector(".sidebar-toggle");
  if (opener?.getAttribute("aria-expanded") === "true") document.querySelector(".sidebar-close")?.click();
  button.click();
}

function selectionTool(action) {
  // The buttons the selection shows (js/reading.js), there only for those who may annotate.
  document.querySelector(`#selection-tools [data-action="${action}"]`)?.click();
}

const KEYS = {
  "?": openHelp,
  a: () => selectionTool("annotate"),
  c: () => selectionTool("cite"),
  h: highlightByQuote,
  j: () => moveHighlight(1),
  n: () => moveHighlight(1),
  k: () => moveHighlight(-1),
  p: () => moveHighlight(-1),
  s: toggleSidebar,
  f: focusFilters,
};

if (help && textElement) {
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      const form = event.target.closest?.("form");
      if (form && typing(event.target)) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target) || !singleKeysOn()) return;
    // While a dialog is open (a form, a highlight's items, this help), only its own keys count.
    if (document.querySelector("dialog[open]")) return;
    const action = KEYS[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
  for (const button of document.querySelectorAll('[data-action="shortcuts"]')) {
    button.addEventListener("click", openHelp);
  }
}
