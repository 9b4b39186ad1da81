// The dashboards' charts (stats/views/charts.py). Each <div data-chart="id"> names the
// <script type="application/json" id="id"> json_script wrote (no inline script: the
// Content-Security-Policy allows none). A click on a bar, point or slice opens the list
// behind it: the same address the table's cell links to, so the page works without
// JavaScript too.
(function () {
  "use strict";
  if (!window.echarts) {
    return;
  }

  function axisOption(spec, percent) {
    var values = {
      type: "value",
      axisLabel: percent ? { formatter: "{value}%" } : {},
      max: percent ? 100 : null,
      minInterval: percent ? null : 1, // counts of packs and cases: no 0.2 of a case
    };
    var categories = {
      type: "category",
      data: spec.categories,
      axisLabel: { interval: 0, hideOverlap: true },
    };
    if (spec.kind === "hbar") {
      categories.inverse = true;
      categories.axisLabel = { width: 140, overflow: "truncate" };
      return { xAxis: values, yAxis: categories };
    }
    return { xAxis: categories, yAxis: values };
  }

  function option(spec) {
    var percent = spec.series.length > 0 && spec.series[0].unit === "percent";
    if (spec.kind === "pie") {
      var only = spec.series[0];
      return {
        tooltip: { trigger: "item" },
        legend: { bottom: 0, type: "scroll" },
        series: [
          {
            type: "pie",
            name: only.name,
            radius: ["35%", "65%"],
            data: spec.categories.map(function (name, i) {
              return { name: name, value: only.data[i] };
            }),
          },
        ],
      };
    }
    var base = {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: spec.kind === "hbar" ? 150 : 50, right: 20, top: 36, bottom: 30 },
      series: spec.series.map(function (s) {
        return {
          type: spec.kind === "line" ? "line" : "bar",
          name: s.name,
          data: s.data,
          symbolSize: 8,
          connectNulls: false,
          stack: spec.stacked ? "total" : undefined,
        };
      }),
    };
    var axes = axisOption(spec, percent);
    base.xAxis = axes.xAxis;
    base.yAxis = axes.yAxis;
    return base;
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var chart = window.echarts.init(el);
    // Marked once drawn (animations done): a test clicks a bar only when it is there.
    chart.on("finished", function () {
      el.setAttribute("data-drawn", "");
    });
    chart.setOption(option(spec));
    chart.on("click", function (params) {
      var series = spec.series[params.seriesIndex];
      var url = series && series.urls[params.dataIndex];
      if (url) {
        window.location.assign(url);
      }
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  document.querySelectorAll("[data-chart]").forEach(draw);
})();
