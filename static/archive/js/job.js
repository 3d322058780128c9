// A job's page while the job runs: every two seconds it reads the page again and puts
// the new state in place, without reloading: focus, scroll position and a screen
// reader's place stay where they are, and only a change of status is announced.
// "Pause updates" stops it (WCAG 2.2.2). With ?go=1 the server answers a finished
// job with its result, which this then opens.
const running = document.querySelector("[data-job-running]");
const state = document.getElementById("job-state");
const said = document.querySelector("[data-job-said]");
const pause = running?.querySelector("[data-job-pause]");
const EVERY = 2000;
let timer = null;
let paused = false;

const statusOf = (root) => root.querySelector("[data-job-status]")?.textContent.trim() ?? "";

function schedule() {
  if (!paused) timer = setTimeout(look, EVERY);
}

// Where focus was among the state's links and buttons, to put it back after the swap.
function focusedIndex() {
  const focusable = [...state.querySelectorAll("a, button")];
  return focusable.indexOf(document.activeElement);
}

async function look() {
  let response;
  try {
    response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  } catch {
    schedule(); // offline for a moment: try again
    return;
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById("job-state");
  if (response.redirected || !fresh) {
    // The job is done and the server sends us on to its result: load it for real,
    // so that its page says what the job did.
    window.location.reload();
    return;
  }
  if (fresh.innerHTML !== state.innerHTML) {
    const before = statusOf(state);
    const focused = focusedIndex();
    state.replaceChildren(...fresh.childNodes);
    document.title = page.title; // it says the job's status too
    if (focused >= 0) state.querySelectorAll("a, button")[focused]?.focus();
    const now = statusOf(state);
    if (now !== before) said.textContent = `Status: ${now}`;
  }
  if (page.querySelector("[data-job-running]")) {
    schedule();
  } else {
    running.hidden = true;
  }
}

if (running && state) {
  pause.hidden = false;
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
    pause.textContent = paused ? "Resume updates" : "Pause updates";
    clearTimeout(timer);
    if (!paused) look();
  });
  schedule();
}
