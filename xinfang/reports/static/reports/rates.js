(function(){const el=document.getElementById('c-rates'); if(!el) return;
const d=JSON.parse(document.getElementById('rates-data').textContent);
new Chart(el,{type:'bar',data:{labels:d.map(x=>x[0]),datasets:[{label:'满意率 %',data:d.map(x=>x[1]),backgroundColor:'#176b3a'}]},
options:{animation:false,scales:{y:{beginAtZero:true,max:100}}}});})();
