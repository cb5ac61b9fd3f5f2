(function () {
  var X = window.XinfangCharts;
  var d = JSON.parse(document.getElementById('dash-data').textContent);
  var L = d.labels;
  var count = function (v) { return v + L.pieces; };
  var y = X.axis(L.count, { stacked: true, beginAtZero: true, grace: '10%' });
  y.ticks.precision = 0;
  var x = X.axis(L.month, { stacked: true });
  x.ticks.maxRotation = 90;
  new Chart(document.getElementById('c-month'), {
    type: 'bar',
    data: {
      labels: d.months,
      datasets: d.channels.map(function (s, i) {
        return { label: s.label, data: s.data, backgroundColor: X.PALETTE[i % X.PALETTE.length] };
      })
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      layout: { padding: { top: 18 } },
      scales: { x: x, y: y },
      plugins: { legend: { position: 'bottom' }, xfValues: { stacked: true } }
    },
    plugins: [X.values]
  });
  X.hbar(document.getElementById('c-cat'), d.categories,
    { label: L.count, valueTitle: L.count, categoryTitle: L.category, format: count, color: '#176b3a' });
  X.hbar(document.getElementById('c-topic'), d.topics,
    { label: L.count, valueTitle: L.count, categoryTitle: L.topic, format: count, color: '#1346a8' });
  X.hbar(document.getElementById('c-overdue'), d.overdue,
    { label: L.overdue, valueTitle: L.overdue + '（' + L.pieces + '）', categoryTitle: L.unit, format: count, color: '#b42318', wrap: 9 });
  document.body.dataset.chartsReady = '1';
})();
