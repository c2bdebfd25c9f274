// Dashboards: draw each panel's chart from the JSON in its canvas's data-chart attribute. The table
// beside it holds the same numbers, so the page is complete without JavaScript; this only adds the pictures.
(function () {
  "use strict";
  var palettes = {
    "": ["#1f4e79", "#b4541a", "#1e6b3a", "#5b2a86", "#8a5a00", "#4a5568"],
    // Strongly disagree → strongly agree: warm to cool, readable by most colour-blind readers.
    likert: ["#b2182b", "#ef8a62", "#b8b8b8", "#67a9cf", "#2166ac"]
  };
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // Long category labels (survey statements, prompt titles) are shortened to one line so rows never
  // overlap; a trailing "(before)" or "(after)" is kept. The tooltip and the table give the full text.
  var LABEL_MAX = 44;
  function shorten(label) {
    if (typeof label !== "string" || label.length <= LABEL_MAX) return label;
    var suffix = (label.match(/ \((before|after)\)$/) || [""])[0];
    return label.slice(0, LABEL_MAX - suffix.length - 1).trimEnd() + "\u2026" + suffix;
  }

  function draw(canvas) {
    if (typeof window.Chart === "undefined") return;
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    var previous = window.Chart.getChart(canvas);
    if (previous) previous.destroy();
    var palette = palettes[spec.palette || ""] || palettes[""];
    var datasets = spec.datasets.map(function (d, i) {
      var color = palette[i % palette.length];
      return Object.assign({}, d, {
        backgroundColor: (d.type || spec.type) === "line" ? color : color + "cc",
        borderColor: color,
        borderWidth: (d.type || spec.type) === "line" ? 2 : 1,
        pointRadius: 3,
        tension: 0.2,
        spanGaps: false  // a hidden (suppressed) figure stays a visible gap
      });
    });
    var valueAxis = {
      stacked: spec.stacked, beginAtZero: true, max: spec.max === null ? undefined : spec.max,
      title: { display: Boolean(spec.yTitle), text: spec.yTitle },
      ticks: { precision: 0 }
    };
    var categoryAxis = { stacked: spec.stacked, ticks: { autoSkip: !spec.horizontal } };
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels.map(shorten), datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 250 },
        indexAxis: spec.horizontal ? "y" : "x",
        scales: spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 14 } },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? spec.labels[items[0].dataIndex] : ""; },
              label: function (ctx) {
                var value = ctx.raw === null ? "hidden (too few people)" : ctx.formattedValue;
                return ctx.dataset.label + ": " + value;
              }
            }
          }
        }
      }
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
})();
