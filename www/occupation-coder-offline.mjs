// Opt-in offline support for <occupation-coder offline>: registers occupation-coder-sw.js and
// asks it to cache the page, the widget's modules, the worker, the wasm module and the pack,
// so the form keeps working with no network after the first visit. Resolves once cached.
const ASSETS = [
  './occupation-coder.mjs', './occupation-coder-strings.mjs', './occupation-coder-style.mjs',
  './occupation-coder-client.mjs', './occupation-coder-offline.mjs', './occupation-coder-worker.mjs',
  './pkg/occupation_coder.js', './pkg/occupation_coder_bg.wasm',
].map((p) => new URL(p, import.meta.url).href);

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
 * Registers the service worker (default: occupation-coder-sw.js next to this module) and has
 * it cache `extra` URLs (the pack, the page) besides the widget's own files.
 */
export async function enableOffline(swUrl, extra) {
  if (!('serviceWorker' in navigator)) throw new Error('service workers are not available here');
  const url = new URL(swUrl || './occupation-coder-sw.js', swUrl ? document.baseURI : import.meta.url).href;
  if (!registered.has(url)) registered.set(url, navigator.serviceWorker.register(url));
  const sw = await activeWorker(await registered.get(url));
  if (!sw) throw new Error('the service worker did not activate');
  // Everything same-origin the page loaded before the service worker controlled it.
  const loaded = performance.getEntriesByType('resource').map((e) => e.name)
    .filter((u) => new URL(u).origin === location.origin);
  const urls = [...new Set([location.href.split('#')[0], ...loaded, ...ASSETS, ...extra])];
  return new Promise((resolve, reject) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = ({ data }) => (data.ok ? resolve(data.cached) : reject(new Error(data.error)));
    sw.postMessage({ type: 'occupation-coder-cache', urls }, [port2]);
  });
}
