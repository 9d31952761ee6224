// Service worker for <occupation-coder offline> (or register it yourself:
//   navigator.serviceWorker.register('/occupation-coder-sw.js')).
// Same-origin GETs go to the network first and fall back to the cache, so a reload with no
// network still gets the page, the widget, its worker, the wasm module and the model pack.
// The widget sends { type: 'occupation-coder-cache', urls } to cache what it needs on the
// first visit, before this worker controlled the page. Nothing here ever sees form text.
const CACHE = 'occupation-coder-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('occupation-coder-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const { data } = event;
  if (data?.type !== 'occupation-coder-cache' || !Array.isArray(data.urls)) return;
  const port = event.ports[0];
  event.waitUntil((async () => {
    try {
      const cache = await caches.open(CACHE);
      const urls = data.urls.filter((u) => new URL(u).origin === self.location.origin);
      await Promise.all(urls.map(async (u) => {
        const res = await fetch(u, { cache: 'no-cache' });
        if (!res.ok) throw new Error(`${u}: HTTP status ${res.status}`);
        await cache.put(u, res);
      }));
      port?.postMessage({ ok: true, cached: urls.length });
    } catch (e) {
      port?.postMessage({ ok: false, error: String(e?.message ?? e) });
    }
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const res = await fetch(req);
      if (res.ok && res.type === 'basic') cache.put(req, res.clone());
      return res;
    } catch (e) {
      const hit = await cache.match(req, { ignoreSearch: req.mode === 'navigate' });
      if (hit) return hit;
      throw e;
    }
  })());
});
