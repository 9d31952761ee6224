// Opt-in offline support for <occupation-coder offline>: registers occupation-coder-sw.js and
// asks it to cache the page, the widget's modules, the worker, the wasm module and the pack,
// so the form keeps working with no network after the first visit. Resolves once cached.
// A file that cannot be fetched (a missing favicon, a module a bundler renamed) is skipped and
// reported with console.warn; only the wasm module and the pack must be cached.
const ASSETS = [
  './occupation-coder.mjs', './occupation-coder-strings.mjs', './occupation-coder-style.mjs',
  './occupation-coder-client.mjs', './occupation-coder-offline.mjs', './occupation-coder-worker.mjs',
  './pkg/occupation_coder.js',
].map((p) => new URL(p, import.meta.url).href);
// A literal `new URL(…, import.meta.url)`, so bundlers that emit the worker's wasm rewrite this
// one to the same emitted file.
const WASM = new URL('./pkg/occupation_coder_bg.wasm', import.meta.url).href;

const registered = new Map(); // service worker URL -> Promise<ServiceWorkerRegistration>

function activeWorker(reg) {
  const sw = reg.active ?? reg.waiting ?? reg.installing;
  if (!sw || sw.state === 'activated') return Promise.resolve(sw);
  return new Promise((resolve) => {
    sw.addEventListener('statechange', function on() {
      if (sw.state === 'activated' || sw.state === 'redundant') {
        sw.removeEventListener('statechange', on);
        resolve(reg.active);
      }
    });
  });
}

/**
 * A service worker controls only pages under its scope, which is at most its own folder
 * unless the server sends `Service-Worker-Allowed`. When the page is outside that folder
 * (the script copied to /occupation-coder/, the form at /survey.html), ask for the page's
 * folder, and if the server does not allow it, say how to fix the layout.
 */
async function register(url) {
  const own = new URL('./', url).href;
  if (location.href.startsWith(own)) return navigator.serviceWorker.register(url);
  const scope = new URL('./', location.href).href;
  try {
    return await navigator.serviceWorker.register(url, { scope });
  } catch (e) {
    const err = new Error(`the service worker ${url} cannot control this page (${location.pathname}): a service worker ` +
      `controls only pages in its own folder (${new URL(own).pathname}). Copy occupation-coder-sw.js to the site's root ` +
      `and write offline="/occupation-coder-sw.js", or serve it with the header "Service-Worker-Allowed: /" (${e?.message ?? e})`);
    err.code = 'OFFLINE_SCOPE';
    throw err;
  }
}

/**
 * Registers the service worker (default: occupation-coder-sw.js next to this module) and has
 * it cache `extra` URLs (the pack; required) besides the page, the widget's own files and
 * whatever same-origin files the page has loaded so far.
 */
export async function enableOffline(swUrl, extra) {
  if (!('serviceWorker' in navigator)) throw new Error('service workers are not available here');
  const url = new URL(swUrl || './occupation-coder-sw.js', swUrl ? document.baseURI : import.meta.url).href;
  if (!registered.has(url)) {
    const reg = register(url);
    registered.set(url, reg);
    reg.catch(() => registered.delete(url));
  }
  const sw = await activeWorker(await registered.get(url));
  if (!sw) throw new Error('the service worker did not activate');
  // Everything same-origin the page loaded before the service worker controlled it.
  const loaded = performance.getEntriesByType('resource').map((e) => e.name)
    .filter((u) => new URL(u).origin === location.origin);
  const required = [WASM, ...extra];
  const urls = [...new Set([location.href.split('#')[0], ...loaded, ...ASSETS, ...required])];
  return new Promise((resolve, reject) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = ({ data }) => {
      const optional = (data.skipped ?? []).filter((s) => !s.required);
      if (optional.length) {
        console.warn(`occupation-coder offline: not cached (not needed by the coder): ${optional.map((s) => `${s.url} (${s.error})`).join(', ')}`);
      }
      if (data.ok) resolve(data.cached);
      else reject(Object.assign(new Error(data.error), { code: 'OFFLINE_FAILED' }));
    };
    sw.postMessage({ type: 'occupation-coder-cache', urls, required }, [port2]);
  });
}
