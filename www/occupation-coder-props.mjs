// Every attribute of <occupation-coder> as a property too (getter and setter, reflected to the
// attribute), because frameworks pass props as properties when an element has them: React 19,
// Vue, Svelte, Angular and Lit set `el.name = 'occupation'`, which throws on a getter-only
// property and is silently lost on a missing one (never reaching attributeChangedCallback).

/** property name -> attribute name, by kind of value */
const STRINGS = { classification: 'classification', model: 'model', label: 'label', hint: 'hint',
  tasksLabel: 'tasks-label', tasksHint: 'tasks-hint', name: 'name' };
const BOOLEANS = { required: 'required', disabled: 'disabled', noTasks: 'no-tasks' };
const NUMBERS = { suggestions: 'suggestions', minChars: 'min-chars' };

/** Attributes whose value may be empty (`offline`: the service worker next to the module) or
 * a string, as `true`/`false`/string from a framework. */
const FLAG_OR_STRING = { offline: 'offline' };

/** The property names defined here (for taking over values set before the element upgraded). */
export const REFLECTED = [STRINGS, BOOLEANS, NUMBERS, FLAG_OR_STRING].flatMap(Object.keys);

function define(proto, prop, get, set) {
  Object.defineProperty(proto, prop, { get, set, configurable: true, enumerable: true });
}

/** Adds the reflected properties to `Class.prototype`. */
export function reflectAttributes(Class) {
  const proto = Class.prototype;
  for (const [prop, attr] of Object.entries(STRINGS)) {
    define(proto, prop, function () { return this.getAttribute(attr); }, function (v) {
      if (v == null) this.removeAttribute(attr); else this.setAttribute(attr, String(v));
    });
  }
  for (const [prop, attr] of Object.entries(BOOLEANS)) {
    define(proto, prop, function () { return this.hasAttribute(attr); }, function (v) {
      this.toggleAttribute(attr, !!v);
    });
  }
  for (const [prop, attr] of Object.entries(NUMBERS)) {
    define(proto, prop, function () {
      const v = this.getAttribute(attr);
      return v == null || v === '' ? null : Number(v);
    }, function (v) {
      if (v == null || v === '') this.removeAttribute(attr); else this.setAttribute(attr, String(v));
    });
  }
  for (const [prop, attr] of Object.entries(FLAG_OR_STRING)) {
    define(proto, prop, function () { return this.getAttribute(attr); }, function (v) {
      if (v == null || v === false) this.removeAttribute(attr);
      else this.setAttribute(attr, v === true ? '' : String(v));
    });
  }
}

/** A value a framework set on the element before its class was defined is an own property
 * that hides the accessor: take it over (call once the element is upgraded). */
export function adoptEarlyProps(el, props) {
  for (const prop of props) {
    if (!Object.hasOwn(el, prop)) continue;
    const v = el[prop];
    delete el[prop];
    el[prop] = v;
  }
}
