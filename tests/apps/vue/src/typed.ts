/// <reference types="occupation-coder/vue" />
// Type-checked by `tsc --noEmit`: the package's Vue template types (GlobalComponents, as
// Volar / vue-tsc read them), with the app's own tsconfig (no lib: esnext).
import type { GlobalComponents } from 'vue';
import type { OccupationSelectDetail } from 'occupation-coder/osca2024';

type Props = InstanceType<GlobalComponents['occupation-coder']>['$props'];

export const props: Props = {
  name: 'occupation', classification: 'osca2024', required: true, modelValue: '',
  onOccupationSelect: (e: CustomEvent<OccupationSelectDetail>) => console.log(e.detail.code),
};

// @ts-expect-error: not a classification the package ships
export const wrong: Props = { classification: 'isco08' };
