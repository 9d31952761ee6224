// Types for <occupation-coder> (www/occupation-coder.mjs), the npm package's main export.

/** Digits in a code: 1 major group, 2 sub-major, 3 minor, 4 unit group, 6 occupation. */
export type CodeLevel = 1 | 2 | 3 | 4 | 6;

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

/** The pack's info(), as in www/pkg/occupation_coder.d.ts. */
export interface ModelInfo {
  classification: string;
  classificationVersion: string;
  trainerVersion: string;
  formatVersion: number;
  coderVersion: string;
  groups: number;
  occupations: number;
  [key: string]: unknown;
}

/** Every user-visible string; `{name}` marks a placeholder. */
export interface OccupationCoderStrings {
  titleLabel: string; titleHint: string; tasksLabel: string; tasksHint: string;
  suggestionsHeading: string; followUpQuestion: string; followUpGroup: string; none: string;
  group: string; confidence: string; loading: string; loadError: string; noResults: string;
  countNone: string; countOne: string; countMany: string; followUpAnnounce: string;
  selected: string; selectedOther: string; announceSelected: string; announceOther: string;
  change: string; required: string; privacy: string;
}

export declare const DEFAULT_STRINGS: Readonly<OccupationCoderStrings>;

/**
 * `<occupation-coder>`: attributes `classification` (osca2024 | anzsco2022), `model` (pack URL),
 * `suggestions` (k, default 5), `min-chars` (default 2), `name`, `required`, `label`,
 * `tasks-label`, `hint`, `tasks-hint`, `no-tasks`, `load="eager"`, `offline[="sw-url"]`.
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
  readonly name: string | null;
  readonly type: 'occupation-coder';
  readonly validity: ValidityState;
  readonly validationMessage: string;
  readonly willValidate: boolean;
  checkValidity(): boolean;
  reportValidity(): boolean;
  /** Loads the model now (otherwise on first focus). */
  load(): Promise<ModelInfo>;
  /** Clears the text and the choice (fires occupation-clear unless silent). */
  clear(options?: { silent?: boolean }): void;
}

export default OccupationCoderElement;

declare global {
  interface HTMLElementTagNameMap {
    'occupation-coder': OccupationCoderElement;
  }
  interface HTMLElementEventMap {
    'occupation-select': CustomEvent<OccupationSelectDetail>;
    'occupation-clear': CustomEvent<Record<string, never>>;
    'occupation-suggestions': CustomEvent<OccupationSuggestionsDetail>;
    'occupation-ready': CustomEvent<{ info: ModelInfo }>;
    'occupation-error': CustomEvent<{ message: string; code?: string }>;
    'occupation-offline-ready': CustomEvent<{ cached: number }>;
  }
}
