// Entry `occupation-coder/osca2024`: <occupation-coder> with only the OSCA 2024 pack, so a
// bundled app that codes to OSCA ships one pack (see occupation-coder-packs.mjs).
import { registerPack } from './occupation-coder-packs.mjs';

registerPack('osca2024', new URL('./models/osca2024.ocpk', import.meta.url).href);

export * from './occupation-coder.mjs';
export { default } from './occupation-coder.mjs';
