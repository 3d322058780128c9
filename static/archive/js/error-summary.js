// A form that came back from the server with errors starts with their summary
// (templates/archive/_error_summary.html): the focus starts there, where a keyboard
// or screen reader user learns what to correct and follows a link to the field. The
// page's title says so too, the first thing a screen reader reads of a page.
const summary = document.querySelector(".error-summary");
if (summary) {
  summary.focus();
  if (!document.title.startsWith("Error: ")) document.title = `Error: ${document.title}`;
}
