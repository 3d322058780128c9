// The review queue's keys: j / k move to the next / previous item, a approves
// it, r rejects it (its comment is required: with an empty comment, r moves
// to the comment field instead). Keys typed into a field are left alone.

const items = () => Array.from(document.querySelectorAll("#review-queue > li.queue-item"));
let current = -1;

function select(index) {
  const all = items();
  if (all.length === 0) return;
  current = Math.max(0, Math.min(index, all.length - 1));
  all.forEach((item, i) => item.setAttribute("aria-current", i === current ? "true" : "false"));
  all[current].focus();
  all[current].scrollIntoView({ block: "nearest" });
}

function currentItem() {
  const all = items();
  const focused = document.activeElement?.closest?.("li.queue-item");
  if (focused) current = all.indexOf(focused);
  return all[current];
}

function typing(target) {
  return target.closest("input, textarea, select, [contenteditable]") !== null;
}

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
  if (event.key === "j") select(current + 1);
  else if (event.key === "k") select(current - 1);
  else if (event.key === "a" || event.key === "r") {
    const item = currentItem();
    if (!item) return;
    if (event.key === "r") {
      const comment = item.querySelector("textarea[name=comment]");
      if (comment && !comment.value.trim()) {
        event.preventDefault();
        comment.focus();
        return;
      }
    }
    item.querySelector(`button[data-key="${event.key}"]`)?.click();
  } else return;
  event.preventDefault();
});
