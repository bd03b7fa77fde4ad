// Fairs: the live dashboard (the matching job's progress bar is static/js/jobs.js). Data comes from JSON
// endpoints named in data-* attributes (the CSP forbids inline scripts); every page still shows its figures without this file.
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); });
  }

  // ---- dashboard ----
  var charts = {};

  function formatStat(el, value) {
    if (el.dataset.format === "percent") { return (parseFloat(value) * 100).toFixed(1) + "%"; }
    return String(value);
  }

  function drawChart(canvas, rows, labels) {
    if (typeof window.Chart === "undefined") { return; }
    var top = rows.slice(0, 12);
    var data = {
      labels: top.map(function (r) { return r.name; }),
      datasets: [
        {label: labels[0], data: top.map(function (r) { return parseFloat(r.intent_amount); }), backgroundColor: "#9ccc65"},
        {label: labels[1], data: top.map(function (r) { return parseFloat(r.deal_amount); }), backgroundColor: "#2e7d32"}
      ]
    };
    var key = canvas.dataset.chart;
    if (charts[key]) {
      charts[key].data = data;
      charts[key].update();
    } else {
      charts[key] = new window.Chart(canvas, {type: "bar", data: data,
        options: {responsive: true, maintainAspectRatio: false, animation: false, indexAxis: "y"}});
    }
  }

  function render(box, stats) {
    box.querySelectorAll("[data-stat]").forEach(function (el) {
      var key = el.dataset.stat;
      if (key in stats) { el.textContent = formatStat(el, stats[key]); }
    });
    var grid = box.querySelector("[data-chart-labels]");
    var labels = grid ? grid.dataset.chartLabels.split("|") : ["intent", "deal"];
    box.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      drawChart(canvas, stats[canvas.dataset.chart] || [], labels);
    });
    var stamp = box.querySelector("[data-updated]");
    if (stamp) { stamp.textContent = new Date().toLocaleTimeString(); }
    box.dataset.loaded = "true";
  }

  function watchStats(box) {
    var seconds = parseInt(box.dataset.refreshSeconds || "0", 10);
    function load() {
      getJSON(box.dataset.statsUrl).then(function (stats) { render(box, stats); })
        .catch(function () { /* keep the last figures; try again next round */ })
        .then(function () { if (seconds > 0) { window.setTimeout(load, seconds * 1000); } });
    }
    load();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-stats-url]").forEach(watchStats);
  });
}());
