// An `occupation` question type for SurveyJS (survey-core 2.x with any of its renderers:
// survey-js-ui, survey-react-ui, survey-angular-ui, survey-vue3-ui), rendering
// <occupation-coder>. SurveyJS collects answers from its own question models, not from a
// form, so the chosen code is stored in `question.value` and required-validation is SurveyJS's.
//
// It is a SurveyJS "custom widget" on a new question class rather than a renderer component,
// so one module works with every SurveyJS renderer. survey-core is passed in (not imported):
// the app's own copy is used whatever it is (npm, a bundler, or the UMD `window.Survey`), and
// nothing of SurveyJS is bundled with the widget.
//   import * as SurveyCore from 'survey-core';
//   import { registerOccupationQuestion } from 'occupation-coder/surveyjs';
//   registerOccupationQuestion(SurveyCore);
//   // then in the survey JSON: { "type": "occupation", "name": "job", "isRequired": true }
import './occupation-coder.mjs';

/** Question properties (SurveyJS JSON, also shown in Survey Creator) -> element attributes. */
const ATTRIBUTES = {
  classification: 'classification', model: 'model', suggestions: 'suggestions', minChars: 'min-chars',
  jobTitleLabel: 'label', jobTitleHint: 'hint', tasksLabel: 'tasks-label', tasksHint: 'tasks-hint',
};

const attached = new WeakMap(); // question -> { el, off }

/** The question's value for a choice (an occupation-select event's detail). */
function answerOf(d) {
  return {
    code: d.code, label: d.label, level: d.level, confidence: d.confidence,
    status: d.other ? 'other' : 'chosen',
    classification: d.classification, classificationVersion: d.classificationVersion, modelVersion: d.modelVersion,
    title: d.title, tasks: d.tasks,
  };
}

function syncAttributes(question, el) {
  for (const [prop, attr] of Object.entries(ATTRIBUTES)) {
    const v = question[prop];
    if (v === undefined || v === null || v === '') el.removeAttribute(attr);
    else el.setAttribute(attr, String(v));
  }
  el.toggleAttribute('no-tasks', !!question.noTasks);
  el.toggleAttribute('disabled', !!question.isReadOnly);
}

function attach(question, container) {
  const el = document.createElement('occupation-coder');
  syncAttributes(question, el);
  let unavailable = false; // the model or worker failed: the typed title is the answer (as in forms)
  let showing = false; // the element is being set from the value: its events are not answers
  const onSelect = (e) => { if (!showing) question.value = answerOf(e.detail); };
  const onClear = () => { if (!showing) question.clearValue(); };
  const onError = () => { unavailable = true; };
  const onInput = () => {
    if (showing) return;
    const v = question.value;
    if (v?.status === 'chosen' || v?.status === 'other') {
      if (v.tasks !== el.tasks) question.value = { ...v, tasks: el.tasks }; // tasks typed after choosing
    } else if (unavailable && !el.selection) {
      if (el.jobTitle.trim()) question.value = { code: '', status: 'unavailable', title: el.jobTitle, tasks: el.tasks };
      else question.clearValue();
    }
  };
  el.addEventListener('occupation-select', onSelect);
  el.addEventListener('occupation-clear', onClear);
  el.addEventListener('occupation-error', onError);
  el.addEventListener('input', onInput);
  container.append(el);
  // A saved answer (a page shown again, or survey.data set by the app) is shown as chosen.
  const show = () => {
    const v = question.value;
    const sel = el.selection;
    // Already what the element shows (it set the value, or it is being typed in): leave it.
    const mine = !v?.code && v?.status !== 'other' ? !sel : !!sel && (v.status === 'other' ? sel.other : sel.code === v.code);
    if (mine) return;
    showing = true;
    try {
      el.clear({ silent: true });
      if (v?.title) el.jobTitle = v.title;
      if (v?.tasks) el.tasks = v.tasks;
      if (v?.code) el.value = v.code;
    } finally { showing = false; }
  };
  show();
  question.registerPropertyChangedHandlers(['value'], show, 'occupation-coder');
  // Survey Creator edits, survey.mode = 'display', readOnly conditions.
  question.registerPropertyChangedHandlers([...Object.keys(ATTRIBUTES), 'noTasks'], () => syncAttributes(question, el), 'occupation-coder');
  question.readOnlyChangedCallback = () => syncAttributes(question, el);
  attached.set(question, {
    el,
    off() {
      question.unregisterPropertyChangedHandlers(['value', ...Object.keys(ATTRIBUTES), 'noTasks'], 'occupation-coder');
      question.readOnlyChangedCallback = null;
      el.removeEventListener('occupation-select', onSelect);
      el.removeEventListener('occupation-clear', onClear);
      el.removeEventListener('occupation-error', onError);
      el.removeEventListener('input', onInput);
      el.remove();
    },
  });
}

/**
 * Registers the `occupation` question type (or `type`) with SurveyJS. `Survey` is the
 * survey-core module (or `window.Survey`). Safe to call more than once.
 */
export function registerOccupationQuestion(Survey, { type = 'occupation' } = {}) {
  const { Serializer, CustomWidgetCollection } = Survey ?? {};
  if (!Serializer || !CustomWidgetCollection) {
    throw Object.assign(new Error('registerOccupationQuestion(Survey): pass the survey-core module, '
      + "e.g. import * as Survey from 'survey-core'"), { code: 'SURVEYJS_MISSING' });
  }
  if (CustomWidgetCollection.Instance.getCustomWidgetByName(type)) return;
  if (!Serializer.findClass(type)) {
    Serializer.addClass(type, [
      { name: 'classification', default: 'osca2024', choices: ['osca2024', 'anzsco2022'], category: 'general' },
      { name: 'model', category: 'general' },
      { name: 'suggestions:number', minValue: 1, maxValue: 20 },
      { name: 'minChars:number', minValue: 1 },
      { name: 'noTasks:boolean', default: false, category: 'general' },
      { name: 'jobTitleLabel:text', category: 'general' },
      { name: 'jobTitleHint:text' },
      { name: 'tasksLabel:text' },
      { name: 'tasksHint:text' },
    ], null, 'empty');
  }
  CustomWidgetCollection.Instance.add({
    name: type,
    title: 'Occupation',
    iconName: 'icon-text',
    isFit: (question) => question.getType() === type,
    // SurveyJS calls this after every render of the question: create once, then keep in sync.
    afterRender(question, container) {
      const a = attached.get(question);
      if (a && a.el.parentNode === container) syncAttributes(question, a.el);
      else {
        a?.off();
        attach(question, container);
      }
    },
    willUnmount(question) {
      attached.get(question)?.off();
      attached.delete(question);
    },
    getDisplayValue: (question, value = question.value) => (value?.code ? `${value.label} (${value.code})` : value?.title ?? ''),
  }, 'customtype');
}
