// Browser side of browser.test.mjs: loads the wasm-bindgen module and the real packs
// through the page's own fetch, runs the API and leaves plain results in window.harness.
// The same file runs as a module Web Worker (see inWorker) to check fromUrl's global fetch there.
const q = new URLSearchParams(location.search);
const pkg = q.get('pkg') ?? 'www/pkg';
const models = q.get('models') ?? 'www/models';

if (typeof window === 'undefined') {
  // Worker: load the module and a pack, answer with a suggestion list or the error.
  (async () => {
    const mod = await import(`/${pkg}/occupation_coder.js`);
    await mod.default();
    const coder = await mod.OccupationCoder.fromUrl(`/${models}/osca2024.ocpk`);
    postMessage({ suggest: coder.suggest('brickie', '', 5), info: coder.info() });
    coder.free();
  })().catch((e) => postMessage({ error: `${e?.code ?? ''} ${e?.message ?? e}` }));
}

/** Runs this file as a module worker and resolves with its one message. */
const inWorker = () => new Promise((resolve) => {
  const w = new Worker(`${import.meta.url.split('?')[0]}${location.search}`, { type: 'module' });
  w.onmessage = (ev) => {
    resolve(ev.data);
    w.terminate();
  };
  w.onerror = (ev) => resolve({ error: `worker error: ${ev.message}` });
});

const plain = (v) => v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
/** True when every object in v (arrays aside) is a plain object: no Maps, no classes. */
const allPlain = (v) => {
  if (Array.isArray(v)) return v.every(allPlain);
  if (v === null || typeof v !== 'object') return true;
  return plain(v) && Object.values(v).every(allPlain);
};
const caught = (f) => {
  try {
    f();
    return null;
  } catch (e) {
    return { isError: e instanceof Error, isTrap: e instanceof WebAssembly.RuntimeError, code: e.code, message: String(e.message) };
  }
};

async function run() {
  const mod = await import(`/${pkg}/occupation_coder.js`);
  await mod.default(); // init(): fetches occupation_coder_bg.wasm next to the module
  const { OccupationCoder } = mod;
  const r = {};
  const osca = await OccupationCoder.fromUrl(`/${models}/osca2024.ocpk`);
  const anzsco = await OccupationCoder.fromUrl(`/${models}/anzsco2022.ocpk`);
  r.info = osca.info();
  r.metadata = osca.metadata;
  r.anzscoInfo = anzsco.info();
  r.suggestDefault = osca.suggest('brickie');
  r.suggest = osca.suggest('brickie', '', 5);
  r.anzscoSuggest = anzsco.suggest('brickie', '', 5);
  r.codeBrickie = osca.code({ id: 'r1', title: 'brickie', tasks: 'laying bricks' });
  r.codeRetired = osca.code({ title: 'retired' });
  r.codeEmpty = osca.code({ title: '' });
  r.batch = osca.codeBatch([{ id: 'a', title: 'brickie' }, { id: 'b', title: 'retired' }]);
  r.batchTooLarge = caught(() => osca.codeBatch(Array.from({ length: 301 }, () => ({ title: 'brickie' }))));
  r.missingTitle = caught(() => osca.code({ tasks: 'laying bricks' }));
  r.titleNumber = caught(() => osca.code({ title: 42 }));
  const bytes = new Uint8Array(await (await fetch(`/${models}/osca2024.ocpk`)).arrayBuffer());
  r.truncated = caught(() => OccupationCoder.fromBytes(bytes.slice(0, bytes.length - 10)));
  const flipped = bytes.slice();
  flipped[flipped.length >> 1] ^= 0xff;
  r.flipped = caught(() => OccupationCoder.fromBytes(flipped));
  r.badMagic = caught(() => OccupationCoder.fromBytes(new TextEncoder().encode('<!doctype html><p>not a pack</p>')));
  r.afterErrors = OccupationCoder.fromBytes(bytes).suggest('brickie', '', 5);
  r.plain = allPlain([r.info, r.suggest, r.codeBrickie, r.codeRetired, r.codeEmpty, r.batch]) &&
    [r.info, r.suggest[0], r.codeBrickie, r.codeEmpty].every(plain);
  osca.free();
  anzsco.free();
  r.worker = await inWorker();
  return r;
}

// For the 404 check, run separately so its expected network error stays out of the console check.
if (typeof window !== 'undefined') window.fromUrlError = async (url) => {
  const { OccupationCoder } = await import(`/${pkg}/occupation_coder.js`);
  try {
    (await OccupationCoder.fromUrl(url)).free();
    return null;
  } catch (e) {
    return { isError: e instanceof Error, code: e.code, message: String(e.message) };
  }
};

if (typeof window !== 'undefined') run().then(
  (results) => {
    window.harness = { done: true, results };
    document.getElementById('out').textContent = JSON.stringify(results.suggest.map((s) => [s.code, s.label, s.confidence]), null, 1);
  },
  (e) => {
    window.harness = { done: true, error: `${e?.code ?? ''} ${e?.stack ?? e}` };
    document.getElementById('out').textContent = String(e);
  },
);
