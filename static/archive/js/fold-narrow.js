// A <details data-fold-narrow open> is open on a wide screen and folded on a phone, where
// what it holds would push the page's point (a source's text) off the first screen. Without
// scripts it stays open. Widening the window opens it again: its summary is hidden there.
const NARROW = window.matchMedia("(max-width: 48rem)");
const folding = [...document.querySelectorAll("details[data-fold-narrow]")];

function fit() {
  for (const details of folding) details.open = !NARROW.matches;
}

if (folding.length) {
  fit();
  NARROW.addEventListener("change", fit);
}
