// Search: "/" anywhere (outside a text field) jumps to the search box, unless single-key
// shortcuts are turned off (js/single-keys.js).

import { singleKeysOn } from "./single-keys.js";

const box = document.querySelector("#search-page-q") || document.querySelector("#site-search-q");

function typingInAField(target) {
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

if (box) {
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || typingInAField(event.target)) return;
    if (!singleKeysOn()) return;
    event.preventDefault();
    box.focus();
    box.select();
  });
}
