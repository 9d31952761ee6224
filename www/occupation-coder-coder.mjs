// `occupation-coder/coder` in browsers, web workers and bundlers: loadCoder() fetches the
// WebAssembly module and a model pack and returns a ready OccupationCoder. Node resolves this
// export to occupation-coder-coder-node.mjs instead (package.json "node" condition), which
// reads the same files from disk: Node's fetch cannot read file: URLs.
import init, { OccupationCoder, limits } from './pkg/occupation_coder.js';
import { CLASSIFICATIONS, CoderLoadError, decode, parseSource } from './occupation-coder-coder-common.mjs';

export { OccupationCoder, limits, CLASSIFICATIONS, CoderLoadError };

// One literal `new URL(..., import.meta.url)` per pack, so bundlers see and emit them.
const SHIPPED = {
  osca2024: () => new URL('./models/osca2024.ocpk', import.meta.url),
  anzsco2022: () => new URL('./models/anzsco2022.ocpk', import.meta.url),
};

/**
 * A ready coder from a shipped classification ('osca2024', 'anzsco2022'), a pack's { url }
 * (fetched) or its { bytes }.
 */
export async function loadCoder(source) {
  const s = parseSource(source);
  await init();
  if ('bytes' in s) return decode(OccupationCoder, s.bytes, '');
  return OccupationCoder.fromUrl(String('url' in s ? s.url : SHIPPED[s.classification]()));
}
