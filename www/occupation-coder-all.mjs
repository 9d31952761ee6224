// Entry `occupation-coder`: <occupation-coder> with both classifications' packs. A bundler
// emits both (3.3 MB); the widget fetches only the one in use. Import
// `occupation-coder/osca2024` or `occupation-coder/anzsco2022` to ship one.
import './occupation-coder-osca2024.mjs';
import './occupation-coder-anzsco2022.mjs';

export * from './occupation-coder.mjs';
export { default } from './occupation-coder.mjs';
