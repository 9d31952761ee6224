// The example survey page: shows what the form would submit instead of sending it.
import './occupation-coder.mjs';

const form = document.getElementById('survey');
const widget = document.getElementById('occupation');
const sent = document.getElementById('sent');
const rows = document.getElementById('sent-rows');
const classification = document.getElementById('classification');

const wanted = new URLSearchParams(location.search).get('classification');
if (wanted === 'osca2024' || wanted === 'anzsco2022') {
  classification.value = wanted;
  widget.setAttribute('classification', wanted);
}
classification.addEventListener('change', () => widget.setAttribute('classification', classification.value));

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (!form.reportValidity()) return;
  rows.replaceChildren(...[...new FormData(form)].map(([k, v]) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    const td = document.createElement('td');
    th.scope = 'row';
    th.textContent = k;
    td.textContent = String(v);
    tr.append(th, td);
    return tr;
  }));
  sent.hidden = false;
  sent.focus();
});
