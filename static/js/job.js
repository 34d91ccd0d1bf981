// A background job's page: read its state from the JSON endpoint every 1,5 s until it ends (no inline script: CSP).
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box || box.getAttribute("data-job-finished") === "1") { return; }
  var url = box.getAttribute("data-job-status-url");
  function show(data) {
    box.querySelector("[data-job-state]").textContent = data.state_label;
    box.querySelector("[data-job-progress]").value = data.progress;
    var message = box.querySelector("[data-job-message]");
    message.textContent = data.message;
    if (data.state === "failed") { message.className = "text-danger"; message.setAttribute("role", "alert"); }
    if (data.download) {
      var link = box.querySelector("[data-job-download]");
      link.href = data.download;
      link.classList.remove("d-none");
    }
    var wait = box.querySelector("[data-job-wait]");
    if (data.finished && wait) { wait.remove(); }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) { show(data); if (!data.finished) { setTimeout(poll, 1500); } })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 800);
})();
