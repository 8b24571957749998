// The learner's journal charts, drawn by Chart.js (the library the instructor dashboard uses,
// bundled by esbuild, no CDN). The server chose the time axis (span, round ticks and labels);
// the page keeps the same numbers as tables, so the picture only adds a view of them.
import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);
Chart.defaults.animation = false; // calm, and screenshots and tests see the final picture
Chart.defaults.font.family = "system-ui, sans-serif";
Chart.defaults.color = "#57606a";

const data = JSON.parse(document.getElementById("journal-chart-data").textContent);
const labelAt = new Map(data.axis.ticks.map((t) => [t.value, t.label]));

function timeAxis() {
  return {
    type: "linear",
    min: data.axis.min,
    max: data.axis.max,
    title: { display: true, text: "Date and time (UTC)" },
    // Round times chosen by the server instead of Chart.js's round numbers of milliseconds.
    afterBuildTicks: (axis) => {
      axis.ticks = data.axis.ticks.map((t) => ({ value: t.value }));
    },
    ticks: { autoSkip: true, maxRotation: 0, callback: (value) => labelAt.get(value) ?? "" },
    grid: { color: "#eaeef2" },
  };
}

function tooltip() {
  return { callbacks: { label: (item) => item.raw.label, title: () => "" } };
}

function draw(canvas, datasets, y) {
  if (!canvas) return null; // nothing to plot yet: the page says so instead of empty axes
  return new Chart(canvas, {
    type: "line",
    data: { datasets },
    options: {
      maintainAspectRatio: false,
      parsing: false,
      scales: { x: timeAxis(), y },
      plugins: { tooltip: tooltip(), legend: { labels: { usePointStyle: true, boxWidth: 8, boxHeight: 8 } } },
    },
  });
}

draw(
  document.getElementById("chart-solves"),
  [{
    label: "checks to solve",
    data: data.solves,
    borderColor: "#0b5cad",
    backgroundColor: "#0b5cad",
    pointStyle: "circle",
    pointRadius: 5,
    borderWidth: 1.5,
  }],
  {
    beginAtZero: true,
    suggestedMax: 4,
    ticks: { precision: 0 },
    title: { display: true, text: "checks" },
  },
);

draw(
  document.getElementById("chart-eq"),
  [
    {
      label: "EQ per session",
      data: data.eqs,
      clip: 8, // a session at EQ 1 sits on the top edge: draw its whole mark, not half of it
      borderColor: "#6639ba",
      backgroundColor: "#6639ba",
      pointStyle: "rect",
      pointRadius: 5,
      borderWidth: 1.5,
    },
    {
      label: `break offered from ${data.threshold}`,
      data: [
        { x: data.axis.min, y: data.threshold, label: `break offered from EQ ${data.threshold}` },
        { x: data.axis.max, y: data.threshold, label: `break offered from EQ ${data.threshold}` },
      ],
      borderColor: "#7a4d00",
      backgroundColor: "#7a4d00",
      borderDash: [6, 4],
      pointRadius: 0,
      pointStyle: "line",
      borderWidth: 1.5,
    },
  ],
  {
    min: 0,
    max: 1,
    ticks: { stepSize: 0.25, callback: (value) => String(value) },
    title: { display: true, text: "EQ" },
  },
);

document.getElementById("journal-charts").dataset.state = "ready";
