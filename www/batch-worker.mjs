// The batch page's Web Worker: loads the WebAssembly coder and a model pack, then streams a
// File/Blob through BatchCoder (www/batch-core.mjs) in chunks, keeping the output as Blob
// parts (memory stays flat however long the file), and posts progress, a preview, and at the
// end the coded CSV as a Blob with the summary. Cancelling is the page terminating the worker.
//
// Messages in:  { type: 'load', classification }
//               { type: 'start', file, classification, columns: { title, tasks, id, source },
//                 delimiter, safeCsv }
// Messages out: { type: 'ready', info } | { type: 'progress', rows, bytes, total, seconds }
//               { type: 'preview', header, rows } | { type: 'done', blob, summary, classification, seconds }
//               { type: 'error', op, message, code } (op: the message type that failed)
// A pack or module that failed to load is loaded again when next asked for; after a failed run
// the page replaces this worker, since a WebAssembly trap may leave the module inconsistent.
import init, { OccupationCoder } from './pkg/occupation_coder.js';
import { BatchCoder, OUTPUT_COLUMNS, PROVENANCE_COLUMNS } from './batch-core.mjs';

const READ_BYTES = 256 * 1024; // one slice of the file per step
const PART_CHARS = 4 * 1024 * 1024; // output text gathered before it becomes a Blob part
const PROGRESS_MS = 200;

let ready = null;
const coders = new Map(); // classification -> Promise<{ coder, pack }>

/** The pack's bytes (kept for the model_version column: its checksum) and a coder from them. */
async function loadPack(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot fetch the model pack ${url}: HTTP status ${res.status}`);
  const pack = new Uint8Array(await res.arrayBuffer());
  return { coder: OccupationCoder.fromBytes(pack), pack };
}

function coderFor(classification) {
  if (!/^(osca2024|anzsco2022)$/.test(classification)) throw new Error(`unknown classification ${classification}`);
  if (!coders.has(classification)) {
    ready ??= init().catch((e) => {
      ready = null;
      throw e;
    });
    const coder = ready.then(() => loadPack(new URL(`./models/${classification}.ocpk`, import.meta.url).href));
    coder.catch(() => coders.delete(classification));
    coders.set(classification, coder);
  }
  return coders.get(classification);
}

async function run({ file, classification, columns, delimiter, safeCsv }) {
  const started = performance.now();
  const total = file.size;
  let bytes = 0;
  let lastProgress = -Infinity;
  const progress = (force) => {
    const now = performance.now();
    if (!force && now - lastProgress < PROGRESS_MS) return;
    lastProgress = now;
    postMessage({ type: 'progress', rows: batch ? batch.summary.rows : 0, bytes, total, seconds: (now - started) / 1000 });
  };
  let batch = null;
  progress(true);
  const { coder, pack } = await coderFor(classification);
  batch = new BatchCoder(coder, columns, { pack, delimiter, safeCsv });
  const parts = [];
  let pending = '';
  let previewSent = false;
  const take = (text) => {
    pending += text;
    if (pending.length >= PART_CHARS) {
      parts.push(new Blob([pending], { type: 'text/csv' }));
      pending = '';
    }
    if (!previewSent && (batch.previewRows.length >= batch.previewLimit)) sendPreview();
  };
  const sendPreview = () => {
    previewSent = true;
    postMessage({ type: 'preview', header: [...batch.header, ...OUTPUT_COLUMNS, ...PROVENANCE_COLUMNS], rows: batch.previewRows });
  };
  // Blob.slice + arrayBuffer rather than stream(): the same in every browser, and each step
  // ends with an await, so the worker stays responsive between slices.
  for (let at = 0; at < total; at += READ_BYTES) {
    const chunk = new Uint8Array(await file.slice(at, Math.min(total, at + READ_BYTES)).arrayBuffer());
    // Code in pieces so progress is reported often even for slow rows.
    for (let i = 0; i < chunk.length; i += 16384) {
      take(batch.push(chunk.subarray(i, Math.min(chunk.length, i + 16384))));
      bytes = at + Math.min(chunk.length, i + 16384);
      progress(false);
    }
  }
  take(batch.end());
  if (!previewSent) sendPreview();
  if (pending) parts.push(new Blob([pending], { type: 'text/csv' }));
  bytes = total;
  progress(true);
  const blob = new Blob(parts, { type: 'text/csv' });
  const s = batch.summary;
  const summary = { rows: s.rows, coded: s.coded, codedByLevel: s.codedByLevel, uncoded: s.uncoded, errors: s.errors };
  postMessage({ type: 'done', blob, summary, classification, seconds: (performance.now() - started) / 1000 });
}

onmessage = async (e) => {
  const msg = e.data;
  try {
    if (msg.type === 'load') {
      const { coder } = await coderFor(msg.classification);
      postMessage({ type: 'ready', info: coder.info() });
    } else if (msg.type === 'start') {
      await run(msg);
    }
  } catch (err) {
    postMessage({ type: 'error', op: msg.type, message: err?.message ?? String(err), code: typeof err?.code === 'string' ? err.code : undefined });
  }
};
