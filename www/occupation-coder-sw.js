// Service worker for <occupation-coder offline>; put it at the site's root (it controls pages
// in its own folder). Same-origin GETs go network-first with a cache fallback. The widget
// sends { type: 'occupation-coder-cache', urls, required } to cache what it needs on the
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

// Each URL is cached on its own: one that fails (a missing /favicon.ico) is skipped and
// reported; only `required` ones (wasm, pack) fail the request. Offline, a cached copy stands.
self.addEventListener('message', (event) => {
  const { data } = event;
  if (data?.type !== 'occupation-coder-cache' || !Array.isArray(data.urls)) return;
  const port = event.ports[0];
  event.waitUntil((async () => {
    try {
      const cache = await caches.open(CACHE);
      const ours = (u) => new URL(u).origin === self.location.origin;
      const required = (data.required ?? []).filter(ours);
      const urls = [...new Set([...data.urls, ...required])].filter(ours);
      const skipped = [], missing = [];
      await Promise.all(urls.map(async (u) => {
        try {
          const res = await fetch(u, { cache: 'no-cache' });
          if (!res.ok) throw new Error(`HTTP status ${res.status}`);
          await cache.put(u, res);
        } catch (e) {
          if (await cache.match(u)) return;
          (required.includes(u) ? missing : skipped).push(`${u} (${e.message})`);
        }
      }));
      port?.postMessage(missing.length ? { ok: false, skipped, error: `cannot cache what the coder needs: ${missing.join(', ')}` }
        : { ok: true, skipped, cached: urls.length - skipped.length });
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
