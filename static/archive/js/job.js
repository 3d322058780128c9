// A job's page while the job runs: look again every two seconds (the page then
// shows the result, or opens it when it was asked to with ?go=1).
const running = document.querySelector("[data-job-running]");
if (running) {
  setTimeout(() => window.location.reload(), 2000);
}
