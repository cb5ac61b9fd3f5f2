(function(){
  const d = JSON.parse(document.getElementById('dash-data').textContent);
  const pal = ['#9b1c1c','#1346a8','#176b3a','#8a5a00','#6b21a8','#0e7490'];
  new Chart(document.getElementById('c-month'), {type:'bar', data:{labels:d.months,
    datasets:d.channels.map((s,i)=>({label:s.label,data:s.data,backgroundColor:pal[i%pal.length]}))},
    options:{responsive:true,animation:false,scales:{x:{stacked:true},y:{stacked:true,beginAtZero:true}}}});
  new Chart(document.getElementById('c-cat'), {type:'doughnut', data:{labels:d.categories.map(x=>x[0]),
    datasets:[{data:d.categories.map(x=>x[1]),backgroundColor:pal}]}, options:{animation:false}});
  new Chart(document.getElementById('c-topic'), {type:'bar', data:{labels:d.topics.map(x=>x[0]),
    datasets:[{label:'件数',data:d.topics.map(x=>x[1]),backgroundColor:'#1346a8'}]},
    options:{indexAxis:'y',animation:false,plugins:{legend:{display:false}}}});
  new Chart(document.getElementById('c-overdue'), {type:'bar', data:{labels:d.overdue.map(x=>x[0]),
    datasets:[{label:'超期件数',data:d.overdue.map(x=>x[1]),backgroundColor:'#b42318'}]},
    options:{indexAxis:'y',animation:false,plugins:{legend:{display:false}}}});
  document.body.dataset.chartsReady = '1';
})();
