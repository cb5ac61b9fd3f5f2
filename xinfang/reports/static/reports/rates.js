(function(){const el=document.getElementById('c-rates'); if(!el) return;
const d=JSON.parse(document.getElementById('rates-data').textContent);
new Chart(el,{type:'bar',data:{labels:d.map(x=>x[0]),datasets:[{label:'满意率 %',data:d.map(x=>x[1]),backgroundColor:'#176b3a'}]},
options:{animation:false,scales:{y:{beginAtZero:true,max:100}}}});})();
(function(){const el=document.getElementById('c-trend'); if(!el) return;
const d=JSON.parse(document.getElementById('trend-data').textContent);
const line=(label,key,color)=>({label:label,data:d.map(x=>x[key]),borderColor:color,backgroundColor:color,spanGaps:false,tension:0});
new Chart(el,{type:'line',data:{labels:d.map(x=>x.month),datasets:[line('响应率 %','response','#1346a8'),line('解决率 %','resolution','#8a5a00'),line('满意率 %','satisfaction','#176b3a')]},
options:{animation:false,scales:{y:{beginAtZero:true,max:100}}}});
document.body.dataset.trendReady='1';})();
