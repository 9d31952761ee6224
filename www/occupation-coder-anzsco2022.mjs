// Entry `occupation-coder/anzsco2022`: <occupation-coder> with only the ANZSCO 2022 pack
// (see occupation-coder-packs.mjs).
import { registerPack } from './occupation-coder-packs.mjs';

registerPack('anzsco2022', new URL('./models/anzsco2022.ocpk', import.meta.url).href);

export * from './occupation-coder.mjs';
export { default } from './occupation-coder.mjs';
