// Template types for <occupation-coder> in Vue 3 (Volar / vue-tsc): add
//   /// <reference types="occupation-coder/vue" />
// to a .d.ts file of the app. Apart from the main types so that apps without Vue need no `vue`.
import type { DefineComponent } from 'vue';
import type { OccupationCoderAttributes, OccupationCoderEventMap } from './occupation-coder.js';

/** Vue's `@occupation-select` listens to the element's DOM event. */
type EventProps = {
  [K in keyof OccupationCoderEventMap as `on${Capitalize<K>}`]?: (event: OccupationCoderEventMap[K]) => void;
};

export type OccupationCoderVueComponent = DefineComponent<OccupationCoderAttributes & EventProps & { modelValue?: string }>;

declare module 'vue' {
  interface GlobalComponents {
    'occupation-coder': OccupationCoderVueComponent;
  }
}
