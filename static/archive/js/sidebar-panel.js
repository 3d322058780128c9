// Narrow screens: the reading page's sidebar slides over the text, opened by
// a button (CSS decides when it is a panel; on wide screens both buttons stay
// out of sight and the sidebar sits beside the text). While open it is modal:
// the rest of the page is inert, Esc or a tap beside it closes it, and the
// focus goes back to the button.
const reading = document.getElementById("reading");
const panel = document.getElementById("reading-sidebar");
const opener = reading?.querySelector(".sidebar-toggle");
const closer = panel?.querySelector(".sidebar-close");

let madeInert = [];

/** Make everything but the panel (and the page's dialogs, modal on their own) inert, or undo it. */
function setRestInert(inert) {
  for (const element of madeInert) element.inert = false;
  madeInert = [];
  if (!inert) return;
  for (let node = panel; node.parentElement && node !== document.body; node = node.parentElement) {
    for (const sibling of node.parentElement.children) {
      if (sibling === node || sibling.inert || sibling.matches("dialog, script, template")) continue;
      sibling.inert = true;
      madeInert.push(sibling);
    }
  }
}

function isOpen() {
  return opener.getAttribute("aria-expanded") === "true";
}

function setOpen(open) {
  opener.setAttribute("aria-expanded", String(open));
  panel.classList.toggle("open", open);
  setRestInert(open);
  if (open) closer.focus();
  else if (panel.contains(document.activeElement) || document.activeElement === document.body) opener.focus();
}

if (reading && panel && opener && closer) {
  // The panel takes its closed place at once, rather than slide out as the page opens:
  // placed without a transition (the forced layout applies it), then transitions on.
  reading.classList.add("has-panel", "panel-placing");
  void panel.offsetWidth;
  reading.classList.remove("panel-placing");
  opener.hidden = false;
  closer.hidden = false;
  opener.addEventListener("click", () => setOpen(!isOpen()));
  closer.addEventListener("click", () => setOpen(false));
  // Going to a passage shows it in the text (js/reading.js focuses it): out of the way first.
  panel.addEventListener("click", (event) => {
    if (isOpen() && event.target.closest("[data-goto-passage]")) setOpen(false);
  });
  document.addEventListener("keydown", (event) => {
    // A dialog open over the panel closes first, on its own.
    if (event.key === "Escape" && isOpen() && !document.querySelector("dialog[open]")) setOpen(false);
  });
  // A tap beside the panel lands on the inert page (the body, for the browser). The path is
  // read as dispatched: a click in the panel may have replaced what was clicked by then.
  document.addEventListener("click", (event) => {
    if (!isOpen()) return;
    const path = event.composedPath();
    if (!path.includes(panel) && !path.includes(opener) && !path.some((node) => node.nodeName === "DIALOG")) {
      setOpen(false);
    }
  });
  // Widened past the panel's breakpoint: the sidebar sits beside the text, and the page is whole again.
  window.addEventListener("resize", () => {
    if (isOpen() && opener.getClientRects().length === 0) setOpen(false);
  });
}
