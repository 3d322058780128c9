// A form that came back from the server with errors starts with their summary
// (templates/archive/_error_summary.html): the focus starts there, where a keyboard
// or screen reader user learns what to correct and follows a link to the field.
document.querySelector(".error-summary")?.focus();
