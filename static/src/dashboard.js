// The instructor dashboard's charts, drawn by Chart.js (bundled by esbuild, no CDN).
// Each chart has a table with the same numbers next to it; the charts only add a picture.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(
  BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement,
  PointElement, Tooltip,
);

const data = JSON.parse(document.getElementById("dashboard-data").textContent);
// Charts are decorative next to their tables: no animation, so screenshots and tests are stable.
Chart.defaults.animation = false;

function curveChart(canvas, points) {
  return new Chart(canvas, {
    type: "line",
    data: {
      labels: points.map((p) => String(p.x)),
      datasets: [{
        label: "solved within k checks (%)",
        data: points.map((p) => p.y),
        borderColor: "#2456a6",
        backgroundColor: "#2456a6",
        stepped: "before",
      }],
    },
    options: {
      maintainAspectRatio: false,
      scales: {
        x: { title: { display: true, text: "checks (k)" } },
        y: { min: 0, max: 100, title: { display: true, text: "% of learner-exercises" } },
      },
    },
  });
}

function barChart(canvas, rows, label, color) {
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map((r) => r[0]),
      datasets: [{ label, data: rows.map((r) => r[1]), backgroundColor: color }],
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "sessions" } } },
    },
  });
}

curveChart(document.getElementById("chart-curve"), data.curve);
barChart(document.getElementById("chart-eq"), data.eq, "study sessions by EQ", "#a65d24");
barChart(document.getElementById("chart-red"), data.red, "study sessions by RED", "#6d3fa0");
document.documentElement.dataset.chartsReady = "true";
