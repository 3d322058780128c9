// Narrow screens: the reading page's sidebar slides over the text, opened by
// a button (CSS decides when it is a panel; on wide screens both buttons stay
// out of sight and the sidebar sits beside the text).
const reading = document.getElementById("reading");
const panel = document.getElementById("reading-sidebar");
const opener = reading?.querySelector(".sidebar-toggle");
const closer = panel?.querySelector(".sidebar-close");

function setOpen(open) {
  opener.setAttribute("aria-expanded", String(open));
  panel.classList.toggle("open", open);
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
  opener.addEventListener("click", () => setOpen(opener.getAttribute("aria-expanded") !== "true"));
  closer.addEventListener("click", () => setOpen(false));
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && panel.classList.contains("open")) setOpen(false);
  });
}
