// Pickers: comboboxes that search the workspace as you type (its claims, or its
// passages) and list what they find to choose from. The claim picker also offers
// to create a new claim from what you typed.
//
// As the WAI-ARIA combobox pattern has it (list autocomplete, manual selection): no
// option is active until the arrow keys move to one, so Enter chooses only what the
// user moved to; typing, a click or an arrow key opens the list, and Tab, Escape or
// leaving the field closes it. The focus stays in the field: the list is no tab stop.

import { requestJSON } from "./http.js";

const SEARCH_DELAY_MS = 150;

// Whether a pointer is pressed: the field loses its focus as a press begins (mousedown),
// and closing the list then would move what is below it out from under the pointer
// before the press ends, so that a click on the button below the field is lost.
let pressing = false;
document.addEventListener("pointerdown", () => (pressing = true), true);
for (const type of ["pointerup", "pointercancel"]) document.addEventListener(type, () => (pressing = false), true);

/** Run `action` now, or once the press under way has ended and its click gone where it was aimed. */
function afterPress(action) {
  if (!pressing) return action();
  const ended = new AbortController();
  const later = () => {
    ended.abort();
    setTimeout(action);
  };
  for (const type of ["pointerup", "pointercancel"]) document.addEventListener(type, later, { signal: ended.signal });
}

export class Picker {
  constructor(root, searchUrl) {
    this.input = root.querySelector('[role="combobox"]');
    this.list = root.querySelector('[role="listbox"]');
    this.searchUrl = searchUrl;
    this.options = [];
    this.active = -1;
    this.choice = null;
    this.searches = 0;
    // Scrollable, the list would otherwise be a tab stop of its own in Chromium.
    this.list.tabIndex = -1;
    // How much each search found, said to a screen reader (none, too, is an answer).
    this.said = document.createElement("p");
    this.said.className = "visually-hidden";
    this.said.setAttribute("role", "status");
    root.append(this.said);
    this.input.addEventListener("input", () => {
      this.choice = null;
      this.setActive(-1); // what was active was found for other words
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.search(), SEARCH_DELAY_MS);
    });
    this.input.addEventListener("click", () => {
      if (this.list.hidden) this.search();
    });
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.input.addEventListener("blur", () =>
      afterPress(() => {
        if (document.activeElement !== this.input) this.open(false);
      }),
    );
    // mousedown, not click: choose before the input loses focus (nor lose it to the list's scroll bar).
    this.list.addEventListener("mousedown", (event) => {
      event.preventDefault();
      const option = event.target.closest('[role="option"]');
      if (option) this.choose(Number(option.dataset.index));
    });
  }

  /** Search for what is typed and list it; `step` (1 or -1, from an arrow key) makes the
   *  first or the last option active. */
  async search(step = 0) {
    const query = this.input.value.trim();
    const number = ++this.searches;
    const { ok, data } = await requestJSON(`${this.searchUrl}?q=${encodeURIComponent(query)}`);
    if (number !== this.searches || document.activeElement !== this.input) return; // a newer search or gone
    const found = ok ? data.results : [];
    this.options = this.optionsFrom(found, query);
    this.render();
    this.said.textContent = this.foundSaid(found.length, query);
    if (step) this.move(step);
  }

  /** The options to list for what the search found (each {id, ...}). */
  optionsFrom(found) {
    return found;
  }

  /** What to say of `count` found for `query`. */
  foundSaid(count) {
    return `${count} found.`;
  }

  render() {
    this.list.replaceChildren(
      ...this.options.map((option, index) => {
        const item = document.createElement("li");
        item.id = `${this.list.id}-${index}`;
        item.setAttribute("role", "option");
        item.dataset.index = String(index);
        item.dir = "auto";
        this.describe(item, option);
        return item;
      }),
    );
    this.setActive(-1);
    this.open(this.options.length > 0);
  }

  open(isOpen) {
    if (!isOpen) this.setActive(-1);
    this.list.hidden = !isOpen;
    this.input.setAttribute("aria-expanded", String(isOpen));
  }

  /** Make the next (1) or previous (-1) option active, from the field to the first or the last. */
  move(step) {
    const count = this.options.length;
    if (!count) return;
    const from = this.active === -1 && step < 0 ? count : this.active;
    this.setActive((from + step + count) % count);
  }

  setActive(index) {
    this.active = index;
    for (const item of this.list.children) {
      item.setAttribute("aria-selected", String(Number(item.dataset.index) === index));
    }
    if (index >= 0) {
      this.input.setAttribute("aria-activedescendant", `${this.list.id}-${index}`);
      this.list.children[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  choose(index) {
    this.choice = this.options[index] ?? null;
    if (this.choice) this.input.value = this.chosenText(this.choice);
    this.open(false);
  }

  onKey(event) {
    const isOpen = !this.list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      if (isOpen) this.move(step);
      else this.search(step);
    } else if (event.key === "Enter" && isOpen && this.active >= 0) {
      event.preventDefault();
      this.choose(this.active);
    } else if (event.key === "Enter") {
      // No option moved to: nothing is chosen, the list closes and the form is sent as the field is.
      this.open(false);
    } else if (event.key === "Escape" && isOpen) {
      // Close the list only, not the dialog around it.
      event.preventDefault();
      event.stopPropagation();
      this.open(false);
    }
  }
}

export class ClaimPicker extends Picker {
  optionsFrom(found, query) {
    const options = found.map(({ id, statement, credibility }) => ({ id, statement, credibility }));
    const known = found.some((claim) => claim.statement.toLowerCase() === query.toLowerCase());
    if (query && !known) options.push({ id: null, statement: query });
    return options;
  }

  foundSaid(count, query) {
    const found = count === 1 ? "1 claim found" : `${count || "No"} claims found`;
    return query ? `${found}; or make it a new claim, listed last.` : `${found}.`;
  }

  describe(item, option) {
    if (option.id) {
      item.textContent = `${option.statement} (credibility ${option.credibility})`;
    } else {
      item.className = "new-claim";
      item.textContent = `New claim: “${option.statement}”`;
    }
  }

  chosenText(option) {
    return option.statement;
  }

  /** {claim: id} or {new_claim: statement}, or null if nothing is chosen yet. */
  value() {
    if (!this.choice) return null;
    return this.choice.id ? { claim: this.choice.id } : { new_claim: this.choice.statement };
  }
}

export class PassagePicker extends Picker {
  foundSaid(count) {
    if (!count) return "No highlighted passage has these words.";
    return count === 1 ? "1 passage found." : `${count} passages found.`;
  }

  describe(item, option) {
    item.textContent = `“${option.exact}” (${option.source})`;
  }

  chosenText(option) {
    return option.exact;
  }

  /** The chosen passage's id, or null. */
  value() {
    return this.choice ? this.choice.id : null;
  }
}

/** Wires a form whose PassagePicker (found at its data-passage-search-url) fills
 *  its hidden `passage` field: sent without a passage chosen, the form says so
 *  beside the picker (its .form-error) and is not sent. */
export function passageForm(form) {
  const picker = new PassagePicker(form.querySelector(".picker"), form.dataset.passageSearchUrl);
  const unchosen = form.querySelector(".form-error");
  form.addEventListener("submit", (event) => {
    const chosen = picker.value();
    unchosen.hidden = chosen !== null;
    const field = form.querySelector('[role="combobox"]');
    if (chosen === null) {
      event.preventDefault();
      // Marked and described by the message, as a refused field of any form is.
      if (!unchosen.id) unchosen.id = `${field.id}-error`;
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", unchosen.id);
      field.focus();
      return;
    }
    field.removeAttribute("aria-invalid");
    form.elements.passage.value = String(chosen);
  });
}
