// Charts of the 年次報告 page, drawn from the tables' own figures (no inline script: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") return;
  const charts = JSON.parse(source.textContent);
  const colors = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#adb5bd", "#dc3545", "#20c997", "#6c757d"];
  const byTitle = Object.fromEntries(charts.map((c) => [c.title, c]));

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const chart = byTitle[canvas.dataset.chart];
    if (!chart) return;
    const spec = chart.spec;
    const rows = chart.rows;
    let config;
    if (spec.type === "monthly" || spec.type === "trend") {
      const end = spec.type === "monthly" ? chart.header.length - 1 : chart.header.length;
      const labels = chart.header.slice(1, end);
      const datasets = spec.categories.map((name, i) => ({
        type: "bar", label: name, data: rows[i].slice(1, end), backgroundColor: colors[i], yAxisID: "y",
      }));
      const ratio = rows[rows.length - 1];
      datasets.push({
        type: "line", label: ratio[0], data: ratio.slice(1, end).map((v) => (v === null ? null : v * 100)),
        borderColor: colors[5], backgroundColor: colors[5], yAxisID: "y1",
      });
      config = {
        data: { labels, datasets },
        options: {
          maintainAspectRatio: false,
          scales: {
            y: { stacked: true, title: { display: true, text: "件数" } },
            y1: { position: "right", min: 0, title: { display: true, text: "%" }, grid: { drawOnChartArea: false } },
            x: { stacked: true },
          },
        },
      };
    } else if (spec.type === "regions") {
      const body = rows.slice(0, -1);
      config = {
        type: "bar",
        data: {
          labels: body.map((r) => r[0]),
          datasets: [
            { label: chart.header[2], data: body.map((r) => (r[2] === null ? 0 : r[2] * 100)), backgroundColor: colors[0] },
            { label: chart.header[4], data: body.map((r) => (r[4] === null ? 0 : r[4] * 100)), backgroundColor: colors[1] },
          ],
        },
        options: { maintainAspectRatio: false, scales: { y: { title: { display: true, text: "%" } } } },
      };
    } else if (spec.type === "ages") {
      const groups = [...new Set(rows.map((r) => r[1]))];
      config = {
        type: "bar",
        data: {
          labels: groups,
          datasets: spec.programs.map((program, i) => ({
            label: program,
            data: groups.map((g) => {
              const row = rows.find((r) => r[0] === program && r[1] === g);
              return row && row[3] !== null ? row[3] * 100 : 0;
            }),
            backgroundColor: colors[i],
          })),
        },
        options: { maintainAspectRatio: false, scales: { y: { title: { display: true, text: "%" } } } },
      };
    }
    if (config) new Chart(canvas, config);
  });
  // Printing: draw each chart at the width of its printed column, and back after.
  const resizeAll = () => Object.values(Chart.instances).forEach((chart) => chart.resize());
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
});
