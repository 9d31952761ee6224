// A Node app's use of occupation-coder/coder, type-checked against the installed tarball's
// declarations (strict, NodeNext resolution picks the "types" condition of the export).
import {
  loadCoder, CoderLoadError, CLASSIFICATIONS, OccupationCoder, limits,
  type Classification, type CoderSource, type Suggestion, type CodeResult, type OccupationCoderError,
} from 'occupation-coder/coder';

const which: Classification = CLASSIFICATIONS[0];
const coder: OccupationCoder = await loadCoder(which);
const best: Suggestion | undefined = coder.suggest('brickie', '', 5)[0];
const code: string | undefined = best?.code;
const result: CodeResult = coder.code({ id: '1', title: 'retired' });
const status: 'successful' | 'unsuccessful' = result.codeStatus;
const max: number = limits().maxBatch;
const sources: CoderSource[] = [
  'anzsco2022', { url: 'https://example.org/x.ocpk' }, { url: new URL('file:///x.ocpk') },
  { bytes: new Uint8Array(8) }, { bytes: new ArrayBuffer(8) },
];

try {
  await loadCoder({ url: '/missing.ocpk' });
} catch (e) {
  if (e instanceof CoderLoadError) {
    const c: 'UNKNOWN_CLASSIFICATION' | 'BAD_INPUT' | 'PACK_NOT_FOUND' | 'PACK_READ_FAILED' | 'WASM_NOT_FOUND' = e.code;
    void c;
  } else {
    const c: string = (e as OccupationCoderError).code;
    void c;
  }
}

// @ts-expect-error: not a shipped classification
await loadCoder('isco08');
// @ts-expect-error: a path is given as { url }
await loadCoder({ path: 'x.ocpk' });
// @ts-expect-error: suggest's title is a string
coder.suggest(42);

export { code, status, max, sources };
