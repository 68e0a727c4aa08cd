
document.documentElement.classList.add('js');
(function(){
// Sections off screen are not laid out (content-visibility), so their heights are estimates
// until seen: after a jump, scroll to the target again for a few frames until it stays put.
function settle(t,n){t.scrollIntoView({block:'start'});if(n>0){requestAnimationFrame(function(){settle(t,n-1);});}}
function go(){var t=location.hash.length>1&&document.getElementById(decodeURIComponent(location.hash.slice(1)));if(t){settle(t,10);}}
window.addEventListener('hashchange',go);if(location.hash){go();}
})();
(function(){
var table=document.getElementById('portfolio-table');
if(!table){return;}
var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
var filter=document.getElementById('filter'),missing=document.getElementById('missing-filter'),
shown=document.getElementById('shown');
function apply(){
var q=filter.value.trim().toLowerCase(),m=missing.value,n=0;
rows.forEach(function(r){
var ok=(!q||r.textContent.toLowerCase().indexOf(q)>=0)&&(!m||(' '+r.getAttribute('data-missing')+' ').indexOf(' '+m+' ')>=0);
r.hidden=!ok;if(ok){n++;}
});
shown.textContent=n+' of '+rows.length+' contracts shown';
}
filter.addEventListener('input',apply);missing.addEventListener('change',apply);
var head=table.tHead.rows[table.tHead.rows.length-1];
Array.prototype.forEach.call(document.querySelectorAll('.groups input[data-group]'),function(box){
box.addEventListener('change',function(){
var g=box.getAttribute('data-group');
Array.prototype.forEach.call(table.querySelectorAll('[data-group]'),function(c){
if(c.getAttribute('data-group')===g){c.hidden=!box.checked;}
});
});
});
Array.prototype.forEach.call(head.cells,function(th,col){
var b=th.querySelector('button.sort');if(!b){return;}
b.addEventListener('click',function(){
var asc=th.getAttribute('aria-sort')!=='ascending';
Array.prototype.forEach.call(head.cells,function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',asc?'ascending':'descending');
var numeric=th.getAttribute('data-type')==='number';
rows.sort(function(a,c){
var x=a.cells[col].getAttribute('data-sort'),y=c.cells[col].getAttribute('data-sort'),d;
d=numeric?(parseFloat(x)-parseFloat(y)):x.localeCompare(y);
if(d===0){d=a.getAttribute('data-order')-c.getAttribute('data-order');return d;}
return asc?d:-d;
});
rows.forEach(function(r){body.appendChild(r);});
});
});
apply();
})();
