// fetch() with the CSRF token (from <meta name="csrf-token">: the cookie is
// HttpOnly) and JSON both ways. Never throws: a network failure or a reply
// that is not JSON becomes {ok: false, data: {error}} for the page to show.

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content ?? "";
}

export async function requestJSON(url, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, status: 0, data: { error: "The server could not be reached. Nothing was saved." } };
  }
  try {
    return { ok: response.ok, status: response.status, data: await response.json() };
  } catch {
    // Not JSON: e.g. the login page after the session ended, or a proxy's error page.
    const error = response.redirected
      ? "Your session has ended: log in again in another tab, then retry. Nothing was saved."
      : `The server answered ${response.status} ${response.statusText}. Nothing was saved.`;
    return { ok: false, status: response.status, data: { error } };
  }
}
