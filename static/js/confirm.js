// "Are you sure?" before the actions that cannot simply be undone: a button or form with data-confirm asks first
// (submitting, approving which locks the quarter, unlocking, regenerating a briefing, reminders). No inline script.
(function () {
  "use strict";
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
