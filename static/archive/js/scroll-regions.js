// Tables and graphs wider than the screen scroll sideways inside their own box
// (app.css), and a text preview of limited height scrolls down. A keyboard
// scrolls a box that has the focus, or one holding the focused element: where
// nothing inside can take the focus, the box takes it itself, but only while
// it is too big to show whole, so that on a wide screen it adds no stop to the
// tab order. A box that can take the focus says what it is (aria-label or
// aria-labelledby in its template), for whoever lands on it.
const boxes = document.querySelectorAll(
  "table.listing, .table-scroll, .claim-graph, .preview .source-text",
);
const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

function scrollsDown(box) {
  return /auto|scroll/.test(getComputedStyle(box).overflowY) && box.scrollHeight > box.clientHeight;
}

function update() {
  for (const box of boxes) {
    const scrolls = box.scrollWidth > box.clientWidth || scrollsDown(box);
    if (scrolls && !box.hasAttribute("tabindex") && !box.querySelector(FOCUSABLE)) {
      box.setAttribute("tabindex", "0");
      box.dataset.scrollStop = "";
    } else if (!scrolls && "scrollStop" in box.dataset) {
      box.removeAttribute("tabindex");
      delete box.dataset.scrollStop;
    }
  }
}

if (boxes.length) {
  update();
  window.addEventListener("resize", update);
}
