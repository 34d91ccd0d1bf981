// The class form: the program list offers only the programs in force on the start date typed (each <option>
// carries data-from / data-to, yyyy-mm-dd; the server refuses the others too), and the fields of the scored rules
// (số tiết, giảng viên chủ nhiệm, giáo vụ) are shown for a class starting on or after the day they apply.
(function () {
  "use strict";
  var start = document.querySelector("input[data-start]");
  var select = document.querySelector("select[data-programs]");
  if (!start || !select) { return; }
  var scored = document.querySelector("[data-scored-since]");
  var scoredRow = scored ? scored.closest(".scored-fields") : null;
  var since = scored ? scored.getAttribute("data-scored-since") : null;

  function typedDay() {
    var match = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})\s*$/.exec(start.value);
    if (!match) { return null; }
    var pad = function (n) { return (n.length < 2 ? "0" : "") + n; };
    return match[3] + "-" + pad(match[2]) + "-" + pad(match[1]);
  }

  function update() {
    var day = typedDay();
    Array.prototype.forEach.call(select.querySelectorAll("option[data-from]"), function (option) {
      var from = option.getAttribute("data-from");
      var to = option.getAttribute("data-to");
      var inForce = !day || (from <= day && (!to || day <= to));
      option.hidden = !inForce;
      option.disabled = !inForce;
      if (!inForce && option.selected) { select.value = ""; }
    });
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      group.hidden = !group.querySelector("option:not([disabled])");
    });
    if (scoredRow && since) {
      var hasValue = Array.prototype.some.call(scoredRow.querySelectorAll("input, select"), function (field) {
        return field.value;
      });
      scoredRow.hidden = !!day && day < since && !hasValue;
    }
  }
  start.addEventListener("input", update);
  start.addEventListener("change", update);
  update();
})();
