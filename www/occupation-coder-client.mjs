// The page's side of the one module Web Worker (occupation-coder-worker.mjs) that owns
// the WebAssembly module and the loaded packs, shared by every <occupation-coder> on a page.
// A worker that fails (a WebAssembly trap, which may leave the module's memory inconsistent,
// or an uncaught error) is terminated; the next call starts a fresh one, which loads the pack
// again, so one failure never disables the widget for the rest of the visit.

/** Longest title plus tasks, in characters (code points), that the coder takes: the
 * WebAssembly module's `limits().maxTextChars` (tests/wasm checks that they agree). */
export const MAX_TEXT_CHARS = 10_000;

/** Whether a title and tasks are together longer than MAX_TEXT_CHARS characters, counted as
 * the coder counts them (code points, not UTF-16 units) without copying a long text. */
export function textTooLong(title, tasks) {
  const units = title.length + tasks.length; // a code point is one or two units
  if (units <= MAX_TEXT_CHARS) return false;
  if (units > 2 * MAX_TEXT_CHARS) return true;
  let chars = 0;
  for (const s of [title, tasks]) for (const _ of s) if (++chars > MAX_TEXT_CHARS) return true;
  return false;
}

let worker = null;
let nextId = 1;
const pending = new Map(); // request id -> { resolve, reject }
let replied = false; // so it did start
let failed = null; // why it could not start: reported once, retried after 10 s
let failedAt = 0;
let url = ''; // the worker's
const FILE = 'occupation-coder-worker.mjs'; // not a literal: bundlers leave the CDN route alone

const coded = (code, message) => Object.assign(new Error(message), { code });

/** Ends the worker and fails whatever was still waiting on it; the next call starts anew. */
function restart(error) {
  worker?.terminate();
  worker = null;
  for (const p of pending.values()) p.reject(error);
  pending.clear();
}

function startFailed(reason) {
  failed ??= coded('WORKER_START_FAILED', `occupation-coder could not start ${url} (${reason}): check the base ` +
    'attribute, Access-Control-Allow-Origin and CSP worker-src blob:');
  failedAt = Date.now();
  restart(failed);
}

// A worker's script must be on the page's origin; from another (a CDN), a same-origin blob
// imports it (CORS). Dynamically, so a CSP needs only worker-src blob:; messages wait for it.
function start(base) {
  url = new URL(FILE, base || import.meta.url).href;
  // webpack inlines import.meta.url as the source file's file: URL, and puts the literal
  // worker below on the page's origin itself.
  const here = new URL(import.meta.url);
  if (!base && (here.origin === location.origin || here.protocol === 'file:')) {
    return new Worker(new URL('./occupation-coder-worker.mjs', import.meta.url), { type: 'module', name: 'occupation-coder' });
  }
  const boot = `const q=[];onmessage=(e)=>q.push(e);import(${JSON.stringify(url)}).then(()=>q.forEach((e)=>onmessage(e)),(e)=>setTimeout(()=>{throw e}))`;
  return new Worker(new URL(url).origin === location.origin ? url
    : URL.createObjectURL(new Blob([boot], { type: 'text/javascript' })), { type: 'module', name: 'occupation-coder' });
}

function getWorker(base) {
  if (worker) return worker;
  const w = start(base);
  worker = w;
  replied = false;
  w.onmessage = ({ data }) => {
    replied = true;
    failed = null;
    const p = pending.get(data.id);
    if (p) {
      pending.delete(data.id);
      if (data.ok) p.resolve(data.result);
      else p.reject(coded(data.error.code, data.error.message));
    }
    if (!data.ok && data.error.fatal && worker === w) restart(coded('WORKER_FAILED', `occupation-coder worker restarted after: ${data.error.message}`));
  };
  w.onerror = (e) => {
    e.preventDefault();
    if (worker !== w) return;
    if (!replied) startFailed(e.message || 'it did not load');
    else restart(coded('WORKER_FAILED', `occupation-coder worker failed: ${e.message}`));
  };
  return w;
}

/** Sends one request ({ op, ...args }) to the worker, started from the first call's `base`
 * (folder URL; '' = beside this module); rejects with an Error with a string `code`. */
export function call(op, args, base = '') {
  if (failed && Date.now() - failedAt < 1e4) return Promise.reject(failed);
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    try {
      getWorker(base).postMessage({ id, op, ...args });
    } catch (e) { // new Worker() threw a DOMException (whose code is a number)
      startFailed(e.message);
    }
  });
}

/**
 * Latest-wins querying for one widget: while a query is in flight, newer ones replace each
 * other and only the newest is sent when it returns; a result whose request id is no longer
 * the newest is dropped. Typing never waits on the worker.
 */
export class LatestQuery {
  #busy = false;
  #next = null; // { seq, args } waiting to be sent
  #wanted = 0; // seq of the newest request
  constructor(onResult, onError) {
    this.onResult = onResult;
    this.onError = onError;
  }

  /** Asks for a query; `seq` must grow with every request; `base` as for call(). */
  request(seq, args, base) {
    this.#wanted = seq;
    this.#next = { seq, args, base };
    if (!this.#busy) this.#send();
  }

  /** Drops whatever is in flight or waiting (e.g. the text became too short). */
  cancel(seq) {
    this.#wanted = seq;
    this.#next = null;
  }

  async #send() {
    const { seq, args, base } = this.#next;
    this.#next = null;
    this.#busy = true;
    try {
      const result = await call('query', args, base);
      if (seq === this.#wanted) this.onResult(result, seq);
    } catch (e) {
      if (seq === this.#wanted) this.onError(e);
    } finally {
      this.#busy = false;
      if (this.#next) this.#send();
    }
  }
}
