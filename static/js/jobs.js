// Background jobs: a progress box names its JSON endpoint in data-job-url (the CSP forbids inline scripts).
// The endpoint answers {progress, done} and may add step and status; when the job is done the page reloads to
// show the outcome. Used by the import pages and the fair's matching job.
// Without this file the page refreshes itself (meta refresh) and offers a link.
(function () {
  "use strict";

  function watchJob(box) {
    var bar = box.querySelector("progress");
    var percent = box.querySelector("[data-job-percent]");
    var step = box.querySelector("[data-job-step]");
    var status = box.querySelector("[data-job-status]");
    function poll() {
      fetch(box.dataset.jobUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
        .then(function (job) {
          bar.value = job.progress;
          bar.textContent = job.progress + "%";
          if (percent) { percent.textContent = job.progress; }
          if (step && job.step) { step.textContent = job.step; }
          if (status && job.status) { status.textContent = job.status; }
          if (job.done) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    if (box.dataset.jobDone !== "true") { poll(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job-url]").forEach(watchJob);
  });
}());
