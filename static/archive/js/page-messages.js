// What the last action did, said after the form sent reloaded the page ("Submitted for review",
// or why it was refused): a screen reader does not read out a status already in a page as it
// loads, so the focus starts there, where a sighted reader looks first. Not when the page
// gives the focus to a field of its own (autofocus) or something has it already; without
// scrolling when the address names a place in the page.
const region = document.getElementById("page-messages");
if (region && !document.querySelector("[autofocus]") && document.activeElement === document.body) {
  region.focus({ preventScroll: Boolean(location.hash) });
}
