// Fairs: the matching job's progress bar and the live dashboard. Data comes from JSON endpoints named in
// data-* attributes (the CSP forbids inline scripts); every page still shows its figures without this file.
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); });
  }

  // ---- progress bar of the suggestions job ----
  function watchJob(box) {
    var bar = box.querySelector("progress");
    var status = box.querySelector("[data-job-status]");
    var percent = box.querySelector("[data-job-percent]");
    function poll() {
      getJSON(box.dataset.jobUrl).then(function (job) {
        bar.value = job.progress;
        bar.textContent = job.progress + "%";
        if (status) { status.textContent = job.status; }
        if (percent) { percent.textContent = job.progress; }
        if (job.done) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      }).catch(function () { window.setTimeout(poll, 3000); });
    }
    if (box.dataset.jobDone !== "true") { poll(); }
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
    document.querySelectorAll("[data-job-url]").forEach(watchJob);
    document.querySelectorAll("[data-stats-url]").forEach(watchStats);
  });
}());
