// The side-by-side page: a sentence pointed at or focused lights up its counterpart in
// the other column, the two columns scroll together (the first sentence in view in one
// brings its counterpart to the same height in the other), and the marked passage and
// its counterpart are scrolled into view on arrival. A sentence tapped, clicked or
// activated with Enter whose counterpart is out of sight (a phone stacks the columns)
// brings the counterpart into view; activating that one goes back.
const page = document.getElementById("side-by-side");
const columns = page ? [...page.querySelectorAll(".aligned-text")] : [];

function segmentsOf(pair) {
  return page.querySelectorAll(`.seg[data-pair="${CSS.escape(pair)}"]`);
}

function light(pair, on) {
  for (const segment of segmentsOf(pair)) segment.classList.toggle("paired", on);
}

function follow(event) {
  const segment = event.target.closest?.(".seg");
  if (segment) light(segment.dataset.pair, event.type === "mouseover" || event.type === "focusin");
}

// Where activating the counterpart goes back to: the sentence last activated.
let cameFrom = null;

function columnOf(element) {
  return columns.find((column) => column.contains(element));
}

function inSight(element) {
  const box = element.getBoundingClientRect();
  const column = columnOf(element).getBoundingClientRect();
  const top = Math.max(0, column.top), bottom = Math.min(window.innerHeight, column.bottom);
  // A sentence taller than the space is in sight when it fills it.
  return box.top >= top - 1 && (box.bottom <= bottom + 1 || box.top <= top + 1);
}

function counterpartOf(segment) {
  const home = columnOf(segment);
  const pair = segment.dataset.pair;
  if (cameFrom && cameFrom.isConnected && cameFrom.dataset.pair === pair && columnOf(cameFrom) !== home) {
    return cameFrom;
  }
  return [...segmentsOf(pair)].find((each) => columnOf(each) !== home) || null;
}

function goToCounterpart(segment, { byKey }) {
  const target = counterpartOf(segment);
  if (!target) return;
  light(segment.dataset.pair, true);
  if (!byKey && inSight(target)) return;
  cameFrom = segment;
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // Focus moves with the view (for the keyboard, and so that a screen reader reads where
  // the reader has been taken); the scroll follows the reader's motion preference.
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
}

function activate(event) {
  const segment = event.target.closest?.(".seg");
  if (!segment || !columnOf(segment)) return;
  if (event.type === "keydown") {
    if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    goToCounterpart(segment, { byKey: true });
    return;
  }
  // Selecting text (to quote it) is not a tap.
  if (!window.getSelection()?.isCollapsed) return;
  goToCounterpart(segment, { byKey: false });
}

// Scrolling together: only while both columns scroll on their own (wide screens), and
// only after the reader's own scrolling (wheel, touch, keys, the scrollbar). The page
// scrolls the columns too: to the #fragment, to the marks on arrival, by scroll
// anchoring as a web font swaps in, and the other column as it follows. Those must not
// move the other column, whenever their scroll events arrive.
let driving = null;
let release = 0;

function syncFrom(column) {
  const other = columns.find((each) => each !== column);
  if (!other || column.scrollHeight <= column.clientHeight) return;
  const top = column.getBoundingClientRect().top;
  const first = [...column.querySelectorAll(".seg")].find((seg) => seg.getBoundingClientRect().bottom > top + 4);
  if (!first) return;
  const [counterpart] = [...other.querySelectorAll(`.seg[data-pair="${CSS.escape(first.dataset.pair)}"]`)];
  if (!counterpart) return;
  const offset = first.getBoundingClientRect().top - top;
  const delta = counterpart.getBoundingClientRect().top - other.getBoundingClientRect().top - offset;
  other.scrollTop += delta;
}

function drive(column) {
  // A smooth scroll or a fling goes on after its input: the reader drives until the
  // column has been still for a moment.
  driving = column;
  clearTimeout(release);
  release = setTimeout(() => { driving = null; }, 250);
}

function onScroll(event) {
  if (event.currentTarget !== driving) return;
  drive(driving);
  syncFrom(driving);
}

function reveal() {
  // The page first, then each column at its own mark (scrolling the page into a
  // column's mark would move the column again).
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView({ block: "center" });
  for (const column of columns) {
    const mark = column.querySelector("mark.hl-aligned");
    if (mark && column.scrollHeight > column.clientHeight) {
      column.scrollTop += mark.getBoundingClientRect().top - column.getBoundingClientRect().top - column.clientHeight / 3;
    }
  }
  page.dataset.revealed = "true";
}

if (page && columns.length === 2) {
  for (const type of ["mouseover", "mouseout", "focusin", "focusout"]) page.addEventListener(type, follow);
  page.addEventListener("click", activate);
  page.addEventListener("keydown", activate);
  for (const column of columns) {
    column.addEventListener("scroll", onScroll, { passive: true });
    for (const type of ["wheel", "touchstart", "keydown", "pointerdown"]) {
      column.addEventListener(type, () => drive(column), { passive: true });
    }
  }
  // Once the page has loaded, so that the browser's own scroll to the #fragment is
  // over (it may run again on each layout until then), and the web fonts are in:
  // they change every line's height. Before the first layout no font is loading
  // yet, and fonts.ready alone would resolve at once.
  const loaded = document.readyState === "complete"
    ? Promise.resolve()
    : new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
  loaded.then(() => document.fonts.ready).then(reveal);
}
