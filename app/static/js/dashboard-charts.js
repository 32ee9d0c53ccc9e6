// Outlet dashboard: draw the figures the page already shows as ECharts bar charts.
// The numbers come from the JSON in #dashboard-data (rendered by the server); this file only draws.
(function () {
  "use strict";
  var holder = document.getElementById("dashboard-data");
  if (!holder || !window.echarts) { return; }
  var figures;
  try { figures = JSON.parse(holder.getAttribute("data-figures")); } catch (e) { return; }
  var charts = [];

  function barOption(rows) {
    var names = rows.map(function (r) { return r.name; }).reverse();
    return {
      animation: false,
      color: ["#c8102e", "#07c160"],
      grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
      legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 12 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eee" } } },
      yAxis: { type: "category", data: names, axisLabel: { width: 110, overflow: "truncate", fontSize: 12 } },
      series: [
        { name: "签到", type: "bar", data: rows.map(function (r) { return r.checked_in; }).reverse(), barMaxWidth: 14 },
        { name: "转化", type: "bar", data: rows.map(function (r) { return r.conversions; }).reverse(), barMaxWidth: 14 }
      ]
    };
  }

  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var period = figures[box.getAttribute("data-period")] || {};
    var rows = period[box.getAttribute("data-chart")] || [];
    if (!rows.length) { box.hidden = true; return; }
    box.classList.add("chart--rows-" + Math.min(rows.length, 8));
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.setOption(barOption(rows));
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
