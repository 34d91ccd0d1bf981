/* Dashboard charts: data comes from the page (json_script), nothing is fetched. No inline script. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var nf = new Intl.NumberFormat("vi-VN");
  var red = "#a50f15", blue = "#2c7fb8", grey = "#9e9e9e", light = "#f4a582";
  // Each result its own colour, whichever scale the period shows (xuất sắc only where scored classes are counted).
  var resultColors = { xuat_sac: "#006837", gioi: "#1a9850", kha: "#91cf60", trung_binh: "#fee08b",
                       khong_dat: "#fc8d59", bo_hoc: "#d73027" };
  Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif";
  Chart.defaults.animation = false;
  var numberTicks = { precision: 0, callback: function (v) { return nf.format(v); } };  // counts: whole steps
  var tooltip = { callbacks: { label: function (c) { return c.dataset.label + ": " + nf.format(c.parsed.y !== undefined && c.chart.options.indexAxis !== "y" ? c.parsed.y : c.parsed.x); } } };

  function make(id, config) {
    var el = document.getElementById(id);
    if (el) { new Chart(el, config); }
  }

  make("chart-programs", {
    type: "bar",
    data: { labels: data.programs.labels, datasets: [
      { label: "Số lớp", data: data.programs.classes, backgroundColor: red, yAxisID: "y" },
      { label: "Lượt học viên", data: data.programs.enrolments, backgroundColor: blue, yAxisID: "y1" }
    ] },
    options: { maintainAspectRatio: false, plugins: { tooltip: tooltip }, scales: {
      y: { position: "left", title: { display: true, text: "Số lớp" }, ticks: numberTicks },
      y1: { position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "Lượt học viên" }, ticks: numberTicks }
    } }
  });

  make("chart-trend", {
    type: "line",
    data: { labels: data.trend.labels, datasets: [
      { label: "Số lớp", data: data.trend.classes, borderColor: red, backgroundColor: red, tension: 0.2 },
      { label: "Cùng kỳ năm trước", data: data.trend.classes_before, borderColor: grey, backgroundColor: grey, borderDash: [6, 4], tension: 0.2 }
    ] },
    options: { maintainAspectRatio: false, plugins: { tooltip: tooltip }, scales: { y: { beginAtZero: true, ticks: numberTicks } } }
  });

  make("chart-units", {
    type: "bar",
    data: { labels: data.units.labels, datasets: [{ label: "Số lớp", data: data.units.classes, backgroundColor: red }] },
    options: { indexAxis: "y", maintainAspectRatio: false, plugins: { legend: { display: false }, tooltip: tooltip },
      scales: { x: { beginAtZero: true, ticks: numberTicks } } }
  });

  make("chart-results", {
    type: "bar",
    data: { labels: data.results.labels, datasets: data.results.series.map(function (s, i) {
      return { label: s.label, data: s.data, backgroundColor: resultColors[s.key] || grey };
    }) },
    options: { maintainAspectRatio: false, plugins: { tooltip: tooltip },
      scales: { x: { stacked: true }, y: { stacked: true, ticks: numberTicks } } }
  });

  make("chart-formats", {
    type: "doughnut",
    data: { labels: data.formats.labels, datasets: [{ label: "Số lớp", data: data.formats.classes, backgroundColor: [red, blue, light] }] },
    options: { maintainAspectRatio: false, plugins: { legend: { position: "right" } } }
  });

  /* Printing: redraw the charts at the printed size (Chart.js otherwise keeps the screen size). */
  window.addEventListener("beforeprint", function () {
    Object.values(Chart.instances).forEach(function (chart) { chart.resize(); });
  });
  window.addEventListener("afterprint", function () {
    Object.values(Chart.instances).forEach(function (chart) { chart.resize(); });
  });

  /* Sortable tables: a button in each header sorts by the cells' data-value. */
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      var button = th.querySelector("button.sort");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var body = table.tBodies[0];
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var text = button.dataset.type === "text";
        Array.from(body.rows).sort(function (a, b) {
          var x = a.cells[index].dataset.value, y = b.cells[index].dataset.value;
          var order = text ? x.localeCompare(y, "vi") : parseFloat(x) - parseFloat(y);
          return ascending ? order : -order;
        }).forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
