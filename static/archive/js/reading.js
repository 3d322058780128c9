// The reading page, enhanced: select text to annotate it or cite it as
// evidence; open a highlight (click, or Tab to it and press Enter) to see
// what is attached to it; edit and delete your own notes and evidence in
// place. The server renders the highlights and every sidebar item; this
// module only asks the server to change things and puts its answers in.

import { findWords, foldedText, occurrenceChoice, occurrencesLegend, unquoted } from "./find-words.js";
import { ClaimPicker } from "./pickers.js";
import { showError, showRefusal } from "./form-errors.js";
import {
  drawHighlights,
  marksOf,
  passagesIn,
  passagesOpenedBy,
  recolour,
  tabStopOf,
  unwrap,
  wrapRange,
} from "./highlights.js";
import { requestJSON } from "./http.js";
import { rangeInText, rangeOfText, selectorsFor, utf16Offset } from "./offsets.js";

const reading = document.getElementById("reading");
const textElement = document.getElementById("source-text");
const sidebar = document.getElementById("reading-items");
const dialog = document.getElementById("reading-dialog");
const tools = document.getElementById("selection-tools"); // absent for readers who cannot contribute
// The page's text is the source's text, character for character.
const text = textElement.textContent;
// The motivations and stances in plain words, by their W3C and stored names.
const valueLabels = JSON.parse(document.getElementById("sidebar-filters")?.dataset.labels ?? "{}");
const motivationLabels = valueLabels.motivation ?? {};
const stanceLabels = valueLabels.stance ?? {};
const sidebarToggle = document.querySelector(".sidebar-toggle"); // floats over the text on narrow screens

// --- The dialog ---------------------------------------------------------------

let returnFocus = null;
let onDialogClosed = null;
let popupPlaces = null; // "this passage" or "these passages" while the dialog shows a highlight's items

// --- What the reader typed ---------------------------------------------------------
//
// A form the reader typed in is never thrown away unasked: a click beside the dialog
// leaves it open, Esc and the dialog's × ask first (the browser's own confirm(), which
// screen readers read and which gives the focus back), and leaving the page asks too
// (`beforeunload`, listened for only while something typed is unsaved, as a listener
// keeps the page out of the browser's back-forward cache). Cancel is the reader's own
// choice to discard, and is not asked about again. A form left as it was opened, or
// with only spaces typed, closes as before.

const watched = new Map(); // form -> its values as opened

/** A form's values, spaces around them not counted (they are nothing typed). */
function valuesOf(form) {
  return JSON.stringify([...new FormData(form)].map(([name, value]) => [name, String(value).trim()]));
}

/** Watch a form for what the reader types in it, from its values now. */
function watch(form) {
  watched.set(form, valuesOf(form));
}

function isChanged(form) {
  return form.isConnected && watched.has(form) && watched.get(form) !== valuesOf(form);
}

/** The watched forms in `within` the reader changed and did not save. */
function changedForms(within = document) {
  for (const form of watched.keys()) if (!form.isConnected) watched.delete(form);
  return [...watched.keys()].filter((form) => within.contains(form) && isChanged(form));
}

function askToDiscard() {
  return window.confirm("Discard what you typed? It is not saved.");
}

function warnBeforeLeaving(event) {
  event.preventDefault();
  event.returnValue = ""; // what older browsers read
}

let guardingLeave = false;

/** Ask before the page is left while, and only while, something typed is unsaved. */
function guardLeaving() {
  const changed = changedForms().length > 0;
  if (changed === guardingLeave) return;
  guardingLeave = changed;
  if (changed) window.addEventListener("beforeunload", warnBeforeLeaving);
  else window.removeEventListener("beforeunload", warnBeforeLeaving);
}

document.addEventListener("input", guardLeaving);
document.addEventListener("change", guardLeaving);

function openDialog(title, content, whenClosed = null, from = document.activeElement) {
  dialog.querySelector("#reading-dialog-title").textContent = title;
  dialog.querySelector(".dialog-body").replaceChildren(content);
  returnFocus = from;
  onDialogClosed = whenClosed;
  popupPlaces = null;
  if (!dialog.open) dialog.showModal();
  const first = content.querySelector("textarea, input:not([type=hidden]), select, button, a[href]");
  first?.focus();
  guardLeaving(); // a form replaced by this content is gone
}

/** Close the dialog, unless what was typed in it is unsaved and the reader keeps it. */
function closeDialogAsking() {
  if (changedForms(dialog).length && !askToDiscard()) return false;
  dialog.close();
  return true;
}

dialog.addEventListener("close", () => {
  const closed = onDialogClosed;
  onDialogClosed = null;
  popupPlaces = null;
  closed?.();
  if (returnFocus?.isConnected) returnFocus.focus();
  for (const item of document.querySelectorAll(".item.active")) item.classList.remove("active");
  // Its forms were saved, left as they were, or discarded by the reader's choice: nothing to keep.
  for (const form of watched.keys()) if (dialog.contains(form)) watched.delete(form);
  guardLeaving();
});
dialog.addEventListener("click", (event) => {
  if (event.target.closest('[data-action="close"]')) closeDialogAsking();
  // A click on the backdrop lands on the dialog element itself: it closes the dialog,
  // but not over something typed and unsaved (a click beside a form is easily a slip).
  else if (event.target === dialog && !changedForms(dialog).length) dialog.close();
});
// A press on the backdrop would take the focus out of the form (to the page's body,
// where Esc would no longer reach the form's keys): it stays where it was.
dialog.addEventListener("mousedown", (event) => {
  if (event.target === dialog) event.preventDefault();
});
// Esc over unsaved typing asks first. Listened for as the key bubbles, so that a
// field's own use of Esc (a combobox's list closing) comes first; preventing the key
// keeps the browser from closing the dialog.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || event.defaultPrevented || event.isComposing || !dialog.open) return;
  if (!changedForms(dialog).length) return;
  event.preventDefault();
  if (askToDiscard()) dialog.close();
});
// Any other request to close (a phone's back gesture) is refused over unsaved typing,
// where the browser lets it be (it may not, after an Esc already refused).
dialog.addEventListener("cancel", (event) => {
  if (event.cancelable && changedForms(dialog).length) {
    event.preventDefault();
    if (askToDiscard()) dialog.close();
  }
});

function fromTemplate(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

const statusLine = document.getElementById("reading-status");

/** Say what a save did: the page changes where a screen reader user may not be looking. */
function announce(message) {
  statusLine.textContent = "";
  // Set anew a moment later, so that the same message twice is read twice.
  setTimeout(() => {
    statusLine.textContent = message;
  }, 50);
}

const KIND_NAMES = { annotation: "Note", evidence: "Evidence" };

/** An item's kind in what is said of it: an annotation by its motivation, as the form's
 * Motivation names it (a Question, an Error flag, a Highlight), evidence as evidence. */
function kindName(kind, motivation) {
  if (kind === "annotation" && motivationLabels[motivation]) return motivationLabels[motivation];
  return KIND_NAMES[kind] ?? "Item";
}

// Tags are comma-separated, Latin or Arabic (an Arabic keyboard types "،"): as the server reads them.
const TAG_SEPARATOR = /[,\u060c]/;

function tagsFrom(value) {
  return value.split(TAG_SEPARATOR).map((tag) => tag.trim()).filter(Boolean);
}

// The tags field takes several tags; its suggestions (the workspace's tags) complete
// the last one, after those already typed, and leave out those already there.
const tagList = document.getElementById("workspace-tags");
const workspaceTags = tagList ? [...tagList.options].map((option) => option.value) : [];

function suggestTags(input) {
  const cut = Math.max(input.value.lastIndexOf(","), input.value.lastIndexOf("\u060c"));
  const before = cut === -1 ? "" : `${input.value.slice(0, cut + 1).trimEnd()} `;
  const typed = new Set(tagsFrom(before));
  const options = workspaceTags.filter((tag) => !typed.has(tag)).map((tag) => new Option("", before + tag));
  tagList.replaceChildren(...options);
}

document.addEventListener("input", (event) => {
  if (tagList && event.target.matches?.('input[list="workspace-tags"]')) suggestTags(event.target);
});

// --- Sidebar items ------------------------------------------------------------

function elementFrom(html) {
  const holder = document.createElement("template");
  holder.innerHTML = html.trim();
  return holder.content.firstElementChild;
}

function copiesOf(itemId) {
  return [...document.querySelectorAll(`[data-item="${CSS.escape(itemId)}"]`)];
}

// What submits the reader's drafts on this source, with their count: the server's when
// the page was made, then changed by each item added, edited or deleted here.
const draftsForm = document.getElementById("submit-drafts"); // absent for readers who cannot contribute
const draftCounts = draftsForm ? [...draftsForm.querySelectorAll(".draft-count")] : [];

/** Whether a sidebar item is a draft of the reader's own (what the server counts). */
function isMyDraft(item) {
  return Boolean(item && item.dataset.status === "draft" && item.dataset.person === reading.dataset.person);
}

function countDrafts(before, after) {
  const change = Number(isMyDraft(after)) - Number(isMyDraft(before));
  if (!draftsForm || !change) return;
  const count = Math.max(0, Number(draftCounts[0].textContent) + change);
  for (const shown of draftCounts) shown.textContent = String(count);
  draftsForm.hidden = count === 0;
}

/** The item in the sidebar, not its copy in the popup. */
function sidebarCopy(copies) {
  return copies.find((copy) => !dialog.contains(copy)) ?? null;
}

/** Put an item the server rendered in the sidebar (in text order) and in the open popup. */
function showItem(item) {
  const copies = copiesOf(item.id);
  if (copies.length) {
    countDrafts(sidebarCopy(copies), elementFrom(item.html));
    for (const copy of copies) {
      const fresh = elementFrom(item.html);
      copy.replaceWith(copy.closest("#reading-items") ? fresh : popupCopy(fresh));
    }
    describeHighlights();
    guardLeaving(); // an item shown anew replaced its form
    return;
  }
  const element = elementFrom(item.html);
  countDrafts(null, element);
  const start = Number(element.dataset.start);
  const next = [...sidebar.children].find((other) => Number(other.dataset.start) > start);
  sidebar.insertBefore(element, next ?? null);
  document.getElementById("no-items").hidden = true;
  countItems();
  describeHighlights();
}

function removeItem(itemId) {
  const copies = copiesOf(itemId);
  countDrafts(sidebarCopy(copies), null);
  for (const copy of copies) copy.remove();
  document.getElementById("no-items").hidden = sidebar.children.length > 0;
  countItems();
  describeHighlights();
  // The open popup's title counts the items it still shows.
  const left = dialog.querySelectorAll(".dialog-body [data-item]").length;
  if (dialog.open && popupPlaces && left) {
    dialog.querySelector("#reading-dialog-title").textContent = popupTitle(left, popupPlaces);
  }
  guardLeaving();
}

// The count on the narrow screens' sidebar button, as the server counts them: the sidebar's items.
function countItems() {
  const count = document.getElementById("item-count");
  if (count) count.textContent = String(sidebar.children.length);
}

// A highlight's text alternative for screen readers: its tab stop is named by its passage's
// words, all of them where another passage starts inside it (the tab stop holds only those
// before), and described by the kind and the note or claim of each item in the sidebar on
// the passages it opens.
function describeHighlights() {
  const parts = new Map();
  for (const part of document.querySelectorAll("#reading-sidebar [data-item] > :is(.item-label, .item-body)[id]")) {
    const passageId = part.parentElement.dataset.passage;
    if (!parts.has(passageId)) parts.set(passageId, []);
    parts.get(passageId).push(part.id);
  }
  for (const stop of textElement.querySelectorAll("mark[data-passage][role=button]")) {
    const marks = marksOf(textElement, stop.dataset.passage);
    if (marks.length > 1) stop.setAttribute("aria-label", marks.map((mark) => mark.textContent).join(""));
    else stop.removeAttribute("aria-label");
    const ids = passagesOpenedBy(stop).flatMap((passageId) => parts.get(passageId) ?? []);
    if (ids.length) stop.setAttribute("aria-describedby", ids.join(" "));
    else stop.removeAttribute("aria-describedby");
  }
}

/** The passages whose highlight `element` is, if it is in the text: those its tab stop opens. */
function passagesFocusedOn(element) {
  const mark = element && textElement.contains(element) ? element.closest("mark[data-passage]") : null;
  if (!mark) return [];
  const opened = passagesOpenedBy(mark);
  return opened.length ? opened : [mark.dataset.passage];
}

/** The tab stop of the first of these passages that is still in the text. */
function firstTabStop(passageIds) {
  return passageIds.map((passageId) => tabStopOf(textElement, passageId)).find(Boolean) ?? null;
}

/** Draw the highlights anew for these passages (js/highlights.js: no tab stop is ever inside
 * another, however they overlap), the focus and where it returns to on the same passages. */
function redraw(passages) {
  const focused = passagesFocusedOn(document.activeElement);
  const returning = passagesFocusedOn(returnFocus);
  drawHighlights(textElement, passages);
  if (focused.length) firstTabStop(focused)?.focus({ preventScroll: true });
  if (returning.length) returnFocus = firstTabStop(returning) ?? returnFocus;
  describeHighlights();
}

function showPassage(passage) {
  const marks = marksOf(textElement, passage.id);
  if (marks.length) {
    recolour(textElement, passage.id, passage.role);
    return marks;
  }
  const start = utf16Offset(text, passage.start);
  const end = utf16Offset(text, passage.end);
  redraw([...passagesIn(textElement), { id: Number(passage.id), role: passage.role, start, end }]);
  return marksOf(textElement, passage.id);
}

function removePassages(passageIds) {
  const gone = new Set(passageIds.map(Number));
  if (passageIds.some((passageId) => marksOf(textElement, passageId).length)) {
    redraw(passagesIn(textElement).filter((passage) => !gone.has(passage.id)));
  }
}

// --- Going from the sidebar to the text and back ---------------------------------

function flash(elements) {
  for (const element of elements) {
    element.classList.remove("flash");
    void element.offsetWidth; // restart the animation
    element.classList.add("flash");
    setTimeout(() => element.classList.remove("flash"), 1700);
  }
}

function goToPassage(passageId) {
  const marks = marksOf(textElement, passageId);
  if (!marks.length) return;
  if (dialog.open && !closeDialogAsking()) return;
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  marks[0].scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
  tabStopOf(textElement, passageId)?.focus({ preventScroll: true });
  flash(marks);
  history.replaceState(null, "", `#passage-${passageId}`);
}

function sidebarItemsFor(passageIds) {
  return [...sidebar.children].filter((item) => passageIds.includes(item.dataset.passage));
}

function popupCopy(item) {
  const copy = item.cloneNode(true);
  copy.classList.remove("active");
  // Ids stay unique: the sidebar's item keeps its own (highlights are described by
  // them, links go to them); the copy's are renamed, with the labels that name them.
  for (const element of [copy, ...copy.querySelectorAll("[id]")]) {
    if (element.id) element.id = `popup-${element.id}`;
  }
  for (const label of copy.querySelectorAll("label[for]")) label.htmlFor = `popup-${label.htmlFor}`;
  for (const attribute of ["aria-describedby", "aria-labelledby"]) {
    for (const named of copy.querySelectorAll(`[${attribute}]`)) {
      const ids = named.getAttribute(attribute).split(/\s+/);
      const renamed = ids.map((id) => (copy.querySelector(`#${CSS.escape(`popup-${id}`)}`) ? `popup-${id}` : id));
      named.setAttribute(attribute, renamed.join(" "));
    }
  }
  return copy;
}

/** Show what is attached to these passages, and point at it in the sidebar. */
function openPassages(passageIds) {
  const items = sidebarItemsFor(passageIds);
  if (!items.length) return;
  const list = document.createElement("ol");
  list.className = "items";
  list.append(...items.map(popupCopy));
  for (const item of items) item.classList.add("active");
  items[0].scrollIntoView({ block: "nearest" });
  const where = passageIds.length === 1 ? "this passage" : "these passages";
  openDialog(popupTitle(items.length, where), list);
  popupPlaces = where;
}

function popupTitle(count, where) {
  return count === 1 ? `On ${where}` : `${count} items on ${where}`;
}

function passagesAt(mark) {
  const ids = [];
  for (let node = mark; node && node !== textElement; node = node.parentElement) {
    if (node.matches("mark[data-passage]") && !ids.includes(node.dataset.passage)) ids.push(node.dataset.passage);
  }
  return ids;
}

// A plain click on a highlight opens it; a drag or a double or triple click that
// starts inside one selects text, as anywhere else. The click waits a moment for
// a second click of the same gesture before it opens the dialog, which would
// otherwise cover the text and take that second click.
const DOUBLE_CLICK_MS = 300;
const DRAG_PX = 4;
let pressedAt = null; // where the last press in the text was
let pendingOpen = null;

function cancelPendingOpen() {
  clearTimeout(pendingOpen);
  pendingOpen = null;
}

textElement.addEventListener("mousedown", (event) => {
  cancelPendingOpen();
  pressedAt = event.detail > 1 ? null : [event.clientX, event.clientY];
});

// Chromium starts no selection from a press that puts the caret at the start of a
// focusable element: a drag from a highlight's first letter would select nothing.
// The highlights under the press stop being focusable until the button is released
// (their tab stops are back before any key can move the focus); a click that opens
// a highlight focuses it itself.
let untabbed = [];

function restoreTabStops() {
  for (const mark of untabbed) mark.tabIndex = 0;
  untabbed = [];
}

textElement.addEventListener(
  "mousedown",
  (event) => {
    restoreTabStops();
    for (let node = event.target; node && node !== textElement; node = node.parentElement) {
      if (node.matches("mark[data-passage][tabindex]")) {
        node.removeAttribute("tabindex");
        untabbed.push(node);
      }
    }
  },
  true,
);
for (const type of ["mouseup", "dragend", "pointercancel", "keydown"]) {
  window.addEventListener(type, restoreTabStops, true);
}
textElement.addEventListener("click", (event) => {
  const mark = event.target.closest("mark[data-passage]");
  const press = pressedAt;
  pressedAt = null;
  if (mark && event.detail === 0) {
    // A click with no press: a screen reader's (its "activate"), which selects nothing. On a
    // tab stop it opens what Enter does there; elsewhere in a highlight, what a click does.
    const stop = event.target.closest("mark[data-passage][tabindex]");
    const passages = stop ? passagesOpenedBy(stop) : passagesAt(mark);
    (stop ?? tabStopOf(textElement, passages[0]))?.focus({ preventScroll: true });
    return openPassages(passages);
  }
  if (!mark || event.detail !== 1 || !press) return;
  const moved = Math.hypot(event.clientX - press[0], event.clientY - press[1]) > DRAG_PX;
  if (moved || !document.getSelection().isCollapsed) return; // the end of a drag that selected text
  const passages = passagesAt(mark);
  pendingOpen = setTimeout(() => {
    pendingOpen = null;
    if (!document.getSelection().isCollapsed) return;
    // The press did not focus the highlight (see above): focus it, so that closing returns there.
    tabStopOf(textElement, passages[0])?.focus({ preventScroll: true });
    openPassages(passages);
  }, DOUBLE_CLICK_MS);
});
// Enter or Space on a tab stop opens the passages starting there (one, or those that
// start at the same character: their one tab stop).
textElement.addEventListener("keydown", (event) => {
  const stop = event.target.closest?.("mark[data-passage]");
  if (!stop || (event.key !== "Enter" && event.key !== " ")) return;
  event.preventDefault();
  openPassages(passagesOpenedBy(stop));
});
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-goto-passage]");
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey) return;
  event.preventDefault();
  goToPassage(link.dataset.gotoPassage);
});

// --- Selecting text -------------------------------------------------------------

let selection = null; // [start, end] in UTF-16 indexes of the text

function selectedRange() {
  const current = document.getSelection();
  if (!current || current.isCollapsed || current.rangeCount === 0) return null;
  const range = rangeInText(textElement, current.getRangeAt(0));
  if (!range) return null;
  let [start, end] = range;
  // Leave out surrounding white space, as double-clicking a word may select it.
  while (start < end && /\s/.test(text[start])) start += 1;
  while (end > start && /\s/.test(text[end - 1])) end -= 1;
  return start < end ? [start, end] : null;
}

const TOOLS_GAP = 6; // between the selection and its buttons

/** The bottom of the window's free part: above the floating sidebar button where it is shown. */
function freeBottom() {
  const bottom = document.documentElement.clientHeight;
  const floating = sidebarToggle?.getClientRects()[0]; // none where it is not displayed
  return floating ? Math.min(bottom, floating.top) : bottom;
}

function updateTools() {
  selection = dialog.open ? null : selectedRange();
  const appearing = tools.hidden && Boolean(selection);
  tools.hidden = !selection;
  if (!selection) return;
  // Said, for a selection made with a screen reader, which does not see the buttons appear.
  if (appearing) announce("Text selected: Annotate and Cite as evidence follow the text.");
  const box = document.getSelection().getRangeAt(0).getBoundingClientRect();
  // CSSOM, not a style attribute: allowed by the Content-Security-Policy.
  // Under the selection's start, but within the window: measured at the left edge, where
  // it has the whole width (near the right edge its buttons would wrap instead).
  tools.style.left = "0px";
  const rightmost = document.documentElement.clientWidth - tools.offsetWidth - 8;
  tools.style.left = `${window.scrollX + Math.max(Math.min(box.left, rightmost), 8)}px`;
  // Under the selection, unless the window's bottom or the floating button would hide
  // the buttons there and there is room above it.
  const below = box.bottom + TOOLS_GAP;
  const above = box.top - TOOLS_GAP - tools.offsetHeight;
  const top = below + tools.offsetHeight > freeBottom() && above >= 0 ? above : below;
  tools.style.top = `${window.scrollY + top}px`;
}

function pendingMark() {
  const mark = document.createElement("mark");
  mark.className = "hl hl-pending";
  return mark;
}

/** The form for a new annotation or evidence on [start, end), sent as one request, opened by `button`. */
function openSelectionForm(kind, [start, end], button) {
  const isEvidence = kind === "cite";
  const target = { selector: selectorsFor(text, start, end) };
  const pending = wrapRange(textElement, start, end, pendingMark);
  const form = fromTemplate(isEvidence ? "evidence-form" : "annotation-form");
  const quote = document.createElement("p");
  quote.className = "dialog-quote";
  quote.dir = "auto";
  quote.textContent = `“${text.slice(start, end)}”`;
  form.prepend(quote);
  const picker = isEvidence
    ? new ClaimPicker(form.querySelector(".picker"), reading.dataset.claimSearchUrl)
    : null;
  let saved = false;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = form.elements;
    let body;
    if (isEvidence) {
      const claim = picker.value();
      if (!claim) {
        showError(form, "Choose a claim from the list, or “New claim” to create one.", fields.claim_query);
        return fields.claim_query.focus();
      }
      body = { target, ...claim, stance: fields.stance.value, note: fields.note.value };
    } else {
      const tags = tagsFrom(fields.tags.value);
      body = { target, body: fields.body.value, motivation: fields.motivation.value, tags };
    }
    // The text the selection was made in: the server refuses it if the text was corrected since.
    body.text_sha256 = reading.dataset.textSha256;
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    const url = isEvidence ? reading.dataset.evidenceUrl : reading.dataset.annotateUrl;
    const { ok, data } = await requestJSON(url, { method: "POST", body });
    submit.disabled = false;
    if (!ok) return showRefusal(form, data);
    saved = true;
    unwrap(pending);
    showPassage(data.passage);
    showItem(data.item);
    returnFocus = tabStopOf(textElement, data.passage.id) ?? returnFocus;
    dialog.close();
    // A highlight is what is highlighted: "highlighted in the text" would say it twice.
    const name = kindName(isEvidence ? "evidence" : "annotation", body.motivation);
    announce(`${name} saved as a draft${name === "Highlight" ? "" : ", highlighted in the text"}.`);
  });
  form.querySelector('[data-action="cancel"]').addEventListener("click", () => dialog.close());
  document.getSelection().removeAllRanges();
  tools.hidden = true;
  // Given up: the text is selected again, with its buttons, and the one that opened the form has the focus.
  const giveUp = () => {
    unwrap(pending);
    document.getSelection().removeAllRanges();
    document.getSelection().addRange(rangeOfText(textElement, start, end));
    updateTools();
  };
  openDialog(isEvidence ? "Cite as evidence" : "Annotate", form, () => saved || giveUp(), button);
  watch(form);
}

if (tools) {
  let timer;
  document.addEventListener("selectionchange", () => {
    clearTimeout(timer);
    timer = setTimeout(updateTools, 200);
  });
  textElement.addEventListener("mouseup", () => setTimeout(updateTools, 0));
  tools.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !tools.hidden) tools.hidden = true;
  });
  tools.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button && selection) openSelectionForm(button.dataset.action, selection, button);
  });
}

// --- Highlighting by typing the words -----------------------------------------------

// Without a mouse, text that cannot be edited cannot be selected: the reader types (or
// pastes) the words instead, picks which occurrence if they occur more than once, and
// annotates or cites them with the same form as a selection of them.
const quoteOpener = document.getElementById("highlight-by-quote");
const LISTED = 20; // occurrences offered; more words narrow them down
let foldedPageText = null; // the page's text folded for comparison, made on first use

function openQuoteForm() {
  const form = fromTemplate("quote-form");
  const words = form.elements.words;
  const occurrences = form.querySelector(".occurrences");
  const actions = form.querySelector(".found-actions");
  let spans = []; // the occurrences listed, for the words as they were when found

  const forget = () => {
    spans = [];
    occurrences.hidden = true;
    actions.hidden = true;
    occurrences.querySelector(".choices").replaceChildren();
  };
  const chosen = () => spans[Number(occurrences.querySelector("input:checked")?.value ?? 0)];
  const find = () => {
    forget();
    // Shown in our own quotation marks: those pasted around the words are left out, not doubled.
    const typed = [...unquoted(words.value).replace(/\s+/gu, " ")];
    if (!typed.length) {
      showError(form, "Type the words to highlight.", words);
      return words.focus();
    }
    foldedPageText ??= foldedText(text);
    const found = findWords(text, words.value, { limit: LISTED, folded: foldedPageText });
    if (!found.count) {
      const shown = typed.length > 60 ? `${typed.slice(0, 60).join("")}…` : typed.join("");
      showError(form, `“${shown}” is not in this text. Check the words, or type fewer of them.`, words);
      return words.focus();
    }
    showError(form, "");
    spans = found.spans;
    occurrences.querySelector("legend").textContent = occurrencesLegend(found.count, spans.length);
    const choices = spans.map((span, index) => occurrenceChoice(text, span, index, { shownLike: textElement }));
    occurrences.querySelector(".choices").replaceChildren(...choices);
    occurrences.hidden = false;
    actions.hidden = false;
    occurrences.querySelector("input:checked").focus();
  };
  const annotate = (kind) => {
    const span = chosen();
    if (!span) return find();
    openSelectionForm(kind, span, quoteOpener);
    textElement.querySelector(".hl-pending")?.scrollIntoView({ block: "center" });
  };

  words.addEventListener("input", forget); // changed words: find them anew
  words.addEventListener("keydown", (event) => {
    // Enter finds (the words are one line of text; Shift+Enter still breaks the line).
    if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.isComposing) {
      event.preventDefault();
      find();
    }
  });
  // Enter on a choice annotates it, as its Annotate button does.
  occurrences.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("input[type=radio]")) {
      event.preventDefault();
      annotate("annotate");
    }
  });
  // Ctrl+Enter (js/shortcuts.js) sends the form: it annotates what was found, or finds the words.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (spans.length) annotate("annotate");
    else find();
  });
  form.addEventListener("click", (event) => {
    const action = event.target.closest("button[data-action]")?.dataset.action;
    if (action === "find") find();
    else if (action === "cancel") dialog.close();
    else if (action === "annotate" || action === "cite") annotate(action);
  });
  openDialog("Highlight by quote", form, null, quoteOpener);
  watch(form);
}

if (tools && quoteOpener) {
  quoteOpener.hidden = false;
  quoteOpener.addEventListener("click", openQuoteForm);
}

// --- Editing and deleting in place ---------------------------------------------------

// The fields an edit changes, by kind of item, in the form's order and words.
const FIELD_NAMES = {
  annotation: { body: "Note", motivation: "Motivation", tags: "Tags" },
  evidence: { stance: "Stance", note: "Note" },
};

function shownValue(name, value) {
  if (name === "tags") return value.join(", ") || "(none)";
  if (name === "motivation") return motivationLabels[value] ?? value;
  if (name === "stance") return stanceLabels[value] ?? value;
  return value || "(empty)";
}

function showConflict(form, data, kind) {
  const box = document.createElement("div");
  box.className = "conflict";
  box.setAttribute("role", "alert");
  const headline = document.createElement("p");
  headline.textContent = data.error;
  box.append(headline);
  // Each field of theirs that is not what the editor started from.
  const differing = Object.keys(FIELD_NAMES[kind]).filter((name) => data.changed?.includes(name));
  if (differing.length) {
    headline.append(" Their version:");
    const theirs = document.createElement("dl");
    theirs.className = "theirs";
    for (const name of differing) {
      const term = document.createElement("dt");
      term.textContent = FIELD_NAMES[kind][name];
      const value = document.createElement("dd");
      value.dir = "auto";
      value.textContent = shownValue(name, data.current[name]);
      theirs.append(term, value);
    }
    box.append(theirs);
  }
  form.querySelector(".conflict")?.remove();
  form.prepend(box);
}

/** Someone else deleted the item: it stays in sight, marked so with who, when and why, no longer to be changed. */
function markDeleted(itemId, message) {
  const copies = copiesOf(itemId);
  countDrafts(sidebarCopy(copies), null);
  for (const copy of copies) {
    copy.classList.add("item-deleted");
    delete copy.dataset.url;
    copy.querySelector(".item-actions")?.remove();
    const note = document.createElement("p");
    note.className = "item-gone";
    note.tabIndex = -1;
    note.textContent = message;
    copy.prepend(note);
  }
}

/** Where an item being saved is: in the popup or the sidebar, beside which items. */
function placeOf(item) {
  return {
    id: item.dataset.item,
    kind: item.dataset.kind,
    motivation: item.dataset.motivation,
    inDialog: dialog.contains(item),
    neighbours: [item.nextElementSibling, item.previousElementSibling],
    start: Number(item.dataset.start),
  };
}

/** The tab stop of the first highlight from `start` (a code point offset) on, else of the last one. */
function highlightFrom(start) {
  const at = utf16Offset(text, start);
  const passages = passagesIn(textElement).sort((one, other) => one.start - other.start);
  const passage = passages.find((each) => each.start >= at) ?? passages.at(-1);
  return passage ? tabStopOf(textElement, passage.id) : null;
}

/** The floating button that opens the sidebar on narrow screens, if it is shown. */
function shownToggle() {
  return sidebarToggle && !sidebarToggle.hidden && sidebarToggle.getClientRects().length ? sidebarToggle : null;
}

/** After a save in place the focus stays where the reader was (it would fall to the page's
 * start with the form it was in): on the item saved, on a neighbour of one deleted, else
 * on the sidebar's heading; and what was done is said, with the server's `notice` (that
 * the edit sent approved work back to the reviewers) shown on the item too. */
function settle(where, deleted, said = null, notice = "") {
  const saved = copiesOf(where.id).find((copy) => dialog.contains(copy) === where.inDialog);
  const neighbour = where.neighbours.find((item) => item?.isConnected && (!where.inDialog || dialog.open));
  const place = saved ?? neighbour;
  const control = place?.querySelector('button[data-action="edit"]') ?? place?.querySelector("button, a[href]");
  if (control) control.focus();
  else if (!dialog.open && !textElement.contains(document.activeElement)) {
    // The popup closed with the last item on its highlight, and the highlight went too: to
    // the next highlight, else to what opens the sidebar (its heading is out of sight
    // in the closed panel of narrow screens).
    const next = where.inDialog ? highlightFrom(where.start) : null;
    (next ?? shownToggle() ?? document.getElementById("sidebar-title")).focus();
  }
  // Named as saved: an edit may have made a note a highlight, or a highlight a note.
  const name = kindName(where.kind, saved?.dataset.motivation ?? where.motivation);
  if (notice) {
    for (const copy of copiesOf(where.id)) {
      const shown = document.createElement("p");
      shown.className = "meta item-notice";
      shown.textContent = notice;
      const actions = copy.querySelector(".item-actions");
      if (actions) actions.before(shown);
      else copy.append(shown);
    }
  }
  announce([said ?? `${name} ${deleted ? "deleted, its history kept" : "saved"}.`, notice].filter(Boolean).join(" "));
}

/** Replace `item`'s content by `form` until it is saved or cancelled; `takeTheirs` is given
 * the item as the server has it after a conflict. */
function editInPlace(item, form, send, takeTheirs = null) {
  const shown = [...item.childNodes];
  const opener = document.activeElement; // the Edit or Delete button, focused again on cancel
  let current = null; // the item as the server has it now, after a conflict
  let gone = null; // the note saying someone deleted the item meanwhile
  item.replaceChildren(form);
  form.querySelector("textarea, input, select")?.focus();
  watch(form);
  const cancel = form.querySelector('[data-action="cancel"]');
  cancel.addEventListener("click", () => {
    if (gone) {
      // Deleted meanwhile: the item as it was, marked deleted, and nothing to change in it.
      item.replaceChildren(gone, ...shown);
      item.querySelector(".item-actions")?.remove();
      gone.focus();
    } else {
      if (current) showItem(current);
      else item.replaceChildren(...shown);
      if (opener?.isConnected) opener.focus();
    }
    guardLeaving();
  });
  // Escape gives up the edit (in a popup the dialog closes too, as always); over unsaved
  // typing it asks first (in a popup the dialog's own Esc asks, for all its forms).
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || event.isComposing) return;
    if (!isChanged(form)) return cancel.click();
    if (dialog.contains(form)) return;
    // Kept from the narrow screens' panel too, which Esc would close.
    event.preventDefault();
    event.stopPropagation();
    if (askToDiscard()) cancel.click();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (gone) return; // nothing left to save it to (Ctrl+Enter still sends the form)
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    const where = placeOf(item);
    const { ok, status, data } = await send(Number(item.dataset.version));
    submit.disabled = false;
    if (ok) {
      guardLeaving();
      return settle(where, form.classList.contains("delete-form"), null, data?.notice);
    }
    if (status === 412) {
      // Keep what the user typed; saving again now replaces theirs knowingly (where the user changed it).
      current = data.item;
      item.dataset.version = String(data.current.version);
      takeTheirs?.(data.current);
      showConflict(form, data, item.dataset.kind);
      submit.textContent = form.classList.contains("delete-form") ? "Delete anyway" : "Save mine over theirs";
      return showError(form, "");
    }
    if (status === 410) {
      // Its other copies show it as it was, marked deleted; here what the user typed stays,
      // to be copied (read-only, no longer to be saved), under who deleted it, when and why.
      markDeleted(item.dataset.item, data.error);
      gone = item.querySelector(".item-gone");
      keepToCopy(form, submit, cancel);
      gone.append(" What you typed was not saved: it stays below for you to copy.");
      return gone.focus();
    }
    showRefusal(form, data);
  });
}

/** A form whose item is gone: its text can be read, selected and copied, not changed or sent. */
function keepToCopy(form, submit, cancel) {
  for (const field of form.querySelectorAll("textarea, input")) {
    if (field.type === "radio" || field.type === "checkbox") field.disabled = !field.checked;
    else field.readOnly = true;
  }
  for (const select of form.querySelectorAll("select")) {
    for (const option of select.options) option.disabled = !option.selected;
  }
  form.querySelector(".conflict")?.remove(); // their version is gone too
  showError(form, "");
  submit.disabled = true;
  cancel.textContent = "Close";
}

function chooseMotivation(select, motivation) {
  // The form offers the usual motivations; a note made elsewhere keeps its own.
  if (![...select.options].some((option) => option.value === motivation)) {
    select.add(new Option(motivationLabels[motivation] ?? motivation, motivation));
  }
  select.value = motivation;
}

/** The values of an edit form's fields, as the server takes them. */
function formValues(form, kind) {
  const fields = form.elements;
  return kind === "annotation"
    ? { body: fields.body.value, motivation: fields.motivation.value, tags: tagsFrom(fields.tags.value) }
    : { stance: fields.stance.value, note: fields.note.value };
}

/** Put `values` (some or all of an item's fields) in its edit form. */
function fillForm(form, values) {
  const fields = form.elements;
  for (const [name, value] of Object.entries(values)) {
    if (name === "tags") fields.tags.value = value.join(", ");
    else if (name === "motivation") chooseMotivation(fields.motivation, value);
    else fields[name].value = value;
  }
}

const sameValue = (one, other) => JSON.stringify(one) === JSON.stringify(other);

function startEdit(item) {
  const kind = item.dataset.kind;
  const form = fromTemplate(kind === "annotation" ? "annotation-form" : "evidence-form");
  form.querySelector(".picker")?.remove(); // evidence keeps its claim; stance and note change
  form.querySelector(".form-error").before(fromTemplate("edit-reason"));
  // The item shows its text exactly (white-space: pre-wrap), so the form starts from what is shown.
  const shownText = item.querySelector(".item-body")?.textContent ?? "";
  const tags = [...item.querySelectorAll(".tags li")].map((tag) => tag.textContent);
  fillForm(
    form,
    kind === "annotation"
      ? { body: shownText, motivation: item.dataset.motivation, tags }
      : { stance: item.dataset.stance, note: shownText },
  );
  // Only the fields the editor changes are sent, so that saving over someone else's
  // version keeps what that person changed and the editor did not.
  const started = formValues(form, kind);
  const send = async (version) => {
    const changes = Object.entries(formValues(form, kind)).filter(([name, value]) => !sameValue(value, started[name]));
    const body = { version, reason: form.elements.reason.value, ...Object.fromEntries(changes) };
    const answer = await requestJSON(item.dataset.url, { method: "PATCH", body });
    if (answer.ok) {
      showPassage(answer.data.passage);
      showItem(answer.data.item);
    }
    return answer;
  };
  // The fields the editor left alone now show theirs, which saving keeps.
  const takeTheirs = (current) => {
    const mine = formValues(form, kind);
    const untouched = Object.keys(started).filter((name) => sameValue(mine[name], started[name]));
    fillForm(form, Object.fromEntries(untouched.map((name) => [name, current[name]])));
    const now = formValues(form, kind);
    for (const name of untouched) started[name] = now[name];
  };
  editInPlace(item, form, send, takeTheirs);
}

function startDelete(item) {
  const form = fromTemplate("delete-form");
  editInPlace(item, form, async (version) => {
    const reason = form.elements.reason.value;
    const answer = await requestJSON(item.dataset.url, { method: "DELETE", body: { version, reason } });
    if (answer.ok) {
      removeItem(item.dataset.item);
      removePassages(answer.data.deleted_passages);
      for (const passage of answer.data.passages) recolour(textElement, passage.id, passage.role);
      if (dialog.open && !dialog.querySelector("[data-item]")) dialog.close();
    }
    return answer;
  });
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  const item = button?.closest("[data-item][data-url]");
  if (!item) return;
  if (button.dataset.action === "edit") startEdit(item);
  else if (button.dataset.action === "delete") startDelete(item);
});

// --- Submitting for review in place -------------------------------------------------

// The item's "Submit for review" form, sent with fetch(): the item is shown anew (as
// submitted), the focus stays on it and the status line says so. Without this script
// the form posts and the page comes back at the item.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest?.("form.submit-form");
  const item = form?.closest("[data-item]");
  if (!item) return;
  event.preventDefault();
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  const where = placeOf(item);
  const body = { version: Number(form.elements.version.value) };
  const { ok, data } = await requestJSON(form.action, { method: "POST", body });
  button.disabled = false;
  if (!ok) {
    if (!form.querySelector(".form-error")) {
      const box = document.createElement("p");
      box.className = "form-error";
      box.setAttribute("role", "alert");
      form.append(box);
    }
    showRefusal(form, data);
    return button.focus();
  }
  showItem(data.item);
  settle(where, false, `${kindName(where.kind, where.motivation)} submitted for review.`);
});

// --- Arriving at #passage-N (e.g. from a claim's page) ------------------------------

const arrived = /^#passage-(\d+)$/.exec(location.hash);
describeHighlights();
if (arrived) {
  const marks = marksOf(textElement, arrived[1]);
  const items = sidebarItemsFor([arrived[1]]);
  for (const item of items) item.classList.add("active");
  // Centred, with its context above it, rather than flush against the top edge where the
  // browser puts it: after the browser's own scroll to it, which comes with the page's load.
  // Then the sidebar's own scroll (alone: scrollIntoView would move the page) shows its item.
  const panel = document.getElementById("reading-sidebar");
  const centre = () =>
    requestAnimationFrame(() => {
      marks[0]?.scrollIntoView({ block: "center" });
      if (!items[0]) return;
      const middle = panel.getBoundingClientRect().top + panel.clientHeight / 2;
      panel.scrollTop += items[0].getBoundingClientRect().top - middle;
    });
  if (document.readyState === "complete") centre();
  else window.addEventListener("load", centre, { once: true });
  flash(marks);
}
reading.dataset.ready = "true";
