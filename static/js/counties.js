/* County page charts: fetch the county's series (CSP forbids inline data) and draw one line chart per kind
   of indicator (coverage %, amounts, counts, areas), so figures of one scale share an axis. */
(function () {
  "use strict";
  const KINDS = ["percent", "amount_wan", "count", "area_m2", "boolean"];

  function chartFor(container, kind, labels, datasets) {
    const figure = document.createElement("figure");
    figure.className = "counties-chart";
    const caption = document.createElement("figcaption");
    caption.textContent = container.dataset["title" + kind.replace(/(^|_)(\w)/g, (m, u, c) => c.toUpperCase())] ||
      container.getAttribute("data-title-" + kind) || kind;
    const box = document.createElement("div");
    box.className = "chart-box";
    const canvas = document.createElement("canvas");
    canvas.dataset.kind = kind;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", caption.textContent);
    box.appendChild(canvas);
    figure.append(caption, box);
    container.appendChild(figure);
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: datasets.map((d) => ({
          label: d.label + (d.unit ? " (" + d.unit + ")" : ""),
          data: d.values.map((v) => (v === null ? null : Number(v))),
          spanGaps: true,
          tension: 0.2,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: kind === "percent" ? { y: { min: 0, max: 100 } } : { y: { beginAtZero: true } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  async function draw(container) {
    const response = await fetch(container.dataset.seriesUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) return;
    const series = await response.json();
    container.replaceChildren();
    if (!series.datasets.length) {
      const empty = document.createElement("p");
      empty.className = "muted";
      empty.textContent = container.dataset.empty || "";
      container.appendChild(empty);
    }
    for (const kind of KINDS) {
      const datasets = series.datasets.filter((d) => d.kind === kind);
      if (datasets.length) chartFor(container, kind, series.periods, datasets);
    }
    container.dataset.ready = "true";
  }

  function start() {
    if (!window.Chart) return;
    document.querySelectorAll("[data-series-url]").forEach(draw);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
