// Service worker for <occupation-coder offline> (or register it yourself:
//   navigator.serviceWorker.register('/occupation-coder-sw.js')).
// Same-origin GETs go to the network first and fall back to the cache, so a reload with no
// network still gets the page, the widget, its worker, the wasm module and the model pack.
// The widget sends { type: 'occupation-coder-cache', urls, required } to cache what it needs
// on the first visit, before this worker controlled the page. Nothing here ever sees form text.
// It controls pages at or below its own folder: put it at the site's root (or the form's
// folder), see the README's "Offline and privacy".
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

// Each URL is fetched and cached on its own: one that fails (a page's missing /favicon.ico, a
// file a bundler renamed) is skipped and reported, and only `required` ones (the wasm module
// and the model pack, without which the coder cannot start offline) fail the whole request.
self.addEventListener('message', (event) => {
  const { data } = event;
  if (data?.type !== 'occupation-coder-cache' || !Array.isArray(data.urls)) return;
  const port = event.ports[0];
  event.waitUntil((async () => {
    try {
      const cache = await caches.open(CACHE);
      const sameOrigin = (u) => new URL(u).origin === self.location.origin;
      const urls = data.urls.filter(sameOrigin);
      const required = new Set((Array.isArray(data.required) ? data.required : []).filter(sameOrigin));
      for (const u of required) if (!urls.includes(u)) urls.push(u);
      const skipped = [];
      await Promise.all(urls.map(async (u) => {
        try {
          const res = await fetch(u, { cache: 'no-cache' });
          if (!res.ok) throw new Error(`HTTP status ${res.status}`);
          await cache.put(u, res);
        } catch (e) {
          // Offline again (or the server down) on a later visit: the copy cached before stands.
          if (await cache.match(u)) return;
          skipped.push({ url: u, error: String(e?.message ?? e), required: required.has(u) });
        }
      }));
      const missing = skipped.filter((s) => s.required);
      if (missing.length) {
        port?.postMessage({ ok: false, error: `cannot cache what the coder needs offline: ${missing.map((s) => `${s.url} (${s.error})`).join(', ')}`, skipped });
      } else {
        port?.postMessage({ ok: true, cached: urls.length - skipped.length, skipped });
      }
    } catch (e) {
      port?.postMessage({ ok: false, error: String(e?.message ?? e), skipped: [] });
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
