// Pickers: comboboxes that search the workspace as you type (its claims, or its
// passages) and list what they find to choose from. The claim picker also offers
// to create a new claim from what you typed.

import { requestJSON } from "./http.js";

const SEARCH_DELAY_MS = 150;

export class Picker {
  constructor(root, searchUrl) {
    this.input = root.querySelector('[role="combobox"]');
    this.list = root.querySelector('[role="listbox"]');
    this.searchUrl = searchUrl;
    this.options = [];
    this.active = -1;
    this.choice = null;
    this.searches = 0;
    this.input.addEventListener("input", () => {
      this.choice = null;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.search(), SEARCH_DELAY_MS);
    });
    this.input.addEventListener("focus", () => this.search());
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    // mousedown, not click: choose before the input loses focus.
    this.list.addEventListener("mousedown", (event) => {
      const option = event.target.closest('[role="option"]');
      if (!option) return;
      event.preventDefault();
      this.choose(Number(option.dataset.index));
    });
  }

  async search() {
    const query = this.input.value.trim();
    const number = ++this.searches;
    const { ok, data } = await requestJSON(`${this.searchUrl}?q=${encodeURIComponent(query)}`);
    if (number !== this.searches || document.activeElement !== this.input) return; // a newer search or gone
    this.options = this.optionsFrom(ok ? data.results : [], query);
    this.render();
  }

  /** The options to list for what the search found (each {id, ...}). */
  optionsFrom(found) {
    return found;
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
    this.setActive(this.options.length ? 0 : -1);
    this.open(this.options.length > 0);
  }

  open(isOpen) {
    this.list.hidden = !isOpen;
    this.input.setAttribute("aria-expanded", String(isOpen));
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
      if (!isOpen) return this.search();
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.setActive((this.active + step + this.options.length) % this.options.length);
    } else if (event.key === "Enter" && isOpen && this.active >= 0) {
      event.preventDefault();
      this.choose(this.active);
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
    if (chosen === null) {
      event.preventDefault();
      form.querySelector('[role="combobox"]').focus();
      return;
    }
    form.elements.passage.value = String(chosen);
  });
}
