// Types for occupation-coder/surveyjs (www/occupation-coder-surveyjs.mjs).

/** The value of an `occupation` question once answered. */
export interface OccupationAnswer {
  code: string;
  label: string;
  level: number;
  confidence: number;
  /** `chosen`; `other` for "None of these"; `unavailable` when the model could not load (the title is the answer). */
  status: 'chosen' | 'other' | 'unavailable';
  classification?: string;
  classificationVersion?: string;
  modelVersion?: string;
  title: string;
  tasks: string;
}

/** Registers the `occupation` question type (or `type`); pass the survey-core module (or `window.Survey`). */
export declare function registerOccupationQuestion(
  Survey: { Serializer: unknown; CustomWidgetCollection: unknown },
  options?: { type?: string },
): void;
