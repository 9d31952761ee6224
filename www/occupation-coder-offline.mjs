// Opt-in offline support for <occupation-coder offline>: registers occupation-coder-sw.js and
// has it cache the page, the widget, worker, wasm and pack (see the README, "Offline").
const ASSETS = [
  './occupation-coder.mjs', './occupation-coder-strings.mjs', './occupation-coder-style.mjs',
  './occupation-coder-client.mjs', './occupation-coder-offline.mjs', './occupation-coder-worker.mjs',
  './pkg/occupation_coder.js',
].map((p) => new URL(p, import.meta.url).href);
// A literal new URL(…), which bundlers rewrite to the wasm file they emit.
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

// A service worker's scope is at most its own folder unless the server sends
// Service-Worker-Allowed: for a page outside it, ask for the page's folder or say what to do.
async function register(url) {
  const own = new URL('./', url).href;
  if (location.href.startsWith(own)) return navigator.serviceWorker.register(url);
  try {
    return await navigator.serviceWorker.register(url, { scope: './' });
  } catch (e) {
    throw new Error(`the service worker ${url} cannot control this page (${location.pathname}), which is outside its folder: ` +
      `copy occupation-coder-sw.js to the site's root and write offline="/occupation-coder-sw.js", or send "Service-Worker-Allowed: /" with it (${e.message})`);
  }
}

// Registers the service worker (default: the one next to this module) and has it cache the
// page, what it loaded, the widget and `extra` (the pack); only the wasm and `extra` must load.
export async function enableOffline(swUrl, extra) {
  if (!('serviceWorker' in navigator)) throw new Error('service workers are not available here');
  const url = new URL(swUrl || './occupation-coder-sw.js', swUrl ? document.baseURI : import.meta.url).href;
  if (!registered.has(url)) registered.set(url, register(url).catch((e) => { registered.delete(url); throw e; }));
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
      if (data.skipped?.length) console.warn(`occupation-coder offline: not cached: ${data.skipped.join(', ')}`);
      data.ok ? resolve(data.cached) : reject(new Error(data.error));
    };
    sw.postMessage({ type: 'occupation-coder-cache', urls, required }, [port2]);
  });
}
