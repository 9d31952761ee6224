// Where <occupation-coder> finds a classification's pack. Bundlers emit a file (and Vite's
// dev-server pre-bundling keeps its path) only for a literal `new URL('./f', import.meta.url)`,
// so each classification's entry (occupation-coder-osca2024.mjs, -anzsco2022.mjs) registers
// its pack that way: an app importing one entry ships one pack.
const registered = new Map(); // classification -> pack URL

export function registerPack(classification, url) { registered.set(classification, url); }

/** The registered URL, or (files used as they are, no bundler) models/ next to this module. */
export function packUrl(c) {
  if (registered.has(c)) return registered.get(c);
  if (!/^[a-z0-9]+$/.test(c)) {
    throw Object.assign(new Error(`<occupation-coder>: bad classification "${c}": use osca2024 or anzsco2022, or a pack URL in model`), { code: 'BAD_CLASSIFICATION' });
  }
  const file = 'models/' + c + '.ocpk'; // not a literal: bundlers must not emit every pack for it
  return new URL(/* webpackIgnore: true */ file, import.meta.url).href;
}
