// The sidebar's filters: narrow the items to an author, a tag, a motivation, a
// stance, a review status and a text. Each choice shows how many items it would
// leave, given the other filters. Everything is read from the items on the page,
// so the counts are those of what is shown; items the page adds, replaces or
// removes (after an edit) are counted again as they change.

import { foldedWords } from "./find-words.js";

const box = document.getElementById("sidebar-filters");
const form = box?.querySelector("form");
const status = document.getElementById("filter-result");
const summary = document.getElementById("filter-summary");
// The values' names in words, e.g. {"motivation": {"questioning": "Question"}}.
const labels = JSON.parse(box?.dataset.labels ?? "{}");
const lists = [...document.querySelectorAll("#reading-sidebar ol.items")];

const FACETS = ["person", "tag", "motivation", "stance", "status"];

// The text filter compares as "Highlight by quote" and search do: case, accents and harakat,
// ة/ه, digits of any script, dashes and white space need not match ("محطه" finds "محطة").
const normalized = foldedWords;

// What each item can be filtered by, read once per element: while an item is
// being edited in place its content is a form, but it still counts as itself.
const seen = new WeakMap();

function entryOf(item) {
  let entry = seen.get(item);
  if (!entry) {
    const one = (value) => (value ? [value] : []);
    entry = {
      person: one(item.dataset.person),
      tag: [...item.querySelectorAll(".tags [data-filter-tag]")].map((tag) => tag.dataset.filterTag),
      motivation: one(item.dataset.motivation),
      stance: one(item.dataset.stance),
      status: one(item.dataset.status),
      text: normalized(item.textContent),
    };
    seen.set(item, entry);
  }
  return entry;
}

function currentItems() {
  return lists.flatMap((list) => [...list.children].filter((item) => item.matches("[data-item]")));
}

function chosen() {
  const state = { text: normalized(form.elements.text.value.trim()) };
  for (const facet of FACETS) state[facet] = form.elements[facet].value;
  return state;
}

/** Whether an item passes every filter in `state` but the one named `except`. */
function passes(entry, state, except = null) {
  for (const facet of FACETS) {
    if (facet !== except && state[facet] && !entry[facet].includes(state[facet])) return false;
  }
  return !state.text || entry.text.includes(state.text);
}

function labelFor(facet, value) {
  return labels[facet]?.[value] ?? value;
}

function ordered(facet, values) {
  const known = Object.keys(labels[facet] ?? {});
  if (known.length) return values.sort((a, b) => known.indexOf(a) - known.indexOf(b));
  return values.sort((a, b) => a.localeCompare(b, undefined, { sensitivity: "base" }));
}

/** Rebuild one facet's choices with their counts, keeping (or setting) its value. */
function fillChoices(facet, entries, state) {
  const select = form.elements[facet];
  const counts = new Map();
  let all = 0;
  for (const entry of entries) {
    if (!passes(entry, state, facet)) continue;
    all += 1;
    for (const value of new Set(entry[facet])) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const present = new Set(entries.flatMap((entry) => entry[facet]));
  if (state[facet]) present.add(state[facet]);
  const options = [new Option(`All (${all})`, "")];
  for (const value of ordered(facet, [...present])) {
    options.push(new Option(`${labelFor(facet, value)} (${counts.get(value) ?? 0})`, value));
  }
  select.replaceChildren(...options);
  select.value = state[facet];
  // A facet no item has (no evidence yet: no stance) is left out.
  select.closest(".filter").hidden = present.size === 0;
}

function update(state = chosen()) {
  const items = currentItems();
  const entries = items.map(entryOf);
  for (const facet of FACETS) fillChoices(facet, entries, state);
  let shown = 0;
  items.forEach((item, index) => {
    const pass = passes(entries[index], state);
    item.hidden = !pass;
    if (pass) shown += 1;
  });
  const active = Boolean(state.text) || FACETS.some((facet) => state[facet]);
  summary.textContent = active ? `(${shown} of ${items.length})` : "";
  status.textContent = active ? `Showing ${shown} of ${items.length} items.` : "";
}

/** Show only the items with this tag (a click on a tag anywhere on the page). */
function filterByTag(tag) {
  const state = chosen();
  state.tag = tag;
  box.open = true;
  update(state);
  const dialog = document.querySelector("dialog[open]");
  if (dialog) dialog.close();
  // Narrow screens: the sidebar is a panel; open it to show what the tag leaves.
  const opener = document.querySelector(".sidebar-toggle");
  if (opener && opener.getAttribute("aria-expanded") === "false" && opener.getClientRects().length > 0) opener.click();
  form.elements.tag.focus();
}

if (box && form) {
  box.hidden = false;
  form.addEventListener("input", () => update());
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("reset", () => setTimeout(update, 0)); // after the fields are reset
  document.addEventListener("click", (event) => {
    const tag = event.target.closest("[data-filter-tag]");
    if (tag) filterByTag(tag.dataset.filterTag);
  });
  const observer = new MutationObserver(() => update());
  for (const list of lists) observer.observe(list, { childList: true });
  update();
  box.dataset.ready = "true";
}
