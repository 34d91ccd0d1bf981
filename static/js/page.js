// What every page does (no inline script: the CSP forbids it):
// - "Are you sure?" before the actions that cannot simply be undone: a button or form with data-confirm asks first
//   (submitting, approving which locks the quarter, unlocking, regenerating a briefing, reminders);
// - a button with data-once cannot be pressed twice while its form is sent;
// - a button with data-print prints the page, and printing opens the data tables folded under the charts.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.chart-table").forEach(function (details) {
      details.setAttribute("data-was-open", details.open ? "1" : "0");
      details.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details.chart-table[data-was-open='0']").forEach(function (details) {
      details.open = false;
    });
  });
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);
  // A form's button cannot be pressed twice while the page is sent (a double click, a slow upload).
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }
    var button = event.submitter;
    if (button && button.hasAttribute("data-once")) {
      setTimeout(function () { button.disabled = true; }, 0);
    }
  });
})();
