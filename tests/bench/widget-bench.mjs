// <occupation-coder> in headless Chromium (www/survey.html served by .ci/serve.mjs --csp):
//  - cold start: navigation start to the first suggestions rendered for 'brickie', typed as
//    soon as the element is defined, in a fresh browser context (empty caches) each run;
//  - warm input-to-render: an input event to the suggestions in the DOM (and to the next
//    animation frame), median and p95 over the bench inputs' titles, model loaded;
//  - the widget's own JS size, gzipped (module + worker glue; not the wasm-bindgen JS or .wasm).
//   node tests/bench/widget-bench.mjs [--runs 7] [--samples 300]
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { REPO, requireBuilt, startServer, stopServer, launch } from '../browser.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('--runs', 7);
const SAMPLES = arg('--samples', 300);
const TITLES = ['Registered nurse', 'brickie', 'Cleaner', 'Software engineer', 'Primary school teacher',
  'truck driver', 'Accountant', 'Retail assistant', 'electrition', 'Chef', 'Farm hand', 'Receptionist',
  'Aged care worker', 'Plumber', 'Project manager', 'Barista', 'Mechanic', 'Police officer', 'Hairdresser',
  'Warehouse worker'];
const WIDGET_FILES = ['occupation-coder.mjs', 'occupation-coder-strings.mjs', 'occupation-coder-style.mjs',
  'occupation-coder-client.mjs', 'occupation-coder-offline.mjs', 'occupation-coder-worker.mjs', 'occupation-coder-sw.js'];

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
};
const ms = (x) => `${x.toFixed(1)} ms`;

requireBuilt();
const { child, url: base } = await startServer({ csp: true });
const browser = await launch();
try {
  // ---- cold start ----
  const cold = [];
  const ready = [];
  const defined = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__bench = new Promise((resolve) => {
        customElements.whenDefined('occupation-coder').then(() => {
          const defined = performance.now();
          const w = document.querySelector('occupation-coder');
          let readyAt = 0;
          w.addEventListener('occupation-ready', () => { readyAt = performance.now(); });
          w.addEventListener('occupation-suggestions', (e) => {
            if (e.detail.count > 0) resolve({ first: performance.now(), ready: readyAt, defined });
          });
          const input = w.shadowRoot.querySelector('input');
          input.focus();
          input.value = 'brickie';
          input.dispatchEvent(new Event('input', { bubbles: true }));
        });
      });
    });
    await page.goto(`${base}survey.html`);
    const r = await page.evaluate(() => window.__bench);
    cold.push(r.first);
    ready.push(r.ready);
    defined.push(r.defined);
    await context.close();
  }

  // ---- warm input-to-render ----
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}survey.html`);
  await page.waitForFunction(() => customElements.get('occupation-coder'));
  await page.evaluate(() => document.querySelector('occupation-coder').load());
  const warm = await page.evaluate(async ({ titles, samples }) => {
    const w = document.querySelector('occupation-coder');
    const input = w.shadowRoot.querySelector('input');
    input.focus();
    const dom = [];
    const frame = [];
    for (let i = 0; i < samples + 20; i++) {
      const t = titles[i % titles.length];
      const text = i % 2 ? t : t.slice(0, Math.max(2, t.length - 2)); // a change every time
      const shown = new Promise((resolve) => w.addEventListener('occupation-suggestions', () => resolve(performance.now()), { once: true }));
      const t0 = performance.now();
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const t1 = await shown;
      const t2 = await new Promise((r) => requestAnimationFrame(() => r(performance.now())));
      if (i >= 20) { dom.push(t1 - t0); frame.push(t2 - t0); } // the first 20 warm up
      await new Promise((r) => setTimeout(r, 5));
    }
    return { dom, frame };
  }, { titles: TITLES, samples: SAMPLES });
  await context.close();

  const gz = WIDGET_FILES.map((f) => [f, gzipSync(readFileSync(path.join(REPO, 'www', f))).length]);
  const total = gz.reduce((n, [, b]) => n + b, 0);
  const other = ['pkg/occupation_coder.js', 'pkg/occupation_coder_bg.wasm', 'models/osca2024.ocpk']
    .map((f) => [f, gzipSync(readFileSync(path.join(REPO, 'www', f))).length]);

  const { loadavg, cpus } = await import('node:os');
  console.log(`widget bench (headless Chromium, ${base}survey.html with CSP; ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)})`);
  console.log(`cold start to first suggestion (${RUNS} fresh contexts): median ${ms(q(cold, 0.5))}, min ${ms(Math.min(...cold))}, max ${ms(Math.max(...cold))}`);
  console.log(`  element defined (page + modules) at: median ${ms(q(defined, 0.5))}; model ready at: median ${ms(q(ready, 0.5))}`);
  console.log(`input to suggestions in the DOM (${SAMPLES} samples, warm): median ${ms(q(warm.dom, 0.5))}, p95 ${ms(q(warm.dom, 0.95))}, max ${ms(Math.max(...warm.dom))}`);
  console.log(`input to the next animation frame after render: median ${ms(q(warm.frame, 0.5))}, p95 ${ms(q(warm.frame, 0.95))}`);
  console.log(`widget JS gzipped: ${total} bytes (${(total / 1024).toFixed(1)} kB): ${gz.map(([f, b]) => `${f} ${b}`).join(', ')}`);
  console.log(`not counted, gzipped: ${other.map(([f, b]) => `${f} ${b}`).join(', ')}`);
} finally {
  await browser.close();
  stopServer(child);
}
