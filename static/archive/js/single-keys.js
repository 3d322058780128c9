// Single-character shortcuts (j, k, a, /, ...) are easily set off by speech input or
// a tremor, so they can be turned off (WCAG 2.1.4): one setting, kept in this
// browser, for every page. Every checkbox marked data-single-keys shows and changes it.

const SETTING = "warrant.single-key-shortcuts";

export function singleKeysOn() {
  try {
    return localStorage.getItem(SETTING) !== "off";
  } catch {
    return true; // storage refused (a private window): the shortcuts stay as they are
  }
}

function setSingleKeys(on) {
  try {
    if (on) localStorage.removeItem(SETTING);
    else localStorage.setItem(SETTING, "off");
  } catch {
    // Not kept: it holds for this page only.
  }
}

const boxes = [...document.querySelectorAll("input[data-single-keys]")];
for (const box of boxes) {
  box.checked = singleKeysOn();
  box.closest("[hidden]")?.removeAttribute("hidden"); // shown only where scripts run
  box.addEventListener("change", () => {
    setSingleKeys(box.checked);
    for (const other of boxes) other.checked = box.checked;
  });
}
