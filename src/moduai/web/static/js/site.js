// Page behaviour without inline script (the Content-Security-Policy allows scripts from this site only).
// - <a data-back>: go back in history (falls back to the link's href);
// - <select data-autosubmit>: submit its form on change;
// - <button class="copybtn" data-target="id">: copy that element's text;
// - <div data-figure="json-id" [data-config='{…}']>: draw the Plotly figure stored in
//   <script type="application/json" id="json-id"> (with that Plotly config, else the default one);
// - <div id="chart-major">: the 상권 report's 대분류 bar chart from #chart-major-data.
(function () {
  function ready(fn) {
    if (document.readyState !== 'loading') fn(); else document.addEventListener('DOMContentLoaded', fn);
  }
  function json(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  ready(function () {
    document.querySelectorAll('a[data-back]').forEach(function (a) {
      a.addEventListener('click', function (evt) {
        if (window.history.length > 1) { evt.preventDefault(); window.history.back(); }
      });
    });
    document.querySelectorAll('select[data-autosubmit]').forEach(function (sel) {
      sel.addEventListener('change', function () { sel.form.submit(); });
    });
    document.querySelectorAll('.copybtn').forEach(function (btn) {
      btn.addEventListener('click', function () {
        var el = document.getElementById(btn.dataset.target);
        var done = function () { btn.textContent = '복사됨'; setTimeout(function () { btn.textContent = '복사'; }, 1500); };
        var fallback = function () {
          var r = document.createRange(); r.selectNodeContents(el);
          var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
          var ok = false;
          try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
          if (ok) { done(); } else { btn.textContent = '선택됨: Ctrl+C'; }
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(el.innerText).then(done, fallback);
        } else {
          fallback();
        }
      });
    });
    if (!window.Plotly) return;
    document.querySelectorAll('[data-figure]').forEach(function (div) {
      var fig = json(div.dataset.figure);
      var config = div.dataset.config ? JSON.parse(div.dataset.config)
        : {displaylogo: false, responsive: true, locale: 'ko'};
      if (fig) Plotly.newPlot(div.id, fig.data, fig.layout, config);
    });
    var major = json('chart-major-data');
    if (major && major.names.length) {
      Plotly.newPlot('chart-major', [{type: 'bar', orientation: 'h', x: major.counts.slice().reverse(),
        y: major.names.slice().reverse(), marker: {color: '#1d4e89'}, hovertemplate: '%{y}: %{x}곳<extra></extra>'}],
        {margin: {l: 10, r: 10, t: 10, b: 40}, height: 320, font: {family: 'sans-serif'},
         xaxis: {title: {text: '점포 수'}}, yaxis: {automargin: true}},
        {displayModeBar: false, responsive: true});
    }
  });
})();
