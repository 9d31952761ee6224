// Types of `occupation-coder/coder` (both its browser and its Node entry).
import type { OccupationCoder, OccupationCoderError } from './pkg/occupation_coder.js';

export { OccupationCoder, limits } from './pkg/occupation_coder.js';
export type {
  Suggestion, PathStep, CodeLevel, OccupationRecord, CodeResult, CodedResult, CodeStatus, UncodedReason,
  ModelInfo, Limits, OccupationCoderError, OccupationCoderErrorCode,
} from './pkg/occupation_coder.js';

/** The classifications whose packs ship in the package. */
export type Classification = 'osca2024' | 'anzsco2022';
export declare const CLASSIFICATIONS: readonly Classification[];

/** What loadCoder loads: a shipped classification, a pack's URL (in Node also a path or
 * file: URL), or a pack's bytes. */
export type CoderSource = Classification | { url: string | URL } | { bytes: Uint8Array | ArrayBuffer | ArrayBufferView };

export type CoderLoadErrorCode =
  | 'UNKNOWN_CLASSIFICATION' | 'BAD_INPUT' | 'PACK_NOT_FOUND' | 'PACK_READ_FAILED' | 'WASM_NOT_FOUND';

/** A load that failed before a pack reached the decoder. */
export declare class CoderLoadError extends Error {
  readonly name: 'CoderLoadError';
  readonly code: CoderLoadErrorCode;
}

/**
 * A ready coder. Rejects with a CoderLoadError, or with the decoder's OccupationCoderError
 * (`PACK_BAD_MAGIC`, `PACK_TRUNCATED`, ... for bad bytes; `FETCH_FAILED`,
 * `FETCH_HTTP_STATUS` for a URL that cannot be fetched).
 */
export declare function loadCoder(source: CoderSource): Promise<OccupationCoder>;
