// Entry `occupation-coder/osca2024`: the widget with the OSCA 2024 pack only (see -packs.mjs).
import { registerPack } from './occupation-coder-packs.mjs';

registerPack('osca2024', new URL('./models/osca2024.ocpk', import.meta.url).href);
export * from './occupation-coder.mjs';
export { default } from './occupation-coder.mjs';
