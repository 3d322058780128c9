// Django admin widgets that axe finds without an accessible name, named after
// the labels the admin already shows. Run once the admin's own scripts have
// built them (select2 on jQuery's ready, the two-box selector on load), and
// for each inline row added.
const $ = window.django?.jQuery;

const text = (label) => label.textContent.replace(/:\s*$/, "").trim();

// What names a field: its label, or in a table of inline rows its column's heading.
function nameOf(field) {
  const label = document.querySelector(`label[for="${field.id}"]`);
  if (label) return text(label);
  const cell = field.closest("td");
  const heading = cell?.closest("table")?.tHead?.rows[0]?.cells[cell.cellIndex];
  return heading ? heading.textContent.trim() : field.name;
}

// An autocomplete (select2) shows the option chosen in a box named after it,
// which is nothing while none is; its search field has no name at all.
function nameAutocompletes(root) {
  for (const select of root.querySelectorAll("select.admin-autocomplete")) {
    const widget = select.nextElementSibling;
    if (!widget?.classList.contains("select2")) continue;
    const name = nameOf(select);
    for (const part of widget.querySelectorAll(".select2-selection, [role=textbox], .select2-search__field")) {
      part.removeAttribute("aria-labelledby");
      part.setAttribute("aria-label", name);
    }
  }
}

// A table of inline rows names its fields in its headings only.
function nameInlineFields(root) {
  for (const field of root.querySelectorAll(".tabular td input:not([type=hidden]), .tabular td select, .tabular td textarea")) {
    if (!field.labels.length && !field.hasAttribute("aria-label")) field.setAttribute("aria-label", nameOf(field));
  }
}

function nameAll() {
  nameAutocompletes(document);
  nameInlineFields(document);
  // The two-box selector's search icons carry a name on a bare span.
  for (const icon of document.querySelectorAll(".help-tooltip[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
  // A date and time field is two inputs under one label that names neither.
  for (const input of document.querySelectorAll("p.datetime input")) {
    if (input.labels.length || input.hasAttribute("aria-label")) continue;
    const label = input.closest(".form-row")?.querySelector("label");
    const part = input.id.endsWith("_1") ? "time" : "date";
    input.setAttribute("aria-label", label ? `${text(label)}, ${part}` : part);
  }
  const search = document.getElementById("searchbar");
  if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search");
}

window.addEventListener("load", nameAll);
document.addEventListener("formset:added", (event) => {
  nameAutocompletes(event.target);
  nameInlineFields(event.target);
});
// A multiple choice rebuilds its search field at each change.
$?.(document).on("change", "select.admin-autocomplete", (event) => nameAutocompletes(event.target.parentElement));
