// ホーム of a supervisor: consultations per month and office (no inline script: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("supervision-trend");
  const canvas = document.getElementById("trend-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const trend = JSON.parse(source.textContent);
  const colors = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#adb5bd", "#dc3545"];
  new Chart(canvas, {
    type: "line",
    data: {
      labels: trend.labels,
      datasets: trend.datasets.map((d, i) => ({ ...d, borderColor: colors[i % colors.length], backgroundColor: colors[i % colors.length] })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "件数" } } },
    },
  });
});
