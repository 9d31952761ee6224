/// <reference types="occupation-coder/react" />
// Type-checked by `tsc --noEmit` (npm run typecheck): the package's JSX types for
// <occupation-coder> under React 19, with the app's own tsconfig (no lib: esnext).
import { useRef, useState } from 'react';
import 'occupation-coder/osca2024';
import type { OccupationCoderElement, OccupationSelectDetail } from 'occupation-coder';

export function Typed() {
  const ref = useRef<OccupationCoderElement>(null);
  const [code, setCode] = useState('');
  const [detail, setDetail] = useState<OccupationSelectDetail | null>(null);
  return (
    <>
      <occupation-coder ref={ref} name="occupation" classification="anzsco2022" required no-tasks
        suggestions={5} min-chars={2} load="eager" label="Job title"
        onChange={(e) => setCode(e.currentTarget.value)}
        onoccupation-select={(e) => setDetail(e.detail)} />
      <button type="button" onClick={() => ref.current?.load().then((info) => console.log(info.classification))}>Load</button>
      <output>{code} {detail?.label}</output>
    </>
  );
}

// @ts-expect-error: not a classification the package ships
export const wrong = <occupation-coder classification="isco08" />;
