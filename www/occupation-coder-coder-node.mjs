// `occupation-coder/coder` in Node 20+: loadCoder() reads the WebAssembly module and the
// package's model packs from disk (initSync + fromBytes), since Node's fetch cannot read
// file: URLs; http(s) URLs are fetched. Same exports as occupation-coder-coder.mjs.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { initSync, OccupationCoder, limits } from './pkg/occupation_coder.js';
import { CLASSIFICATIONS, CoderLoadError, decode, parseSource } from './occupation-coder-coder-common.mjs';

export { OccupationCoder, limits, CLASSIFICATIONS, CoderLoadError };

let ready; // Promise of the instantiated module, shared by every loadCoder call

function initWasm() {
  ready ??= readFile(new URL('./pkg/occupation_coder_bg.wasm', import.meta.url)).then(
    (module) => initSync({ module }),
    (e) => {
      ready = undefined; // let a later call try again
      throw new CoderLoadError('WASM_NOT_FOUND', `cannot read the WebAssembly module ${e.path ?? ''}: reinstall occupation-coder (${e.message})`, { cause: e });
    },
  );
  return ready;
}

/** A file: URL or a path (relative to the working directory); any other URL (http:, https:,
 * data:) is fetched. A one-letter scheme is a Windows drive, so a path. */
function localPath(url) {
  if (url instanceof URL) return url.protocol === 'file:' ? fileURLToPath(url) : null;
  if (url.startsWith('file:')) return fileURLToPath(url);
  return /^[a-z][a-z0-9+.-]+:/i.test(url) ? null : url;
}

async function readPack(path) {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if (e.code === 'ENOENT') {
      throw new CoderLoadError('PACK_NOT_FOUND', `model pack ${path} does not exist: check the path, or pass a classification (${CLASSIFICATIONS.join(', ')})`, { cause: e });
    }
    throw new CoderLoadError('PACK_READ_FAILED', `cannot read model pack ${path}: ${e.message}`, { cause: e });
  }
}

/**
 * A ready coder from a shipped classification ('osca2024', 'anzsco2022'), a pack's { url }
 * (a path, a file: URL, or http(s) to fetch) or its { bytes }.
 */
export async function loadCoder(source) {
  const s = parseSource(source);
  await initWasm();
  if ('bytes' in s) return decode(OccupationCoder, s.bytes, '');
  const path = 'url' in s ? localPath(s.url) : fileURLToPath(new URL(`./models/${s.classification}.ocpk`, import.meta.url));
  if (path === null) return OccupationCoder.fromUrl(String(s.url));
  return decode(OccupationCoder, await readPack(path), path);
}
