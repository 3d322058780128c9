// The review queue's keys: j / k move to the next / previous item, a approves
// it, r rejects it (its comment is required: with an empty comment, r moves
// to the comment field instead). Keys typed into a field are left alone, and all of
// them can be turned off (js/single-keys.js).

import { showRefusal } from "./form-errors.js";
import { singleKeysOn } from "./single-keys.js";
import { requestJSON } from "./http.js";

const items = () => Array.from(document.querySelectorAll("#review-queue > li.queue-item"));
let current = -1;

function select(index) {
  const all = items();
  if (all.length === 0) return;
  current = Math.max(0, Math.min(index, all.length - 1));
  all.forEach((item, i) => item.setAttribute("aria-current", i === current ? "true" : "false"));
  all[current].focus();
  all[current].scrollIntoView({ block: "nearest" });
}

function currentItem() {
  const all = items();
  const focused = document.activeElement?.closest?.("li.queue-item");
  if (focused) current = all.indexOf(focused);
  return all[current];
}

function typing(target) {
  return target.closest("input, textarea, select, [contenteditable]") !== null;
}

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target) || !singleKeysOn()) return;
  if (event.key === "j") select(current + 1);
  else if (event.key === "k") select(current - 1);
  else if (event.key === "a" || event.key === "r") {
    const item = currentItem();
    if (!item) return;
    if (event.key === "r") {
      const comment = item.querySelector("textarea[name=comment]");
      if (comment && !comment.value.trim()) {
        event.preventDefault();
        comment.focus();
        return;
      }
    }
    item.querySelector(`button[data-key="${event.key}"]`)?.click();
  } else return;
  event.preventDefault();
});

// Deciding in place: the decision is posted with fetch(), the item decided leaves the
// queue, the counts follow, and nothing typed in another item's comment is lost. The
// focus goes to the next item's first control and the status line says what was done;
// a refusal is shown at its item, its comment focused. Without this script the forms
// post as usual (and the server shows a refusal at its item too).

const queue = document.getElementById("review-queue");
const statusLine = document.getElementById("queue-status");
const heading = document.querySelector("h1 .count");
const waitingBadge = document.getElementById("review-waiting"); // the header's, counting the whole queue

function announce(message) {
  statusLine.textContent = "";
  // Set anew a moment later, so that the same message twice is read twice.
  setTimeout(() => {
    statusLine.textContent = message;
  }, 50);
}

const CONTROLS = "a[href], button, textarea, input:not([type=hidden]), select";

/** The heading's count (templatetags count_said): its number, and the words that say what it counts. */
function setTotal(total) {
  heading.firstChild.nodeValue = String(total);
  heading.lastChild.textContent = ` ${total === 1 ? heading.dataset.one : heading.dataset.other}`;
}

/** The queue without `item`: the total one less, each item's "n of N" renumbered. */
function removeDecided(item) {
  const total = Math.max(0, Number(heading?.firstChild.nodeValue ?? 1) - 1);
  if (heading) setTotal(total);
  // The header's count is of everything waiting, whatever the filters show: one less too.
  const waiting = Number(waitingBadge?.firstChild.nodeValue ?? 0) - 1;
  if (waiting > 0) waitingBadge.firstChild.nodeValue = String(waiting);
  else waitingBadge?.remove();
  const next = item.nextElementSibling ?? item.previousElementSibling;
  item.remove();
  const start = Number(queue.dataset.start || 1);
  items().forEach((other, index) => {
    other.setAttribute("aria-label", `${other.dataset.kind} ${start + index} of ${total}`);
  });
  current = Math.min(current, items().length - 1);
  if (items().length === 0) {
    const empty = document.createElement("li");
    empty.className = "meta";
    empty.id = "queue-empty";
    if (total === 0) empty.textContent = "Nothing waits for review.";
    else {
      const more = document.createElement("a");
      more.href = location.pathname + location.search;
      more.textContent = "show the items left";
      empty.append("Everything on this page is decided: ", more, ".");
    }
    queue.append(empty);
  }
  return next?.isConnected ? next : null;
}

queue?.addEventListener("submit", async (event) => {
  const form = event.target.closest("form.review-form");
  if (!form) return;
  event.preventDefault();
  const item = form.closest("li.queue-item");
  const decision = event.submitter?.value ?? "approve";
  const buttons = [...form.querySelectorAll("button")];
  for (const button of buttons) button.disabled = true;
  const body = { version: Number(form.elements.version.value), decision, comment: form.elements.comment.value };
  const { ok, data } = await requestJSON(form.action, { method: "POST", body });
  for (const button of buttons) button.disabled = false;
  if (!ok) {
    showRefusal(form, data);
    form.elements.comment.focus();
    return;
  }
  const next = removeDecided(item);
  const control = next?.querySelector(CONTROLS) ?? (next ? null : queue.querySelector("#queue-empty a[href]"));
  if (control) {
    current = items().indexOf(next);
    control.focus();
  } else {
    const title = document.querySelector("h1");
    title.tabIndex = -1;
    title.focus();
  }
  announce(/[.!?]$/.test(data.message) ? data.message : `${data.message}.`); // a title may end a sentence itself
});

if (queue) queue.dataset.ready = "true";
