// The `fields` attribute of <occupation-coder>: mirrors the answer into the host page's own
// named inputs. Survey platforms (Qualtrics, LimeSurvey, REDCap, Enketo, ...) save only the
// inputs they rendered themselves and never see a form-associated custom element's
// ElementInternals value, so the code has to be copied into one of their inputs.
//   <occupation-coder fields="code:occ_code, label:occ_label, status:occ_status">

/** The answer's parts that can be mirrored: the same names as the form-data suffixes. */
export const FIELD_KEYS = Object.freeze([
  'code', 'label', 'level', 'confidence', 'status', 'classification', 'model-version', 'title', 'tasks',
]);

/** Parses "key:name, key:name" (commas or white space between pairs) into [[key, name], ...].
 * Throws an Error with code FIELDS_INVALID naming the bad pair. */
export function parseFields(spec) {
  const pairs = [];
  for (const item of String(spec ?? '').split(/[\s,]+/).filter(Boolean)) {
    const at = item.indexOf(':');
    const key = item.slice(0, at);
    const name = item.slice(at + 1);
    if (at < 1 || !name || !FIELD_KEYS.includes(key)) {
      throw Object.assign(new Error(`<occupation-coder> fields: "${item}" is not key:input-name `
        + `(keys: ${FIELD_KEYS.join(', ')}), e.g. fields="code:occ_code, label:occ_label"`), { code: 'FIELDS_INVALID' });
    }
    pairs.push([key, name]);
  }
  return pairs;
}

/** The host's controls named `name` that hold a text value (not radios or checkboxes, whose
 * value is their option): in the element's form if it has one, else in its document or
 * shadow root. Never the element itself. */
function targets(host, name) {
  const scope = host.form ? [...host.form.elements] : [...host.getRootNode().querySelectorAll('[name]')];
  return scope.filter((el) => el !== host && el.name === name && 'value' in el && el.type !== 'radio' && el.type !== 'checkbox');
}

/**
 * Writes `values` (key -> string) into the inputs named by `spec`. Each input that changes gets
 * bubbling `input` and `change` events, so the platform's own scripts (LimeSurvey's expression
 * manager, REDCap's branching logic, framework bindings) see the new value. Calls
 * `onMissing(name)` for a mapped name with no input while there is something to write.
 */
export function writeFields(host, spec, values, onMissing) {
  for (const [key, name] of parseFields(spec)) {
    const value = values[key] ?? '';
    const found = targets(host, name);
    if (!found.length && value) onMissing(name);
    for (const el of found) {
      if (el.value === value) continue;
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }
}

/** The values the mapped inputs hold now (key -> string, only non-empty ones), so a saved
 * answer (a survey page shown again) can be restored into the element. */
export function readFields(host, spec) {
  const saved = {};
  for (const [key, name] of parseFields(spec)) {
    const el = targets(host, name).find((e) => e.value);
    if (el) saved[key] = el.value;
  }
  return saved;
}

/**
 * The mirror of one element: a function that writes the element's current answer into the
 * mapped inputs. `answer()` gives the answer's parts (FIELD_KEYS -> string); `restore(selection,
 * title, tasks)` puts a saved answer into the element (false if it already has one); `fire`
 * dispatches its events. Before the first write, a saved answer in the inputs (a survey page
 * shown again) is restored, so the first write never blanks it. Each problem (a bad mapping,
 * an input not found) is reported once as an occupation-error with a string code.
 */
export function fieldsMirror(host, { answer, restore, fire }) {
  const reported = new Set();
  const report = (code, message) => {
    if (reported.has(message)) return;
    reported.add(message);
    fire('occupation-error', { code, message });
  };
  const spec = () => host.getAttribute('fields');
  try {
    const saved = readFields(host, spec());
    if (saved.status === 'other') {
      restore({ code: '', label: '', level: 0, confidence: 0, group: '', other: true }, saved.title ?? '', saved.tasks ?? '');
    } else if (saved.code) {
      const sel = { code: saved.code, label: saved.label ?? '', level: Number(saved.level) || saved.code.length,
        confidence: Number(saved.confidence) || 1, group: '', other: false };
      // No saved label: the value setter looks it up in the pack.
      if (restore(sel, saved.title ?? '', saved.tasks ?? '') && !saved.label) host.value = saved.code;
    }
  } catch { /* a bad mapping: reported by the write below */ }
  return () => {
    try {
      writeFields(host, spec(), answer(), (name) => report('FIELD_NOT_FOUND',
        `<occupation-coder> fields: no input named "${name}" in the form: add it (it can be hidden) or fix the name`));
    } catch (e) {
      report(e.code ?? 'FIELDS_INVALID', e.message);
    }
  };
}
