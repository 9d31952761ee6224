// An Enketo (enketo-core / self-hosted Enketo Express) widget that turns a text question with
// the appearance `occupation` into <occupation-coder>. Enketo reads answers from its own form
// controls, so the chosen code goes into the question's own input (with the change event
// Enketo listens to), and the label, typed text and status into sibling questions named
// `<name>_label`, `<name>_title`, `<name>_tasks`, `<name>_status`, `<name>_confidence`
// (each optional: only those in the form are written).
//
// enketo-core's Widget base class is passed in rather than imported, so this module does not
// depend on one enketo-core layout and nothing of Enketo is bundled with the widget:
//   // widgets/occupation.js (listed in Enketo Express's config "widgets", or in enketo/widgets)
//   import Widget from 'enketo-core/src/js/widget';
//   import { occupationWidget } from 'occupation-coder/enketo';
//   export default occupationWidget(Widget);
// XForm: <input ref="/data/occ" appearance="occupation"> (add `anzsco2022` to the appearance
// for ANZSCO 2022; `no-tasks` for a title-only question).
import './occupation-coder.mjs';

/** The sibling questions' suffixes -> the parts of the answer written into them. */
const SIBLINGS = ['label', 'title', 'tasks', 'status', 'confidence'];

/** The question's value for the element's state: the code, `other` for "None of these". */
const valueOf = (sel) => (!sel ? '' : sel.other ? 'other' : sel.code);

export function occupationWidget(Widget) {
  return class OccupationWidget extends Widget {
    static get selector() {
      return '.or-appearance-occupation input[type="text"]';
    }

    _init() {
      const input = this.element;
      const q = this.question;
      const form = input.form ?? input.closest('form');
      const sibling = (key) => form?.querySelector(`[name="${CSS.escape(`${input.name}_${key}`)}"]`) ?? null;
      const el = document.createElement('occupation-coder');
      if (q.classList.contains('or-appearance-anzsco2022')) el.setAttribute('classification', 'anzsco2022');
      if (q.classList.contains('or-appearance-no-tasks')) el.setAttribute('no-tasks', '');
      input.hidden = true;
      input.classList.add('hide');
      input.after(el);
      this.coder = el;

      const set = (target, value) => {
        if (!target || target.value === value) return;
        target.value = value;
        target.dispatchEvent(new Event('change', { bubbles: true })); // Enketo updates its model
      };
      const write = () => {
        const sel = el.selection;
        set(input, valueOf(sel));
        const parts = {
          label: sel?.label ?? '', title: el.jobTitle, tasks: el.tasks,
          status: !sel ? 'none' : sel.other ? 'other' : 'chosen',
          confidence: sel && !sel.other ? sel.confidence.toFixed(4) : '',
        };
        for (const key of SIBLINGS) set(sibling(key), parts[key]);
      };
      el.addEventListener('occupation-select', write);
      el.addEventListener('occupation-clear', write);
      el.addEventListener('input', () => { for (const key of ['title', 'tasks']) set(sibling(key), key === 'title' ? el.jobTitle : el.tasks); });

      // A saved record being edited: show its answer.
      this.value = input.value;
      if (input.readOnly || input.disabled) this.disable();
    }

    get value() {
      return valueOf(this.coder.selection);
    }

    set value(code) {
      const el = this.coder;
      const form = this.element.form ?? this.element.closest('form');
      const saved = (key) => form?.querySelector(`[name="${CSS.escape(`${this.element.name}_${key}`)}"]`)?.value ?? '';
      if (!code) return el.clear({ silent: true });
      if (saved('title')) el.jobTitle = saved('title');
      if (saved('tasks')) el.tasks = saved('tasks');
      if (code !== 'other') el.value = code; // looks the label up in the pack
    }

    disable() { this.coder.setAttribute('disabled', ''); }

    enable() { this.coder.removeAttribute('disabled'); }

    update() { this.value = this.element.value; }
  };
}
