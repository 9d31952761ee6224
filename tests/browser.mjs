// Shared set-up for every browser test and bench (widget, wasm, batch): .ci/serve.mjs on a
// free port (with the production CSP) and headless Debian Chromium via playwright-core.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ARTIFACTS = path.join(REPO, 'tests/artifacts');
export const SERVE = path.join(REPO, '.ci/serve.mjs');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Fails early, with the fix, when the wasm module or the packs are not built. */
export function requireBuilt() {
  for (const f of ['www/pkg/occupation_coder.js', 'www/pkg/occupation_coder_bg.wasm', 'www/models/osca2024.ocpk']) {
    if (!existsSync(path.join(REPO, f))) throw new Error(`${f} is missing: run \`make build\` (or make wasm / make packs)`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run .ci/setup.sh`);
}

/** Starts .ci/serve.mjs serving `root` (www/ by default; --csp by default, --cors on request);
 * resolves with { child, url }. */
export function startServer({ csp = true, cors = false, root = path.join(REPO, 'www') } = {}) {
  return new Promise((resolve, reject) => {
    const args = [SERVE, '--root', root, '--port', '0', '--host', '127.0.0.1'];
    if (csp) args.push('--csp');
    if (cors) args.push('--cors');
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${SERVE} printed no URL within 10 s`)), 10_000);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${SERVE} exited early (${code})`)));
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0] });
      }
    });
  });
}

export function stopServer(child) {
  child?.removeAllListeners('exit');
  child?.kill();
}

/** Headless Debian Chromium with the flags this machine needs, plus `extraArgs`. */
export async function launch({ extraArgs = [] } = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', ...extraArgs],
  });
}

/** Collects console errors, page errors and CSP violations of a page into `sink`. */
export async function watchErrors(page, sink) {
  page.on('console', (m) => {
    // Chromium asks for /favicon.ico by itself; its 404 is not the page's doing.
    if (m.type() === 'error' && !m.location().url?.endsWith('/favicon.ico')) {
      sink.push(`console: ${m.text()} (${m.location().url})`);
    }
  });
  page.on('pageerror', (e) => sink.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}
