// 현장 AI 결과: "확대" links zoom the timeline chart to one anomaly and show only that sensor.
// (Moved out of the template: the Content-Security-Policy allows scripts from this site only.)
document.querySelectorAll("a.zoom").forEach(function (el) {
    el.addEventListener("click", function () {
      var gd = document.getElementById("timeline");
      if (!gd || !window.Plotly) return;
      var x0 = el.dataset.x0, x1 = el.dataset.x1;
      if (!isNaN(Number(x0))) { x0 = Number(x0) - 20; x1 = Number(x1) + 20; }
      var upd = {"xaxis.range": [x0, x1], "yaxis.autorange": true};
      Plotly.relayout(gd, upd);
      var name = el.dataset.sensor;
      if (name) {
        var vis = gd.data.map(function (t) { return t.name === "이상 구간" || (t.name || "").indexOf(name) === 0 ? true : "legendonly"; });
        Plotly.restyle(gd, {visible: vis});
      }
    });
  });
