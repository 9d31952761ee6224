// Bundles app.js with enketo-core the way a self-hosted Enketo does (esbuild, browser
// platform, the package's own "browser" aliases), with this app's enketo/widgets. The
// occupation-coder modules stay external (an import map maps them to /www/), so the widget
// finds its worker, wasm and packs next to itself.
//   node build.mjs  ->  dist/app.js
import * as esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
await esbuild.build({
  entryPoints: [path.join(here, 'app.js')],
  outfile: path.join(here, 'dist/app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  logLevel: 'warning',
  loader: { '.xml': 'text' },
  // libxslt: only for a server-side preprocess function, which this app does not use.
  external: ['occupation-coder/*', 'libxslt'],
  plugins: [{
    name: 'enketo-widgets',
    setup(build) {
      build.onResolve({ filter: /^enketo\/widgets$/ }, () => ({ path: path.join(here, 'widgets.js') }));
    },
  }],
});
