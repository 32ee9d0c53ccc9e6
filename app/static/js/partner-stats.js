// The partner's statistics page: the daily chart (vendored ECharts), data from the element's data-chart.
(function () {
  "use strict";
  var el = document.getElementById("daily-chart");
  if (!el || !window.echarts) { return; }
  var data = JSON.parse(el.getAttribute("data-chart") || "{}");
  var chart = window.echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    color: ["#d9d9d9", "#c8102e"],
    grid: { left: 32, right: 8, top: 30, bottom: 24 },
    legend: { top: 0, itemWidth: 12, itemHeight: 8 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.dates || [], axisLabel: { fontSize: 10 } },
    yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 10 } },
    series: [
      { name: el.getAttribute("data-label-issued"), type: "bar", data: data.issued || [], barGap: "-100%" },
      { name: el.getAttribute("data-label-redeemed"), type: "bar", data: data.redeemed || [] }
    ]
  });
  el.setAttribute("data-rendered", "1");
  window.addEventListener("resize", function () { chart.resize(); });
})();
