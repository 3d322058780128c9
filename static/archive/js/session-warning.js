// Before the signed-in session ends (WCAG 2.2.1 Timing Adjustable): data-warn-seconds
// before the end the server gave (data-ends), an alert dialog says when it ends and
// offers to stay signed in, which posts to the server and takes the new end from the answer,
// without reloading, so nothing typed on the page is lost; closing the dialog returns
// the focus where it was. Once the session has ended, the dialog says so and links to
// the sign-in page in a new tab. Tabs share the end in localStorage: a page loaded, or
// the session extended, in one moves it in every other, and shuts their warning. When the
// member signs in again in another tab, a page of the ended session takes up the new one
// (its CSRF token), so that what was typed in it can still be saved. Times are the
// server's: a computer's clock may be minutes off, so the page keeps how far (data-now).
const dialog = document.getElementById("session-warning");
const KEY = "warrant-session-end";
const SKEW_KEY = "warrant-clock-skew";
// setTimeout fires at once for a longer delay (24.8 days): a longer wait is taken in steps.
const LONGEST_DELAY = 2 ** 31 - 1;
const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

let times;
let timer;
let signIn; // which sign-in this page's session is: signing in again makes another
let skew = 0; // the server's clock less this computer's, in milliseconds

function now() {
  return Date.now() + skew;
}

/** How far this computer's clock is from the server's, from the time the page was made;
 *  a page shown again from the history (its time is old) takes the last one measured. */
function measureSkew() {
  try {
    if (performance.getEntriesByType("navigation")[0]?.type === "back_forward") {
      skew = Number(localStorage.getItem(SKEW_KEY)) || 0;
    } else {
      skew = Date.parse(dialog.dataset.now) - Date.now() || 0;
      localStorage.setItem(SKEW_KEY, String(skew));
    }
  } catch {
    // No storage: this page's own measure stands.
  }
}

function share(end) {
  times = { ends: end.ends, latest: end.latest, sign_in: end.sign_in };
  try {
    localStorage.setItem(KEY, JSON.stringify(times));
  } catch {
    // No storage (blocked by the browser): this tab keeps its own end.
  }
}

function shared() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) ?? times;
  } catch {
    return times;
  }
}

function show(title, message, target) {
  dialog.querySelector("h2").textContent = title;
  dialog.querySelector("#session-warning-message").textContent = message;
  showError("");
  for (const control of dialog.querySelectorAll(".stay, .sign-in")) control.hidden = control !== target;
  // Opened anew, so that a screen reader announces what changed.
  if (dialog.open) dialog.close();
  dialog.showModal();
  target.focus();
}

function warnAt() {
  return Date.parse(times.ends) - Number(dialog.dataset.warnSeconds) * 1000;
}

function waitToWarn() {
  timer = setTimeout(update, Math.min(warnAt() - now(), LONGEST_DELAY));
}

function update() {
  clearTimeout(timer);
  times = shared();
  const at = now();
  const ends = Date.parse(times.ends);
  if (at < warnAt()) {
    dialog.close();
    waitToWarn();
  } else if (at < ends) {
    const minutes = Math.ceil((ends - at) / 60000);
    const when = `Your session ends at ${clock.format(ends)}, in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
    if (ends < Date.parse(times.latest)) {
      show("Your session is ending", `${when} Stay signed in?`, dialog.querySelector(".stay"));
    } else {
      show(
        "Your session is ending",
        `${when} It cannot be extended again: save your work, then sign in again.`,
        dialog.querySelector(".close"),
      );
    }
    timer = setTimeout(update, ends - at);
  } else {
    show(
      "Your session has ended",
      `Your session ended at ${clock.format(ends)}. What you typed on this page is still here: ` +
        "sign in in a new tab, then copy what you have not saved into the page there.",
      dialog.querySelector(".sign-in"),
    );
  }
}

/** Said at once (role alert, given as it appears), or taken away with "". */
function showError(message) {
  let error = dialog.querySelector(".form-error");
  if (!error) {
    if (!message) return;
    error = document.createElement("p");
    error.className = "form-error";
    dialog.querySelector(".buttons").before(error);
  }
  error.textContent = message;
  error.hidden = !message;
  if (message) error.setAttribute("role", "alert");
  else error.removeAttribute("role");
}

function csrfToken() {
  return dialog.querySelector('input[name="csrfmiddlewaretoken"]').value;
}

async function staySignedIn() {
  let response;
  try {
    // "manual": an ended session is answered with a redirect to the sign-in page.
    response = await fetch(dialog.dataset.url, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      redirect: "manual",
    });
  } catch {
    return showError("The server could not be reached: try again.");
  }
  if (response.type === "opaqueredirect") {
    share({ ...times, ends: new Date(now()).toISOString() });
  } else if (response.ok) {
    share(await response.json());
  } else {
    return showError(`The session could not be extended (the server answered ${response.status}): try again.`);
  }
  update();
}

/** Signed in again in another tab: this page's forms get the new session's CSRF token
 *  (the old one was for the session that ended), if it is the same member's. */
async function takeUp() {
  let answer;
  try {
    const response = await fetch(dialog.dataset.url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      redirect: "manual",
    });
    answer = response.ok ? await response.json() : null;
  } catch {
    answer = null;
  }
  // Another member's session is not taken up (this page would save as them), and the
  // page's own end stays the one it shows.
  if (!answer?.ends || answer.username !== dialog.dataset.username) return;
  document.querySelector('meta[name="csrf-token"]')?.setAttribute("content", answer.csrf_token);
  for (const field of document.querySelectorAll('input[name="csrfmiddlewaretoken"]')) {
    field.value = answer.csrf_token;
  }
  signIn = answer.sign_in;
  clearTimeout(timer);
  share(answer);
  // Said only to a page that had said the session ended: to others nothing changed.
  if (dialog.open) {
    show(
      "You are signed in again",
      "What you typed on this page can be saved now.",
      dialog.querySelector(".close"),
    );
  }
  waitToWarn();
}

if (dialog) {
  signIn = dialog.dataset.signIn;
  measureSkew();
  share({ ends: dialog.dataset.ends, latest: dialog.dataset.latest, sign_in: signIn });
  dialog.querySelector(".stay").addEventListener("click", staySignedIn);
  dialog.querySelector(".close").addEventListener("click", () => dialog.close());
  window.addEventListener("storage", (event) => {
    if (event.key !== KEY) return;
    if (shared().sign_in === signIn) update();
    else takeUp();
  });
  update();
}
