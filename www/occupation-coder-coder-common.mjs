// What the browser and Node entries of `occupation-coder/coder` share: the classifications the
// package ships, the typed load error, and reading the caller's source argument. No DOM and no
// Node built-ins here, so both entries (and any bundler) can import it.

/** The classifications whose packs ship in the package (www/models/<name>.ocpk). */
export const CLASSIFICATIONS = Object.freeze(['osca2024', 'anzsco2022']);

/** A load that failed before a pack reached the decoder; `code` says which way. */
export class CoderLoadError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'CoderLoadError';
    this.code = code;
  }
}

const describe = (v) =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `the string ${JSON.stringify(v)}` : typeof v === 'object' ? `an object with keys ${JSON.stringify(Object.keys(v))}` : `${typeof v} ${String(v)}`;

/** Bytes as the decoder takes them: any ArrayBuffer view or an ArrayBuffer, else null. */
function asBytes(v) {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return null;
}

/**
 * Reads loadCoder's argument: 'osca2024' | 'anzsco2022' | { url } | { bytes }.
 * @returns {{ classification: string } | { url: string | URL } | { bytes: Uint8Array }}
 */
export function parseSource(source) {
  if (typeof source === 'string') {
    if (CLASSIFICATIONS.includes(source)) return { classification: source };
    throw new CoderLoadError(
      'UNKNOWN_CLASSIFICATION',
      `unknown classification ${JSON.stringify(source)}: use one of ${CLASSIFICATIONS.join(', ')}, or pass { url } or { bytes } for another pack`,
    );
  }
  if (source && typeof source === 'object' && 'bytes' in source) {
    const bytes = asBytes(source.bytes);
    if (bytes) return { bytes };
    throw new CoderLoadError('BAD_INPUT', `{ bytes } must be a Uint8Array (or an ArrayBuffer), got ${describe(source.bytes)}`);
  }
  if (source && typeof source === 'object' && 'url' in source) {
    if (typeof source.url === 'string' || source.url instanceof URL) return { url: source.url };
    throw new CoderLoadError('BAD_INPUT', `{ url } must be a string or a URL, got ${describe(source.url)}`);
  }
  throw new CoderLoadError(
    'BAD_INPUT',
    `loadCoder takes a classification (${CLASSIFICATIONS.join(', ')}), { url } or { bytes }, got ${describe(source)}`,
  );
}

/** Loads bytes with the decoder; its error (a PACK_* code) is kept, naming where they came from. */
export function decode(OccupationCoder, bytes, where) {
  try {
    return OccupationCoder.fromBytes(bytes);
  } catch (e) {
    if (where && e instanceof Error) e.message = `${where}: ${e.message}`;
    throw e;
  }
}
