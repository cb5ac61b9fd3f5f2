(function () {
  var X = window.XinfangCharts;
  var L = JSON.parse(document.getElementById('rates-labels').textContent);
  var pct = function (v) { return v + '%'; };
  var el = document.getElementById('c-rates');
  if (el) {
    var d = JSON.parse(document.getElementById('rates-data').textContent);
    X.hbar(el, d, { label: L.satisfaction, valueTitle: L.percent, categoryTitle: L.unit, format: pct, color: '#176b3a', max: 100, wrap: 9 });
  }
  var t = document.getElementById('c-trend');
  if (t) {
    var rows = JSON.parse(document.getElementById('trend-data').textContent);
    var line = function (label, key, color) {
      return { label: label, data: rows.map(function (r) { return r[key]; }), borderColor: color, backgroundColor: color, spanGaps: false, tension: 0 };
    };
    var y = X.axis(L.percent, { beginAtZero: true, max: 100 });
    var x = X.axis(L.month, {});
    x.ticks.maxRotation = 90;
    new Chart(t, {
      type: 'line',
      data: {
        labels: rows.map(function (r) { return r.month; }),
        datasets: [line(L.response, 'response', '#1346a8'), line(L.resolution, 'resolution', '#8a5a00'), line(L.satisfaction, 'satisfaction', '#176b3a')]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        layout: { padding: { top: 18 } },
        scales: { x: x, y: y },
        plugins: { legend: { position: 'bottom' }, xfValues: { format: pct } }
      },
      plugins: [X.values]
    });
    document.body.dataset.trendReady = '1';
  }
})();
