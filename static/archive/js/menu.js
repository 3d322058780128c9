// Narrow screens: the header's links fold behind a Menu button (CSS decides
// when; this module only shows the button and opens and closes the menu).
const header = document.querySelector(".site-header");
const button = header?.querySelector(".menu-toggle");
const menu = header && document.getElementById("site-menu");

function setOpen(open) {
  button.setAttribute("aria-expanded", String(open));
  header.classList.toggle("menu-open", open);
}

if (button && menu) {
  header.classList.add("has-menu");
  button.hidden = false;
  button.addEventListener("click", () => setOpen(button.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") return;
    setOpen(false);
    button.focus();
  });
}
