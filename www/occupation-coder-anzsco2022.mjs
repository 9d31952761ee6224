// Entry `occupation-coder/anzsco2022`: the widget with the ANZSCO 2022 pack only (see -packs.mjs).
import { registerPack } from './occupation-coder-packs.mjs';

registerPack('anzsco2022', new URL('./models/anzsco2022.ocpk', import.meta.url).href);
export * from './occupation-coder.mjs';
export { default } from './occupation-coder.mjs';
