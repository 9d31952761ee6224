// JSX types for <occupation-coder> in React 19 (`react-jsx`): add
//   /// <reference types="occupation-coder/react" />
// to a .d.ts or .tsx file of the app. Apart from the main types so that apps without React
// (Vue, Svelte, plain) do not need @types/react.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { OccupationCoderAttributes, OccupationCoderElement, OccupationCoderEventMap } from './occupation-coder.js';

/** React 19 listens to `on<event-name>` props of custom elements as DOM events. */
type EventProps = {
  [K in keyof OccupationCoderEventMap as `on${K}`]?: (event: OccupationCoderEventMap[K]) => void;
};

export type OccupationCoderJSXProps = DetailedHTMLProps<HTMLAttributes<OccupationCoderElement>, OccupationCoderElement>
  & OccupationCoderAttributes & EventProps;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'occupation-coder': OccupationCoderJSXProps;
    }
  }
}
