// The module Web Worker behind <occupation-coder>: it loads the WebAssembly module, owns
// the loaded model packs (one per URL) and answers { id, op, ...args } with { id, ok, result }.
// Cold start: the wasm-bindgen JS, the .wasm and the pack are fetched in parallel (the JS
// is imported dynamically so the first message, and the pack fetch, need not wait for it).
const WASM_URL = new URL('./pkg/occupation_coder_bg.wasm', import.meta.url);
const pkg = import('./pkg/occupation_coder.js');
const coded = (code, message) => Object.assign(new Error(message), { code });

const get = (url) => fetch(url).then((r) => {
  if (!r.ok) throw coded('FETCH_HTTP_STATUS', `${url}: HTTP status ${r.status}`);
  return r;
}, (e) => {
  throw coded('FETCH_FAILED', `${url}: ${e.message} (offline? no Access-Control-Allow-Origin?)`);
});
const wasm = get(WASM_URL); // handed to init() as a Response: streaming compile
wasm.catch(() => {}); // reported by the first load that awaits it
let wasmReady = null;

// "Response inadequately described": a code for coders, not an answer to offer respondents.
const HIDDEN = new Set(['099888']);
const packs = new Map(); // url -> Promise<{ coder, info }>

function load(url) {
  if (!packs.has(url)) {
    // Fetch the pack while the wasm module compiles.
    const bytes = get(url).then((r) => r.arrayBuffer());
    wasmReady ??= pkg.then(async (m) => {
      await m.default({ module_or_path: wasm });
      return m.OccupationCoder;
    });
    const p = Promise.all([bytes, wasmReady]).then(([buf, OccupationCoder]) => {
      const coder = OccupationCoder.fromBytes(new Uint8Array(buf));
      return { coder, info: coder.info() };
    });
    p.catch(() => packs.delete(url)); // a failed load may be retried
    packs.set(url, p);
  }
  return packs.get(url);
}

/** What the widget shows per suggestion: no path, just the group it sits in. */
function slim(s) {
  const group = s.path.length > 1 ? s.path[s.path.length - 2] : null;
  return { code: s.code, label: s.label, level: s.level, confidence: s.confidence, group: group?.label ?? '' };
}

/** Below this a suggestion is noise ("<1% match" only distracts); the best one always shows. */
const MIN_CONFIDENCE = 0.01;

async function query({ url, title, tasks, k }) {
  const { coder } = await load(url);
  const coded = coder.code({ title, tasks });
  const best = coded.codeStatus === 'successful' ? coded.results[0] : null;
  // Only a group is sure (e.g. 265 for "nurse"): ask which of its occupations it is.
  if (best && best.codeLevel < 6 && !best.codeCategory.startsWith('0')) {
    return {
      mode: 'follow-up',
      group: { code: best.codeCategory, label: best.codeLabel, level: best.codeLevel, confidence: best.codeConfidence },
      suggestions: coder.suggestWithin(best.codeCategory, title, tasks, k).map(slim),
    };
  }
  const all = coder.suggest(title, tasks, Math.min(50, k + HIDDEN.size));
  const shown = all.filter((s) => !HIDDEN.has(s.code)).filter((s, i) => i === 0 || s.confidence >= MIN_CONFIDENCE);
  return { mode: 'suggest', suggestions: shown.slice(0, k).map(slim) };
}

/** The occupation with this code (for setting the value from code), or null. */
async function lookup({ url, code }) {
  const { coder } = await load(url);
  try {
    const [s] = coder.suggestWithin(code, '', '', 1);
    return s && s.code === code ? slim(s) : null;
  } catch {
    return null;
  }
}

const OPS = {
  load: async ({ url }) => (await load(url)).info,
  query,
  lookup,
};

self.onmessage = async ({ data }) => {
  const { id, op } = data;
  try {
    if (!OPS[op]) throw new Error(`unknown op ${op}`);
    self.postMessage({ id, ok: true, result: await OPS[op](data) });
  } catch (e) {
    // A trap (a Rust panic, running out of memory) may leave the module's memory inconsistent:
    // `fatal` asks the page to replace this worker.
    const fatal = e instanceof WebAssembly.RuntimeError;
    const code = typeof e?.code === 'string' ? e.code : fatal ? 'WASM_TRAP' : 'INTERNAL';
    self.postMessage({ id, ok: false, error: { message: String(e?.message ?? e), code, fatal } });
  }
};
