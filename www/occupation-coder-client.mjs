// The page's side of the one module Web Worker (occupation-coder-worker.mjs) that owns
// the WebAssembly module and the loaded packs, shared by every <occupation-coder> on a page.
let worker = null;
let nextId = 1;
const pending = new Map(); // request id -> { resolve, reject }

function fail(all, message) {
  for (const p of all.values()) p.reject(Object.assign(new Error(message), { code: 'WORKER_FAILED' }));
  all.clear();
}

function getWorker() {
  if (worker) return worker;
  worker = new Worker(new URL('./occupation-coder-worker.mjs', import.meta.url), {
    type: 'module', name: 'occupation-coder',
  });
  worker.onmessage = ({ data }) => {
    const p = pending.get(data.id);
    if (!p) return;
    pending.delete(data.id);
    if (data.ok) p.resolve(data.result);
    else p.reject(Object.assign(new Error(data.error.message), { code: data.error.code }));
  };
  worker.onerror = (e) => {
    e.preventDefault();
    fail(pending, `occupation-coder worker failed: ${e.message || 'could not start'}`);
    worker = null;
  };
  return worker;
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
