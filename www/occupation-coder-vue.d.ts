// Template types for <occupation-coder> in Vue 3 (Volar / vue-tsc): add
//   /// <reference types="occupation-coder/vue" />
// to a .d.ts file of the app. Apart from the main types so that apps without Vue need no `vue`.
import type { DefineComponent } from 'vue';
import type { OccupationCoderAttributes, OccupationCoderEventMap } from './occupation-coder.js';

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

/** `@occupation-select` in a template is the prop `onOccupationSelect`: the DOM event. */
type EventProps = {
  [K in keyof OccupationCoderEventMap as `on${Capitalize<Camel<K>>}`]?: (event: OccupationCoderEventMap[K]) => void;
};

export type OccupationCoderVueComponent = DefineComponent<OccupationCoderAttributes & EventProps & { modelValue?: string }>;

declare module 'vue' {
  interface GlobalComponents {
    'occupation-coder': OccupationCoderVueComponent;
  }
}
