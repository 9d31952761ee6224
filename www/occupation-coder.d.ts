// Types for <occupation-coder> (www/occupation-coder.mjs), the npm package's main export.

// CodeLevel and ModelInfo repeat the coder's own types (wasm-bindgen's www/pkg/occupation_coder.d.ts)
// rather than importing them: that file declares `[Symbol.dispose]`, which needs `lib: esnext`,
// and an app's TypeScript should not need that to use the widget.
export type CodeLevel = 1 | 2 | 3 | 4 | 6;

/** The loaded pack's info (the coder's `info()`). */
export interface ModelInfo {
  /** "osca2024" or "anzsco2022". */
  classification: string;
  classificationVersion: string;
  trainerVersion: string;
  formatVersion: number;
  coderVersion: string;
  groups: number;
  occupations: number;
  weights: number;
  buckets: number;
  minConditional: number;
  minJoint: number;
  nonClassificationCodes: string[];
  /** Classification whose codes `recode` accepts (`anzsco2022` for the OSCA pack), else null. */
  recodesFrom: string | null;
}

/**
 * `occupation-error`'s `code`: the coder's own codes (a pack that will not load:
 * `FETCH_HTTP_STATUS`, `FETCH_FAILED`, `PACK_*`), or `WORKER_START_FAILED` (the worker could
 * not start: check `base`, CORS and the CSP; reported once, retried after 10 s),
 * `WORKER_FAILED` (it stopped; a fresh one takes the next input), `WASM_TRAP`,
 * `OFFLINE_FAILED`, `BAD_CLASSIFICATION`.
 */
export type OccupationErrorCode = 'FETCH_HTTP_STATUS' | 'FETCH_FAILED' | `PACK_${string}`
  | 'WORKER_START_FAILED' | 'WORKER_FAILED' | 'WASM_TRAP' | 'OFFLINE_FAILED' | 'BAD_CLASSIFICATION'
  | (string & {});

export interface OccupationErrorDetail {
  message: string;
  code: OccupationErrorCode;
}

/** The classifications the package ships a pack for. */
export type Classification = 'osca2024' | 'anzsco2022';

/** The element's attributes, as JSX / template props (every one is also a property). */
export interface OccupationCoderAttributes {
  classification?: Classification;
  /** A pack URL instead of the classification's own pack. */
  model?: string;
  name?: string;
  required?: boolean;
  disabled?: boolean;
  label?: string;
  hint?: string;
  'tasks-label'?: string;
  'tasks-hint'?: string;
  'no-tasks'?: boolean;
  /** How many suggestions (1–20, default 5). */
  suggestions?: number;
  /** Characters typed before suggesting (default 2). */
  'min-chars'?: number;
  load?: 'eager';
  /** Folder the worker, wasm and packs are loaded from (a CDN): see README. */
  base?: string;
  /** Copies the answer into the page's own named inputs, e.g. "code:occ_code, label:occ_label". */
  fields?: string;
  /** Registers the service worker next to the module, or the one at this URL. */
  offline?: boolean | string;
  /** The chosen code; setting the code it already has does nothing. */
  value?: string;
}

/** The element's own events, by name. */
export interface OccupationCoderEventMap {
  'occupation-select': CustomEvent<OccupationSelectDetail>;
  'occupation-clear': CustomEvent<Record<string, never>>;
  'occupation-suggestions': CustomEvent<OccupationSuggestionsDetail>;
  'occupation-ready': CustomEvent<{ info: ModelInfo }>;
  'occupation-error': CustomEvent<OccupationErrorDetail>;
  'occupation-offline-ready': CustomEvent<{ cached: number }>;
}

/** A suggestion as the widget shows it. */
export interface WidgetSuggestion {
  code: string;
  label: string;
  level: CodeLevel;
  /** Joint probability of the whole path, in (0, 1]. */
  confidence: number;
  /** Label of the group the occupation belongs to ("" at the top level). */
  group: string;
}

/** The respondent's choice; `other` is "None of these" (code and label are then ""). */
export interface OccupationSelection {
  code: string;
  label: string;
  level: CodeLevel | 0;
  confidence: number;
  group: string;
  other: boolean;
}

export interface OccupationSelectDetail extends OccupationSelection {
  classification: string;
  classificationVersion: string;
  /** The trainer version of the loaded pack. */
  modelVersion: string;
  /** The text typed when choosing. */
  title: string;
  tasks: string;
}

export interface OccupationSuggestionsDetail {
  seq: number;
  /** 'follow-up' when the coder was only sure of a group and lists its occupations. */
  mode: 'suggest' | 'follow-up';
  group: { code: string; label: string; level: CodeLevel; confidence: number } | null;
  count: number;
  suggestions: WidgetSuggestion[];
  title: string;
}

/** Every user-visible string; `{name}` marks a placeholder. */
export interface OccupationCoderStrings {
  titleLabel: string; titleHint: string; tasksLabel: string; tasksHint: string;
  suggestionsHeading: string; followUpQuestion: string; followUpGroup: string; none: string;
  group: string; confidence: string; loading: string; loadError: string; noResults: string;
  tooLong: string; countNone: string; countOne: string; countMany: string; followUpAnnounce: string;
  selected: string; selectedOther: string; announceSelected: string; announceOther: string;
  change: string; required: string; requiredUnavailable: string; privacy: string;
}

export declare const DEFAULT_STRINGS: Readonly<OccupationCoderStrings>;

/**
 * `<occupation-coder>`: attributes `classification` (osca2024 | anzsco2022), `model` (pack URL),
 * `suggestions` (k, default 5), `min-chars` (default 2), `name`, `required`, `label`,
 * `tasks-label`, `hint`, `tasks-hint`, `no-tasks`, `load="eager"`, `offline[="sw-url"]`,
 * `base` (the folder holding the worker, `pkg/` and `models/`, if not beside the module).
 * `fields="code:input-name, label:input-name, ..."` copies the answer into the page's own inputs.
 */
export declare class OccupationCoderElement extends HTMLElement {
  static readonly formAssociated: true;
  /** The chosen code ("" if none, or "None of these"); setting a code looks up its label. */
  value: string;
  readonly selection: OccupationSelection | null;
  /** The typed job title. */
  jobTitle: string;
  /** The typed tasks. */
  tasks: string;
  readonly info: ModelInfo | null;
  /** Get the table in use; set a partial table (merged over the defaults). */
  strings: Partial<OccupationCoderStrings>;
  readonly form: HTMLFormElement | null;
  // Each attribute as a reflected property (null when the attribute is absent).
  classification: string | null;
  model: string | null;
  name: string | null;
  required: boolean;
  disabled: boolean;
  label: string | null;
  hint: string | null;
  tasksLabel: string | null;
  tasksHint: string | null;
  noTasks: boolean;
  suggestions: number | null;
  minChars: number | null;
  /** Folder of the worker, `pkg/` and `models/` when not beside the module (a CDN). */
  base: string | null;
  /** "code:input-name, label:input-name, …": the host form's inputs the answer is copied to. */
  fields: string | null;
  /** The attribute's value ("" = the service worker next to the module); set true/false/URL. */
  get offline(): string | null;
  set offline(v: boolean | string | null);
  readonly type: 'occupation-coder';
  readonly validity: ValidityState;
  readonly validationMessage: string;
  readonly willValidate: boolean;
  checkValidity(): boolean;
  reportValidity(): boolean;
  /** Loads the model now (otherwise on first focus). Setting `load` ('eager') sets the attribute. */
  get load(): () => Promise<ModelInfo>;
  set load(v: 'eager' | null);
  /** Clears the text and the choice (fires occupation-clear unless silent). */
  clear(options?: { silent?: boolean }): void;
}

export default OccupationCoderElement;

declare global {
  interface HTMLElementTagNameMap {
    'occupation-coder': OccupationCoderElement;
  }
  interface HTMLElementEventMap extends OccupationCoderEventMap {}
}
