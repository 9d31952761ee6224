// The batch page (www/batch.html): choose / drop / paste a CSV, pick columns, code it in a Web
// Worker (www/batch-worker.mjs), show progress, a preview and the summary, offer the result as
// a Blob URL download. Cancel terminates the worker; a fresh one is ready for the next run. So
// does a failed run; a worker that could not start is started again by the next Start.
import { CsvReader } from './batch-csv.mjs';
import { clashingName } from './batch-core.mjs';
import { DELIMITERS, detectDelimiter, notCsv } from './batch-sniff.mjs';

const $ = (id) => document.getElementById(id);
const form = $('form'), fileInput = $('file'), drop = $('drop'), paste = $('paste');
const selects = { title: $('col-title'), tasks: $('col-tasks'), id: $('col-id'), source: $('col-source') };
const classification = $('classification');
const delimiter = $('delimiter'), safeCsv = $('safe-csv');
const startButton = $('start'), cancelButton = $('cancel');
const progressBar = $('progress'), figures = $('figures'), status = $('status'), download = $('download');

let input = null; // { blob, name }
let header = null;
let refused = false; // the chosen file is not CSV (a spreadsheet, a binary file)
let worker = null;
let running = false;
let downloadUrl = null;
let lastAnnounced = 0;

function newWorker() {
  worker?.terminate();
  const w = new Worker(new URL('./batch-worker.mjs', import.meta.url), { type: 'module' });
  worker = w;
  w.onmessage = (e) => onWorkerMessage(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    w.terminate();
    if (worker !== w) return;
    worker = null; // started again by the next Start or choice of classification
    document.body.dataset.state = 'error';
    fail(`The coder stopped: ${e.message || 'it could not start'}. Choose Start to try again.`);
  };
  w.postMessage({ type: 'load', classification: classification.value });
}

/** The worker, started again if it had failed. */
function ensureWorker() {
  if (!worker) newWorker();
  return worker;
}

const say = (text) => { status.textContent = text; };
function fail(message) {
  running = false;
  say('');
  status.innerHTML = '';
  const p = document.createElement('span');
  p.className = 'error';
  p.textContent = message;
  status.append(p);
  updateButtons();
}

const fmtTime = (s) => (s < 60 ? `${Math.ceil(s)} s` : `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`);

function onWorkerMessage(m) {
  if (m.type === 'progress') {
    const share = m.total ? m.bytes / m.total : 0;
    progressBar.value = share;
    const rate = m.seconds > 0 ? m.rows / m.seconds : 0;
    const left = share > 0 && share < 1 ? (m.seconds / share) * (1 - share) : 0;
    const text = `${m.rows.toLocaleString('en-AU')} records, ${Math.round(rate).toLocaleString('en-AU')} records/s, ` +
      `${Math.round(share * 100)}% done${left ? `, about ${fmtTime(left)} left` : ''}.`;
    figures.textContent = text;
    figures.dataset.rows = m.rows;
    // Screen readers hear the progress every 5 seconds, not every update.
    if (running && performance.now() - lastAnnounced > 5000) {
      lastAnnounced = performance.now();
      say(`Coding: ${Math.round(share * 100)}% done.`);
    }
  } else if (m.type === 'preview') {
    showPreview(m.header, m.rows);
  } else if (m.type === 'done') {
    running = false;
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(m.blob);
    download.href = downloadUrl;
    // The name says which classification coded it (the file's last columns say it too).
    download.download = `${(input?.name ?? 'records.csv').replace(/\.[^.]*$/, '')}-coded-${m.classification}.csv`;
    download.textContent = `Download the coded CSV (${download.download})`;
    download.hidden = false;
    progressBar.value = 1;
    showSummary(m.summary, m.seconds);
    say(`Done: ${m.summary.rows.toLocaleString('en-AU')} records coded in ${fmtTime(m.seconds)}. The coded file is ready to download.`);
    document.body.dataset.state = 'done';
    updateButtons();
  } else if (m.type === 'error') {
    document.body.dataset.state = 'error';
    document.body.dataset.errorCode = m.code ?? '';
    if (m.op === 'start') {
      newWorker(); // a fresh module for the next run
      fail(`Could not code the file: ${m.message}`);
    } else {
      fail(`Could not load the coder: ${m.message}. Choose Start to try again.`);
    }
  }
}

function showSummary(s, seconds) {
  const ul = $('summary');
  ul.replaceChildren();
  const n = (x) => x.toLocaleString('en-AU');
  const items = [
    `${n(s.rows)} ${s.rows === 1 ? 'record' : 'records'} in (${n(Math.round(s.rows / Math.max(seconds, 1e-3)))} records/s)`,
    `${n(s.coded)} coded: ` + [6, 4, 3, 2, 1].map((d) => `${n(s.codedByLevel[d] ?? 0)} to ${d} digits`).join(', '),
    `${n(s.uncoded)} not coded (see the reason and suggestions columns)`,
    `${n(s.errors)} malformed ${s.errors === 1 ? 'row' : 'rows'} (status "error", with the reason)`,
  ];
  for (const t of items) {
    const li = document.createElement('li');
    li.textContent = t;
    ul.append(li);
  }
  $('summary-section').hidden = false;
}

function showPreview(head, rows) {
  const table = $('preview');
  const tr = document.createElement('tr');
  for (const h of head) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    tr.append(th);
  }
  table.tHead.replaceChildren(tr);
  const body = table.tBodies[0];
  body.replaceChildren();
  for (const r of rows.slice(0, 10)) {
    const row = document.createElement('tr');
    for (const v of r) {
      const td = document.createElement('td');
      td.textContent = v;
      row.append(td);
    }
    body.append(row);
  }
  $('preview-section').hidden = false;
}

function updateButtons() {
  startButton.disabled = running || !input || refused || !header || selects.title.value === '';
  cancelButton.disabled = !running;
  for (const s of Object.values(selects)) s.disabled = running || !header;
  selects.source.disabled = running || !header || classification.value !== 'osca2024';
  classification.disabled = running;
  delimiter.disabled = running || !input || refused;
  safeCsv.disabled = running;
  fileInput.disabled = running;
  paste.disabled = running;
}

function guess(names, patterns) {
  const i = names.findIndex((n) => patterns.some((p) => p.test(n)));
  return i;
}

function sourceError(text) {
  const p = document.createElement('span');
  p.className = 'error';
  p.textContent = text;
  $('source').replaceChildren(p);
}

/** Reads the start of a new input: refuses what is not CSV, detects the delimiter. */
async function useInput(blob, name) {
  input = { blob, name };
  header = null;
  refused = false;
  hideDownload();
  const head = new Uint8Array(await blob.slice(0, 1 << 16).arrayBuffer());
  const why = notCsv(head, name);
  if (why) {
    refused = true;
    sourceError(`${name}: ${why}`);
    updateButtons();
    return;
  }
  delimiter.value = detectDelimiter(head);
  readHeader(head);
}

/** The header of the current input with the chosen delimiter; fills the column choices. */
function readHeader(head) {
  const { blob, name } = input;
  header = null;
  const reader = new CsvReader({ delimiter: delimiter.value });
  const rows = reader.push(head);
  if (rows.length === 0) reader.end(rows);
  if (rows.length === 0 || rows[0].fields.length === 0) {
    $('source').textContent = `${name}: no header row found.`;
    updateButtons();
    return;
  }
  const clash = clashingName(rows[0].fields);
  if (clash !== null) {
    sourceError(`${name}: the column "${clash}" has the name of a column the coded file adds; rename it (e.g. to "input_${clash.trim()}") and choose the file again.`);
    updateButtons();
    return;
  }
  header = rows[0].fields;
  const names = header.map((h) => h.trim().toLowerCase());
  const fill = (select, optional, chosen) => {
    select.replaceChildren();
    if (optional) select.append(new Option('(none)', '-1'));
    header.forEach((h, i) => select.append(new Option(h || `column ${i + 1}`, String(i))));
    select.value = String(chosen >= 0 ? chosen : optional ? -1 : 0);
  };
  fill(selects.title, false, guess(names, [/^title$/, /title|occupation|job/]));
  fill(selects.tasks, true, guess(names, [/^tasks?$/, /task|duties/]));
  fill(selects.id, true, guess(names, [/^id$/, /\bid\b|respondent/]));
  fill(selects.source, true, guess(names, [/anzsco/]));
  $('source').textContent = `${name}: ${blob.size.toLocaleString('en-AU')} bytes, ${header.length} columns separated by ` +
    `${DELIMITERS[delimiter.value]}s${header.length === 1 ? ' (only one column: is the separator right?)' : ''}.`;
  updateButtons();
}

function hideDownload() {
  download.hidden = true;
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = null;
  download.removeAttribute('href');
}

delimiter.addEventListener('change', async () => {
  if (!input || refused || running) return;
  readHeader(new Uint8Array(await input.blob.slice(0, 1 << 16).arrayBuffer()));
});

fileInput.addEventListener('change', () => {
  const f = fileInput.files[0];
  if (f) { paste.value = ''; useInput(f, f.name); }
});
paste.addEventListener('input', () => {
  if (paste.value.trim()) useInput(new Blob([paste.value], { type: 'text/csv' }), 'pasted.csv');
});
for (const ev of ['dragenter', 'dragover']) drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add('over'); });
for (const ev of ['dragleave', 'drop']) drop.addEventListener(ev, () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  const f = e.dataTransfer?.files?.[0];
  if (f && !running) { paste.value = ''; useInput(f, f.name); }
});
classification.addEventListener('change', () => {
  if (classification.value !== 'osca2024') selects.source.value = '-1';
  ensureWorker().postMessage({ type: 'load', classification: classification.value });
  updateButtons();
});
selects.title.addEventListener('change', updateButtons);

form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (running || !input || !header) return;
  running = true;
  document.body.dataset.state = 'running';
  delete document.body.dataset.errorCode;
  hideDownload();
  $('summary-section').hidden = true;
  progressBar.value = 0;
  lastAnnounced = performance.now();
  say('Coding started.');
  const col = (s) => Number(s.value);
  ensureWorker().postMessage({
    type: 'start',
    file: input.blob,
    classification: classification.value,
    delimiter: delimiter.value,
    safeCsv: safeCsv.checked,
    columns: {
      title: col(selects.title), tasks: col(selects.tasks), id: col(selects.id),
      source: classification.value === 'osca2024' ? col(selects.source) : -1,
    },
  });
  updateButtons();
  cancelButton.focus();
});

cancelButton.addEventListener('click', () => {
  if (!running) return;
  running = false;
  newWorker(); // terminating the worker stops the run at once
  progressBar.value = 0;
  figures.textContent = 'Cancelled.';
  say('Coding cancelled. Nothing was kept; you can start again.');
  document.body.dataset.state = 'cancelled';
  updateButtons();
  startButton.focus();
});

newWorker();
updateButtons();
