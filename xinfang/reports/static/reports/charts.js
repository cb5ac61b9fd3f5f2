// Shared by the report pages' charts: axis titles, every category label shown (long unit
// names wrapped, never skipped) and the value written on each bar and point.
window.XinfangCharts = (function () {
  var INK = '#1c2530';
  var PALETTE = ['#9b1c1c', '#1346a8', '#176b3a', '#8a5a00', '#6b21a8', '#0e7490', '#4f5b69'];

  // A long label as lines of at most n characters (Chart.js draws an array as lines).
  function wrap(label, n) {
    var s = String(label == null ? '' : label);
    if (s.length <= n) return s;
    var out = [];
    for (var i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
    return out;
  }

  // Each bar's (and point's) value; inside a stacked segment when it fits, the stack's
  // total above it. Values that do not fit stay in the data table under the chart.
  var values = {
    id: 'xfValues',
    afterDatasetsDraw: function (chart, args, opts) {
      var ctx = chart.ctx;
      var horizontal = chart.options.indexAxis === 'y';
      var stacked = !!(opts && opts.stacked);
      var fmt = (opts && opts.format) || function (v) { return String(v); };
      var totals = [];
      var tops = [];
      ctx.save();
      ctx.font = '12px sans-serif';
      chart.data.datasets.forEach(function (ds, i) {
        var meta = chart.getDatasetMeta(i);
        if (!chart.isDatasetVisible(i)) return;
        meta.data.forEach(function (el, j) {
          var v = ds.data[j];
          if (v === null || v === undefined) return;
          var p = el.getProps(['x', 'y', 'base'], true);
          if (meta.type === 'line') {
            ctx.fillStyle = ds.borderColor || INK;
            ctx.textAlign = 'center';
            ctx.textBaseline = 'bottom';
            ctx.fillText(fmt(v), p.x, p.y - 5);
            return;
          }
          if (stacked) {
            totals[j] = (totals[j] || 0) + v;
            tops[j] = tops[j] === undefined ? p.y : Math.min(tops[j], p.y);
            var size = Math.abs(p.base - p.y);
            if (!v || size < 15) return;
            ctx.fillStyle = '#fff';
            ctx.textAlign = 'center';
            ctx.textBaseline = 'middle';
            ctx.fillText(fmt(v), p.x, (p.y + p.base) / 2);
            return;
          }
          ctx.fillStyle = INK;
          if (horizontal) {
            ctx.textAlign = 'left';
            ctx.textBaseline = 'middle';
            ctx.fillText(fmt(v), p.x + 4, p.y);
          } else {
            ctx.textAlign = 'center';
            ctx.textBaseline = 'bottom';
            ctx.fillText(fmt(v), p.x, p.y - 3);
          }
        });
      });
      if (stacked) {
        ctx.fillStyle = INK;
        ctx.font = 'bold 12px sans-serif';
        ctx.textAlign = 'center';
        ctx.textBaseline = 'bottom';
        var meta0 = chart.getDatasetMeta(0);
        totals.forEach(function (t, j) {
          if (tops[j] === undefined || !meta0.data[j]) return;
          ctx.fillText(fmt(t), meta0.data[j].x, tops[j] - 3);
        });
      }
      ctx.restore();
    }
  };

  function axis(title, extra) {
    var a = { title: { display: true, text: title, font: { weight: 'bold' } }, ticks: { autoSkip: false } };
    for (var k in extra || {}) a[k] = extra[k];
    return a;
  }

  // The box's height from its rows, so every wrapped label has room.
  function fit(canvas, labels, perLine) {
    var box = canvas.parentNode;
    var lines = labels.reduce(function (n, l) { return n + (Array.isArray(l) ? l.length : 1); }, 0);
    box.style.height = Math.max(220, lines * (perLine || 16) + labels.length * 10 + 80) + 'px';
  }

  // Horizontal bars: one value per category (names down the side, counts along).
  function hbar(canvas, pairs, o) {
    if (!canvas) return null;
    var labels = pairs.map(function (x) { return wrap(x[0], o.wrap || 10); });
    fit(canvas, labels);
    var valueAxis = axis(o.valueTitle, { beginAtZero: true, grace: '12%' });
    valueAxis.ticks.precision = 0;
    if (o.max) valueAxis.max = o.max;
    return new Chart(canvas, {
      type: 'bar',
      data: { labels: labels, datasets: [{ label: o.label, data: pairs.map(function (x) { return x[1]; }), backgroundColor: o.color || PALETTE[1] }] },
      options: {
        indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false,
        layout: { padding: { right: 16 } },
        scales: { x: valueAxis, y: axis(o.categoryTitle) },
        plugins: { legend: { display: false }, xfValues: { format: o.format } }
      },
      plugins: [values]
    });
  }

  return { PALETTE: PALETTE, values: values, axis: axis, wrap: wrap, hbar: hbar };
})();
