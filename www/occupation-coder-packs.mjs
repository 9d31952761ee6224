// Where <occupation-coder> finds the pack of a classification.
//
// Bundlers (Vite, webpack, Rollup, Parcel) emit a file, and rewrite its URL, only for a literal
// `new URL('./file', import.meta.url)`. So each classification's entry module
// (occupation-coder-osca2024.mjs, -anzsco2022.mjs) registers its pack's URL as such a literal:
// an app that imports one classification's entry ships only that pack, and the URL survives
// Vite's dev-server pre-bundling (a template such as `./models/${c}.ocpk` makes bundlers emit
// every pack, and under pre-bundling pointed into node_modules/.vite/deps/).
const registered = new Map(); // classification -> pack URL

/** Called by the entry modules with a literal URL (see above). */
export function registerPack(classification, url) {
  registered.set(classification, url);
}

/** The pack's URL for `classification`: the registered one, or, when the files are used as
 * they are (copied to a site, no bundler), the pack in models/ next to this module. */
export function packUrl(classification) {
  if (registered.has(classification)) return registered.get(classification);
  if (!/^[a-z0-9]+$/.test(classification)) {
    throw Object.assign(new Error(`<occupation-coder>: bad classification "${classification}": use osca2024 or anzsco2022, or give a pack URL in the model attribute`),
      { code: 'BAD_CLASSIFICATION' });
  }
  // Not a literal on purpose: bundlers must not emit every pack for this fallback.
  const file = 'models/' + classification + '.ocpk'; // eslint-disable-line prefer-template
  return new URL(/* webpackIgnore: true */ file, import.meta.url).href;
}
