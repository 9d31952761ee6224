// Every attribute of <occupation-coder> is also a property (getter and setter, reflected):
// React 19, Vue, Svelte, Angular and Lit set props as properties when an element has them,
// and `el.name = 'x'` throws on a getter-only property.

// property: [attribute, kind]; 'flag' takes true/false or a string (offline="" or a URL).
const PROPS = {
  classification: ['classification'], model: ['model'], label: ['label'], hint: ['hint'],
  tasksLabel: ['tasks-label'], tasksHint: ['tasks-hint'], name: ['name'],
  required: ['required', 'bool'], disabled: ['disabled', 'bool'], noTasks: ['no-tasks', 'bool'],
  suggestions: ['suggestions', 'number'], minChars: ['min-chars', 'number'],
  offline: ['offline', 'flag'], load: ['load', 'flag'], base: ['base'], fields: ['fields'],
};

export const REFLECTED = Object.keys(PROPS);

/** Sets or removes attribute `attr` for a property value `v` of kind `kind`. */
export function reflect(el, attr, kind, v) {
  if (kind === 'bool') el.toggleAttribute(attr, !!v);
  else if (v == null || v === false || (kind === 'number' && v === '')) el.removeAttribute(attr);
  else el.setAttribute(attr, v === true ? '' : String(v));
}

/** Adds the properties to `Class.prototype`, except those it defines itself (`load`). */
export function reflectAttributes(Class) {
  for (const [prop, [attr, kind]] of Object.entries(PROPS)) {
    if (Object.hasOwn(Class.prototype, prop)) continue;
    Object.defineProperty(Class.prototype, prop, {
      configurable: true,
      enumerable: true,
      get() {
        if (kind === 'bool') return this.hasAttribute(attr);
        const v = this.getAttribute(attr);
        return kind === 'number' ? (v ? Number(v) : null) : v;
      },
      set(v) { reflect(this, attr, kind, v); },
    });
  }
}

/** Values a framework set before the element was defined are own properties that hide the
 * accessors: hand them to the accessors. */
export function adoptEarlyProps(el, props) {
  for (const p of props) {
    if (!Object.hasOwn(el, p)) continue;
    const v = el[p];
    delete el[p];
    el[p] = v;
  }
}
