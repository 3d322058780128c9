// Tables and graphs wider than the screen scroll sideways inside their own box
// (app.css). A keyboard scrolls a box that has the focus, or one holding the
// focused element: where nothing inside can take the focus, the box takes it
// itself, but only while it is too wide to show whole, so that on a wide
// screen it adds no stop to the tab order.
const boxes = document.querySelectorAll("table.listing, .table-scroll, .claim-graph");
const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

function update() {
  for (const box of boxes) {
    const scrolls = box.scrollWidth > box.clientWidth;
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
