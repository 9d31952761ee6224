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

function fail(all, message) {
  for (const p of all.values()) p.reject(Object.assign(new Error(message), { code: 'WORKER_FAILED' }));
  all.clear();
}

/** Ends the worker and fails whatever was still waiting on it; the next call starts anew. */
function restart(message) {
  worker?.terminate();
  worker = null;
  fail(pending, message);
}

function getWorker() {
  if (worker) return worker;
  const w = new Worker(new URL('./occupation-coder-worker.mjs', import.meta.url), {
    type: 'module', name: 'occupation-coder',
  });
  worker = w;
  w.onmessage = ({ data }) => {
    const p = pending.get(data.id);
    if (p) {
      pending.delete(data.id);
      if (data.ok) p.resolve(data.result);
      else p.reject(Object.assign(new Error(data.error.message), { code: data.error.code }));
    }
    if (!data.ok && data.error.fatal && worker === w) restart(`occupation-coder worker restarted after: ${data.error.message}`);
  };
  w.onerror = (e) => {
    e.preventDefault();
    if (worker === w) restart(`occupation-coder worker failed: ${e.message || 'could not start'}`);
  };
  return w;
}

/** Sends one request ({ op, ...args }) to the worker; resolves with its result. */
export function call(op, args) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    getWorker().postMessage({ id, op, ...args });
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

  /** Asks for a query; `seq` must grow with every request. */
  request(seq, args) {
    this.#wanted = seq;
    this.#next = { seq, args };
    if (!this.#busy) this.#send();
  }

  /** Drops whatever is in flight or waiting (e.g. the text became too short). */
  cancel(seq) {
    this.#wanted = seq;
    this.#next = null;
  }

  async #send() {
    const { seq, args } = this.#next;
    this.#next = null;
    this.#busy = true;
    try {
      const result = await call('query', args);
      if (seq === this.#wanted) this.onResult(result, seq);
    } catch (e) {
      if (seq === this.#wanted) this.onError(e);
    } finally {
      this.#busy = false;
      if (this.#next) this.#send();
    }
  }
}
