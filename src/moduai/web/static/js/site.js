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
  // Charts that fit a 390 px phone as well as a laptop. Plotly draws its title on one line (it cannot wrap) and
  // a legend placed under the plot in paper units lands on the x-axis title once the plot gets short and the
  // labels wrap; both overlapped on phones. So: the figure's title goes into the page just above the chart
  // (HTML wraps it), the legend goes above the plot area (plotly grows the top margin for it), and the axes
  // make room for their own labels (automargin). The figure documents (JSON) keep their title.
  function legendEntries(data) {
    // traces that show a legend entry (plotly hides it for a single trace unless showlegend is set)
    var shown = (data || []).filter(function (t) { return t.showlegend !== false; });
    return shown.length > 1 ? shown.length : 0;
  }

  function textBeside(div, id, cls, text, before) {
    var p = document.getElementById(id) || document.createElement('p');
    p.id = id;
    p.className = cls;
    p.textContent = text;
    if (!p.parentNode) div.parentNode.insertBefore(p, before ? div : div.nextSibling);
  }

  function plainTitle(title) {
    var text = title && (typeof title === 'string' ? title : title.text);
    return text ? String(text).replace(/<br\s*\/?>/g, ' ') : '';
  }

  function fitLayout(div, layout, data) {
    var narrow = div.clientWidth < 600;
    var title = plainTitle(layout.title);
    if (title) {
      textBeside(div, div.id + '-title', 'chart-title', title, true);
      layout.title = {text: ''};
    }
    var margin = Object.assign({}, layout.margin || {});
    margin.t = 10;  // the title is no longer inside the figure
    var legend = layout.legend || {};
    var entries = legendEntries(data);
    if (narrow && entries) {
      // a phone: one legend entry per line, above the plot (plotly grows the top margin for a legend placed
      // there, so it can neither cover the bars nor run into the axis labels); the figure grows by as much,
      // so the plot keeps its height. (A legend placed in container units pushed the plot to the right.)
      layout.legend = Object.assign({}, legend, {orientation: 'v', xref: 'paper', yref: 'paper', x: 0,
                                                 xanchor: 'left', y: 1.02, yanchor: 'bottom', font: {size: 12},
                                                 tracegroupgap: 0});
      if (layout.height) layout.height += Math.min(entries, 14) * 19 + 14;
    } else if (legend.orientation === 'h') {
      layout.legend = Object.assign({}, legend, {x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom'});
    }
    if (narrow) { margin.l = Math.min(margin.l || 60, 10); margin.r = Math.min(margin.r || 20, 10); }
    layout.margin = margin;
    ['xaxis', 'yaxis'].forEach(function (axis) {
      layout[axis] = Object.assign({}, layout[axis] || {}, {automargin: true});
    });
    // a phone: the x-axis title, centred under a plot pushed right by long y labels, runs past the edge;
    // it is said under the chart instead
    var xTitle = plainTitle(layout.xaxis.title);
    if (narrow && xTitle) {
      textBeside(div, div.id + '-xaxis', 'chart-axis', '가로축: ' + xTitle, false);
      layout.xaxis.title = {text: ''};
      margin.b = Math.min(margin.b || 40, 30);
    }
    return layout;
  }

  // Plotly in Korean: month and weekday names on date axes, the mode bar's tooltips (no locale file needed).
  function koreanPlotly() {
    var months = ['1월', '2월', '3월', '4월', '5월', '6월', '7월', '8월', '9월', '10월', '11월', '12월'];
    var days = ['일요일', '월요일', '화요일', '수요일', '목요일', '금요일', '토요일'];
    Plotly.register({moduleType: 'locale', name: 'ko', dictionary: {
      'Autoscale': '자동 배율', 'Box Select': '상자 선택', 'Download plot as a png': 'PNG로 내려받기',
      'Lasso Select': '올가미 선택', 'Pan': '이동', 'Reset axes': '축 초기화', 'Zoom': '확대',
      'Zoom in': '확대', 'Zoom out': '축소', 'Toggle Spike Lines': '보조선 켜기/끄기',
      'Show closest data on hover': '가까운 값 보기', 'Compare data on hover': '값 비교',
      'Double-click to zoom back out': '두 번 누르면 원래 크기', 'Reset view': '처음 보기'
    }, format: {days: days, shortDays: ['일', '월', '화', '수', '목', '금', '토'], months: months,
      shortMonths: months, date: '%Y-%m-%d', decimal: '.', thousands: ',', year: '%Y년', month: '%Y년 %-m월',
      dayMonth: '%-m월 %-d일', dayMonthYear: '%Y년 %-m월 %-d일'}});
    Plotly.setPlotConfig({locale: 'ko'});
  }
  // A form that starts a computation shows that it is working, and for how long, until the next page
  // arrives (a long upload or analysis answers with the job page /jobs/{id}, which shows its own progress).
  function showBusyOnSubmit() {
    document.querySelectorAll('main form').forEach(function (form) {
      if (form.matches('[data-no-busy]')) return;
      form.addEventListener('submit', function () {
        var box = form.querySelector('.busy');
        if (!box) {
          box = document.createElement('div');
          box.className = 'busy';
          box.setAttribute('role', 'status');
          box.setAttribute('aria-live', 'polite');
          var bar = document.createElement('progress');
          bar.setAttribute('aria-label', '처리 중');
          var text = document.createElement('span');
          box.appendChild(bar); box.appendChild(text);
          form.appendChild(box);
        }
        var started = Date.now();
        var text = box.querySelector('span');
        var tick = function () {
          var s = Math.round((Date.now() - started) / 1000);
          text.textContent = '계산하는 중입니다' + (s > 0 ? ' · ' + s + '초' : '') + '. 이 창을 닫지 마세요.';
        };
        tick();
        box.hidden = false;
        var timer = setInterval(tick, 1000);
        window.addEventListener('pageshow', function () { clearInterval(timer); box.hidden = true; }, {once: true});
      });
    });
  }
  // The job page (/jobs/{id}): ask /api/v1/jobs/{id} every two seconds, move the bar, go to the result
  // when done (without script the page refreshes itself through <noscript><meta refresh>).
  function pollJob() {
    var box = document.querySelector('[data-job]');
    if (!box) return;
    if (box.dataset.finished === '1') {
      if (box.dataset.result) setTimeout(function () { window.location.assign(box.dataset.result); }, 2000);
      return;
    }
    var bar = box.querySelector('progress'), note = box.querySelector('[data-note]'),
        status = box.querySelector('[data-status]');
    var tick = function () {
      fetch('/api/v1/jobs/' + box.dataset.job, {headers: {'Accept': 'application/json'}})
        .then(function (r) { return r.json(); })
        .then(function (j) {
          var pct = Math.round((j.progress || 0) * 100);
          if (bar) { bar.value = pct; bar.textContent = pct + '%'; }
          if (note) note.textContent = pct + '% · ' + (j.note || '');
          if (j.status === 'done' && j.result_url) { window.location.assign(j.result_url); return; }
          if (j.status === 'done' || j.status === 'failed') { window.location.reload(); return; }
          setTimeout(tick, 2000);
        })
        .catch(function () { setTimeout(tick, 4000); });
    };
    setTimeout(tick, 2000);
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
    showBusyOnSubmit();
    pollJob();
    if (!window.Plotly) return;
    koreanPlotly();
    document.querySelectorAll('[data-figure]').forEach(function (div) {
      var fig = json(div.dataset.figure);
      var config = div.dataset.config ? JSON.parse(div.dataset.config)
        : {displaylogo: false, responsive: true, locale: 'ko'};
      if (fig) {
        Plotly.newPlot(div.id, fig.data, fitLayout(div, Object.assign({}, fig.layout || {}), fig.data), config);
      }
      // a drawn chart holds buttons (zoom, download): a labelled figure, not an image (axe nested-interactive)
      if (div.getAttribute('role') === 'img') div.setAttribute('role', 'figure');
    });
    var major = json('chart-major-data');
    if (major && major.names.length) {
      Plotly.newPlot('chart-major', [{type: 'bar', orientation: 'h', x: major.counts.slice().reverse(),
        y: major.names.slice().reverse(), marker: {color: '#1d4e89'}, hovertemplate: '%{y}: %{x}곳<extra></extra>'}],
        {margin: {l: 10, r: 10, t: 10, b: 40}, height: 320, font: {family: 'sans-serif'},
         xaxis: {title: {text: '점포 수'}}, yaxis: {automargin: true}},
        {displayModeBar: false, responsive: true});
      document.getElementById('chart-major').setAttribute('role', 'figure');
    }
  });
})();
