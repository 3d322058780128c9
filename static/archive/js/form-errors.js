// A form's error, in its .form-error: a JSON endpoint's refusal, {error, <field>: [messages]}
// (archive/api/errors.py), or one found before sending. A field the error is about is marked
// invalid and described by it, until it is changed or the error goes. When every field a
// refusal names is one of the form's, each is named as the form labels it (the server names
// its own fields: "Body: …" for the field labelled "Note").

let boxes = 0; // forms are cloned from templates: each error box gets an id of its own

/** The field's name as the form shows it: a radio group's legend, or its label's own words
 *  (not those of the control inside the label, such as a select's options). */
function labelOf(field) {
  if (field instanceof RadioNodeList) return field[0].closest("fieldset")?.querySelector("legend")?.textContent.trim();
  const label = field.labels?.[0];
  if (!label) return null;
  const words = [...label.childNodes].filter((node) => node.nodeType === Node.TEXT_NODE);
  return words.map((node) => node.textContent).join("").trim() || null;
}

function describedBy(field) {
  return (field.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
}

function unmark(field, box) {
  field.removeAttribute("aria-invalid");
  const others = describedBy(field).filter((id) => id !== box.id);
  if (others.length) field.setAttribute("aria-describedby", others.join(" "));
  else field.removeAttribute("aria-describedby");
}

function mark(field, box) {
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", [...new Set([...describedBy(field), box.id])].join(" "));
  field.addEventListener("input", () => unmark(field, box), { once: true });
}

/** Show `message` in `form` ("" takes the error away), about `field` if one is given;
 *  the error box, given an id of its own for the fields it describes. */
export function showError(form, message, field = null) {
  const box = form.querySelector(".form-error");
  box.id ||= `form-error-${++boxes}`;
  for (const marked of form.querySelectorAll('[aria-invalid="true"]')) unmark(marked, box);
  box.textContent = message;
  box.hidden = !message;
  if (message && field) mark(field, box);
  return box;
}

/** Show the refusal `data` in `form`. */
export function showRefusal(form, data) {
  const names = Object.keys(data).filter((name) => name !== "error" && Array.isArray(data[name]));
  const fields = names.map((name) => form.elements.namedItem(name));
  const allOurs = names.length > 0 && fields.every(Boolean);
  const message = allOurs
    ? names.map((name, index) => `${labelOf(fields[index]) ?? name}: ${data[name].join(" ")}`).join("\n")
    : data.error;
  const box = showError(form, message ?? "");
  // A radio takes no aria-invalid: its group's legend names it in the message.
  for (const field of fields) if (field instanceof Element) mark(field, box);
  // Sending disabled the button that had focus, which left it on the page itself: put it on
  // the first field refused, or on the message, so that the keyboard is where the fix is.
  const focus = document.activeElement;
  if (!box.hidden && (!focus || focus === document.body || focus.disabled)) {
    const first = fields.find((field) => field instanceof Element);
    if (first) first.focus();
    else {
      box.tabIndex = -1;
      box.focus();
    }
  }
}
