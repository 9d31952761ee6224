// Every string <occupation-coder> shows or announces, in one table. Translate by setting
// `element.strings = { ...partial table }` (merged over these defaults); `label` and
// `tasks-label` attributes override titleLabel and tasksLabel. `{name}` is a placeholder.
// All of them are inserted as text (textContent / setAttribute), never parsed as HTML.
export const DEFAULT_STRINGS = Object.freeze({
  titleLabel: 'Job title',
  titleHint: 'For example: bricklayer, registered nurse, café manager.',
  tasksLabel: 'Main tasks or duties (optional)',
  tasksHint: 'What do you mostly do in this job?',
  suggestionsHeading: 'Choose the occupation that best matches your job',
  followUpQuestion: 'Which of these best describes your job?',
  followUpGroup: 'Your job looks like one of the {group}.',
  none: 'None of these – keep what I typed',
  group: 'in {group}',
  confidence: '{percent} match',
  loading: 'Loading the list of occupations…',
  loadError: 'Suggestions are not available. Type your job title and tasks; they will be coded later.',
  noResults: 'No suggestions yet. Add more words, or describe your main tasks.',
  tooLong: 'That is too long to suggest occupations for. Shorten your job title and tasks to {max} characters or fewer.',
  countNone: 'No suggestions.',
  countOne: '1 suggestion. Use the up and down arrow keys to review it, Enter to choose.',
  countMany: '{n} suggestions. Use the up and down arrow keys to review them, Enter to choose.',
  followUpAnnounce: '{question} {n} options.',
  selected: 'Your answer: {label} ({code})',
  selectedOther: 'Your answer: none of the suggestions. We will use what you typed.',
  announceSelected: 'Selected: {label}.',
  announceOther: 'Selected: none of these. What you typed will be kept.',
  change: 'Change',
  required: 'Choose an occupation from the suggestions, or “None of these”.',
  requiredUnavailable: 'Type your job title.',
  privacy: 'Suggestions are worked out on your device. What you type stays here until you submit.',
});

/** Fills `{name}` placeholders in a string from `vars`. */
export function format(template, vars = {}) {
  return String(template).replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}
