// <occupation-coder>: a form-associated web component that suggests occupation codes as a
// respondent types a job title (and tasks), entirely in the browser. See README "Form widget".
//
// Shadow DOM, not light DOM: the combobox input, its listbox, the options named by
// aria-activedescendant and aria-controls, the <label for> elements and the live region all
// live in the same shadow tree, so every ARIA id reference resolves (ids cannot cross a
// shadow boundary) and never collides with the host page's ids or with another instance.
// The labels are the widget's own (set by attributes or `strings`), so no label has to
// reach in from the page; shadow DOM also gives agencies ::part() for theming, and the
// element itself is the form control through ElementInternals.
import { DEFAULT_STRINGS, format } from './occupation-coder-strings.mjs';
import { adoptStyles } from './occupation-coder-style.mjs';
import { call, LatestQuery, MAX_TEXT_CHARS, textTooLong } from './occupation-coder-client.mjs';
import { packUrl } from './occupation-coder-packs.mjs';
import { adoptEarlyProps, reflect, REFLECTED, reflectAttributes } from './occupation-coder-props.mjs';

export { DEFAULT_STRINGS } from './occupation-coder-strings.mjs';

const ANNOUNCE_DELAY_MS = 600; // the live region waits for typing to pause

/** Creates an element; strings and nodes in `kids` are appended as text / nodes, never HTML. */
function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null && v !== false) el.setAttribute(k, v === true ? '' : v);
  el.append(...kids);
  return el;
}

const percent = (c) => (c < 0.01 ? '<1%' : `${Math.round(c * 100)}%`);

// Outside a browser (Node, server-side rendering) there is no HTMLElement: the module still
// loads, the element is simply not defined. Node code uses `occupation-coder/coder`.
export class OccupationCoderElement extends (globalThis.HTMLElement ?? class {}) {
  static formAssociated = true;
  static observedAttributes = [
    'classification', 'model', 'label', 'tasks-label', 'hint', 'tasks-hint', 'no-tasks', 'required', 'name', 'offline',
    'base', 'fields',
  ];

  #internals = this.attachInternals();
  #root = this.attachShadow({ mode: 'open', delegatesFocus: true });
  #strings = { ...DEFAULT_STRINGS };
  #el = {}; // the shadow tree's parts, by name
  #items = []; // the options shown: suggestions, then { none: true }
  #mode = 'suggest'; // or 'follow-up'
  #group = null; // the sure group in follow-up mode
  #active = -1; // index of the option with visual focus
  #open = false;
  #selection = null;
  #seq = 0;
  #modelPromise = null;
  #info = null;
  #tooLong = false; // the text is over the coder's limit: no query, a message instead
  #announceTimer = 0;
  #query = new LatestQuery((r, seq) => this.#showResult(r, seq), (e) => this.#showError(e));

  constructor() {
    super();
    adoptStyles(this.#root);
    this.#build();
  }

  // ---- lifecycle -------------------------------------------------------------------------
  connectedCallback() {
    adoptEarlyProps(this, [...REFLECTED, 'strings', 'jobTitle', 'tasks', 'value']);
    if (this.getAttribute('load') === 'eager') this.#loadModel().catch(() => {});
    this.#applyStrings();
    this.#updateForm();
  }

  attributeChangedCallback(name, old, value) {
    if (old === value) return;
    if (name === 'classification' || name === 'model' || name === 'base') this.#resetModel();
    else if (name === 'offline') this.#enableOffline();
    else if (name === 'required' || name === 'name' || name === 'fields') this.#updateForm();
    else this.#applyStrings();
  }

  formResetCallback() { this.clear({ silent: true }); }

  formDisabledCallback(disabled) {
    for (const k of ['title', 'tasks', 'change']) this.#el[k].disabled = disabled;
  }

  formStateRestoreCallback(state) {
    try {
      const { title, tasks, selection } = JSON.parse(state);
      this.#el.title.value = title ?? '';
      this.#el.tasks.value = tasks ?? '';
      this.#setSelection(selection ?? null);
    } catch { /* not our state */ }
  }

  // ---- public API ------------------------------------------------------------------------
  /** The chosen code ('' when none was chosen or "None of these" was). Setting looks up the label. */
  get value() { return this.#selection?.code ?? ''; }
  set value(code) {
    code = String(code ?? '').trim();
    // Setting the value it has is a no-op, as on an <input>: a framework writing back the value
    // it was just told about (React's value={code}, Vue's v-model) must not clear the typed text.
    if (code === this.value) return;
    if (!code) return this.clear({ silent: true });
    this.#setSelection({ code, label: '', level: code.length === 6 ? 6 : code.length, confidence: 1, group: '', other: false });
    this.#modelUrl(); // validates the attributes early
    this.#loadModel().then(() => call('lookup', { url: this.#modelUrl(), code }, this.#base())).then((s) => {
      if (s && this.#selection?.code === code) this.#setSelection({ ...s, confidence: 1, other: false });
    }).catch(() => {});
  }

  /** The chosen occupation ({ code, label, level, confidence, group, other }) or null. */
  get selection() { return this.#selection ? { ...this.#selection } : null; }

  /** The typed job title. (`title` is HTMLElement's tooltip, hence the name.) */
  get jobTitle() { return this.#el.title.value; }
  set jobTitle(v) { this.#el.title.value = String(v ?? ''); this.#onInput(true); }

  get tasks() { return this.#el.tasks.value; }
  set tasks(v) { this.#el.tasks.value = String(v ?? ''); this.#onInput(false); }

  /** The loaded pack's info() (classification, versions, ...) or null before it loads. */
  get info() { return this.#info; }

  /** The strings table in use; setting merges a partial table over the defaults. */
  get strings() { return { ...this.#strings }; }
  set strings(table) { this.#strings = { ...DEFAULT_STRINGS, ...table }; this.#applyStrings(); this.#render(); }

  get form() { return this.#internals.form; }
  get type() { return 'occupation-coder'; }
  get validity() { return this.#internals.validity; }
  get validationMessage() { return this.#internals.validationMessage; }
  get willValidate() { return this.#internals.willValidate; }
  checkValidity() { return this.#internals.checkValidity(); }
  reportValidity() { return this.#internals.reportValidity(); }

  /** `el.load()` loads the pack now (else on first focus); resolves with its info. Frameworks
   * set the attribute load="eager" as `el.load = 'eager'`: reading gives the method, setting
   * reflects. */
  get load() { return this.#boundLoad; }
  set load(v) { reflect(this, 'load', 'flag', v); }
  #boundLoad = () => this.#loadModel();

  #loadModel() {
    if (!this.#modelPromise) {
      const url = this.#modelUrl();
      this.#setState('loading');
      this.#modelPromise = call('load', { url }, this.#base()).then((info) => {
        if (url !== this.#modelUrl()) return this.#loadModel(); // the attributes changed meanwhile
        this.#info = info;
        this.#error = null;
        this.#updateForm();
        this.#setState('ready');
        this.#fire('occupation-ready', { info });
        if (this.#open || this.#wantsList()) this.#render();
        return info;
      }, (e) => {
        this.#modelPromise = null;
        this.#setState('error');
        this.#showError(e);
        throw e;
      });
    }
    return this.#modelPromise;
  }

  /** Clears the text and the choice. */
  clear({ silent = false } = {}) {
    this.#el.title.value = '';
    this.#el.tasks.value = '';
    this.#query.cancel(++this.#seq);
    this.#items = [];
    this.#tooLong = false;
    this.#close();
    const had = this.#selection;
    this.#setSelection(null);
    if (had && !silent) {
      this.#fire('occupation-clear', {});
      this.#fireChange();
    }
  }

  // ---- building and strings ---------------------------------------------------------------
  #build() {
    const e = this.#el;
    e.titleLabel = h('label', { for: 'title', part: 'label' });
    e.titleHint = h('p', { id: 'title-hint', class: 'hint', part: 'hint' });
    e.title = h('input', {
      id: 'title', type: 'text', part: 'input', role: 'combobox', autocomplete: 'off', autocapitalize: 'none',
      'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'listbox',
      'aria-describedby': 'title-hint chosen-text',
    });
    e.tasksLabel = h('label', { for: 'tasks', part: 'tasks-label' });
    e.tasksHint = h('p', { id: 'tasks-hint', class: 'hint', part: 'tasks-hint' });
    e.tasks = h('textarea', { id: 'tasks', rows: '3', part: 'tasks', 'aria-describedby': 'tasks-hint' });
    e.tasksField = h('div', { class: 'field', part: 'tasks-field' }, e.tasksLabel, e.tasksHint, e.tasks);
    e.question = h('p', { id: 'question', class: 'question', part: 'question' });
    e.groupLine = h('p', { class: 'group-line', part: 'group', hidden: true });
    e.msg = h('p', { class: 'msg', part: 'message', hidden: true });
    e.listbox = h('ul', { id: 'listbox', role: 'listbox', part: 'listbox', 'aria-labelledby': 'question', hidden: true });
    e.popup = h('div', { class: 'popup', part: 'popup', hidden: true }, e.question, e.groupLine, e.msg, e.listbox);
    e.chosenText = h('span', { id: 'chosen-text', part: 'chosen-text' });
    e.change = h('button', { type: 'button', part: 'change-button' });
    e.chosen = h('div', { class: 'chosen', part: 'chosen', hidden: true }, e.chosenText, e.change);
    e.privacy = h('p', { class: 'privacy', part: 'privacy' });
    e.live = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
    this.#root.append(
      h('div', { class: 'field', part: 'title-field' }, e.titleLabel, e.titleHint, e.title),
      e.tasksField, e.popup, e.chosen, e.privacy, e.live,
    );

    e.title.addEventListener('input', () => this.#onInput(true));
    e.tasks.addEventListener('input', () => this.#onInput(false));
    e.title.addEventListener('keydown', (ev) => this.#onKey(ev));
    e.title.addEventListener('click', () => { if (!this.#open && this.#items.length && !this.#selection) this.#openList(); });
    // Keep focus in the text field when an option is pressed (mouse and touch).
    e.listbox.addEventListener('mousedown', (ev) => ev.preventDefault());
    e.listbox.addEventListener('click', (ev) => {
      const li = ev.target.closest('[role=option]');
      if (li) this.#choose(Number(li.dataset.index));
    });
    e.change.addEventListener('click', () => {
      e.title.focus();
      if (this.#items.length) this.#openList(); else this.#onInput(false);
    });
    this.#root.addEventListener('focusin', () => { this.#loadModel().catch(() => {}); });
    this.#root.addEventListener('focusout', (ev) => {
      if (!ev.relatedTarget || !this.#root.contains(ev.relatedTarget)) this.#close();
    });
  }

  #applyStrings() {
    const s = this.#strings;
    const e = this.#el;
    const attr = (name, fallback) => this.getAttribute(name) ?? fallback;
    e.titleLabel.textContent = attr('label', s.titleLabel);
    e.titleHint.textContent = attr('hint', s.titleHint);
    e.titleHint.hidden = !e.titleHint.textContent;
    e.tasksLabel.textContent = attr('tasks-label', s.tasksLabel);
    e.tasksHint.textContent = attr('tasks-hint', s.tasksHint);
    e.tasksHint.hidden = !e.tasksHint.textContent;
    e.tasksField.hidden = this.hasAttribute('no-tasks');
    e.change.textContent = s.change;
    e.privacy.textContent = s.privacy;
    this.#renderChosen();
    this.#updateForm();
  }

  // ---- model ------------------------------------------------------------------------------
  /** The `base` attribute as an absolute folder URL ('' = beside this module). */
  #base() {
    const b = this.getAttribute('base');
    return b ? new URL(b.endsWith('/') ? b : `${b}/`, document.baseURI).href : '';
  }

  /** The pack's URL: the `model` attribute, the classification's pack under `base`, or the
   * classification's pack (where that is: see occupation-coder-packs.mjs). */
  #modelUrl() {
    const model = this.getAttribute('model');
    if (model) return new URL(model, document.baseURI).href;
    const c = this.getAttribute('classification') || 'osca2024';
    if (!/^[a-z0-9]+$/.test(c)) throw Object.assign(new Error(`<occupation-coder>: bad classification "${c}"`), { code: 'BAD_CLASSIFICATION' });
    if (this.#base()) return new URL(`models/${c}.ocpk`, this.#base()).href;
    return packUrl(c);
  }

  #resetModel() {
    if (!this.#modelPromise) return;
    this.#modelPromise = null;
    this.#info = null;
    if (this.#selection) { // a code from the other classification
      this.#setSelection(null);
      this.#fire('occupation-clear', {});
      this.#fireChange();
    }
    if (this.getAttribute('load') === 'eager' || this.#root.activeElement) this.#loadModel().catch(() => {});
    if (this.#wantsList()) this.#onInput(false);
  }

  #setState(state) {
    for (const s of ['loading', 'ready', 'error']) {
      try { if (s === state) this.#internals.states.add(s); else this.#internals.states.delete(s); } catch { /* no CustomStateSet */ }
    }
    this.toggleAttribute('aria-busy', state === 'loading');
  }

  async #enableOffline() {
    if (!this.hasAttribute('offline')) return;
    try {
      // Not while the page and the pack are still loading: caching would compete with them.
      if (document.readyState !== 'complete') await new Promise((r) => window.addEventListener('load', r, { once: true }));
      await this.#modelPromise?.catch(() => {});
      const { enableOffline } = await import('./occupation-coder-offline.mjs');
      const cached = await enableOffline(this.getAttribute('offline'), [this.#modelUrl()]);
      this.#fire('occupation-offline-ready', { cached });
    } catch (e) {
      this.#fire('occupation-error', { message: e.message, code: 'OFFLINE_FAILED' });
    }
  }

  // ---- typing and querying ------------------------------------------------------------------
  #k() { return Math.max(1, Math.min(20, Number(this.getAttribute('suggestions')) || 5)); }
  #minChars() { const n = Number(this.getAttribute('min-chars')); return Number.isFinite(n) && n > 0 ? n : 2; }
  #wantsList() { return this.#el.title.value.trim().length >= this.#minChars(); }

  #onInput(titleChanged) {
    const seq = ++this.#seq;
    if (titleChanged && this.#selection) {
      this.#setSelection(null);
      this.#fire('occupation-clear', {});
      this.#fireChange();
    }
    this.#updateForm();
    this.#tooLong = false;
    if (!this.#wantsList()) {
      this.#query.cancel(seq);
      this.#items = [];
      this.#close();
      return;
    }
    if (this.#selection) return; // tasks typed after choosing: keep the choice
    const title = this.#el.title.value;
    const tasks = this.#el.tasks.value;
    if (textTooLong(title, tasks)) {
      // Not sent to the worker (the coder would refuse it); "None of these" stays available.
      this.#query.cancel(seq);
      this.#tooLong = true;
      this.#mode = 'suggest';
      this.#group = null;
      this.#items = [{ none: true }];
      this.#active = -1;
      if (this.#root.activeElement) this.#openList(); else this.#render();
      this.#announce(format(this.#strings.tooLong, { max: MAX_TEXT_CHARS }));
      return;
    }
    if (!this.#info) this.#render(); // shows the loading message
    this.#query.request(seq, { url: this.#modelUrl(), title, tasks, k: this.#k() }, this.#base());
    if (!this.#modelPromise) this.#loadModel().catch(() => {});
  }

  #showResult(result, seq) {
    this.#error = null;
    this.#updateForm();
    this.#mode = result.mode;
    this.#group = result.group ?? null;
    this.#items = [...result.suggestions, { none: true }];
    this.#active = -1;
    if (this.#root.activeElement) this.#openList(); else this.#render();
    const n = result.suggestions.length;
    const s = this.#strings;
    const text = this.#mode === 'follow-up'
      ? format(s.followUpAnnounce, { question: s.followUpQuestion, n })
      : format(n === 0 ? s.countNone : n === 1 ? s.countOne : s.countMany, { n });
    this.#announce(text);
    this.#fire('occupation-suggestions', {
      seq, mode: this.#mode, group: this.#group, count: n, suggestions: result.suggestions, title: this.#el.title.value,
    });
  }

  #error = null;

  #showError(e) {
    // The same failure again (retried on the next key) is reported once.
    const again = e.code === this.#error?.code && e.message === this.#error?.message;
    this.#items = [];
    this.#error = e;
    this.#updateForm();
    this.#render();
    if (!again) this.#fire('occupation-error', { message: e.message, code: e.code });
  }

  // ---- the list -----------------------------------------------------------------------------
  #openList() { this.#open = true; this.#render(); }

  #close() {
    this.#open = false;
    this.#active = -1;
    this.#render();
  }

  #render() {
    const e = this.#el;
    const s = this.#strings;
    const loading = !this.#info && !this.#error;
    const show = this.#open || (this.#wantsList() && !this.#selection && (loading || !!this.#error) && !!this.#root.activeElement);
    e.popup.hidden = !show;
    e.title.setAttribute('aria-expanded', String(show && this.#items.length > 0));
    if (!show) {
      e.title.removeAttribute('aria-activedescendant');
      return;
    }
    const followUp = this.#mode === 'follow-up' && this.#group;
    e.question.textContent = followUp ? s.followUpQuestion : s.suggestionsHeading;
    e.groupLine.hidden = !followUp;
    if (followUp) e.groupLine.textContent = format(s.followUpGroup, { group: this.#group.label });
    let msg = '';
    if (this.#tooLong) msg = format(s.tooLong, { max: MAX_TEXT_CHARS });
    else if (this.#error && !this.#items.length) msg = s.loadError;
    else if (loading && !this.#items.length) msg = s.loading;
    else if (this.#items.length === 1) msg = s.noResults;
    e.msg.textContent = msg;
    e.msg.hidden = !msg;
    e.listbox.replaceChildren(...this.#items.map((item, i) => this.#option(item, i)));
    e.listbox.hidden = this.#items.length === 0;
    this.#highlight();
  }

  #option(item, i) {
    const s = this.#strings;
    const li = h('li', { role: 'option', id: `option-${i}`, part: 'option', 'aria-selected': 'false', 'data-index': String(i) });
    if (item.none) {
      li.className = 'none';
      li.part.add('option-none');
      li.append(h('span', { class: 'o-label', part: 'option-label' }, s.none));
      return li;
    }
    const fill = h('span');
    fill.style.width = `${Math.max(2, Math.round(item.confidence * 100))}%`;
    li.append(
      h('span', { class: 'o-label', part: 'option-label' }, item.label),
      h('span', { class: 'o-code', part: 'option-code' }, item.code),
      h('span', { class: 'o-group', part: 'option-group' }, item.group ? format(s.group, { group: item.group }) : ''),
      h('span', { class: 'o-conf', part: 'option-confidence' },
        h('span', { class: 'bar', part: 'confidence-bar', 'aria-hidden': 'true' }, fill),
        format(s.confidence, { percent: percent(item.confidence) })),
    );
    return li;
  }

  #highlight() {
    const opts = this.#el.listbox.children;
    for (let i = 0; i < opts.length; i++) opts[i].setAttribute('aria-selected', String(i === this.#active));
    if (this.#active >= 0 && opts[this.#active]) {
      this.#el.title.setAttribute('aria-activedescendant', opts[this.#active].id);
      opts[this.#active].scrollIntoView?.({ block: 'nearest' });
    } else {
      this.#el.title.removeAttribute('aria-activedescendant');
    }
  }

  #move(to) {
    if (!this.#items.length) return;
    if (!this.#open) this.#openList();
    const n = this.#items.length;
    this.#active = ((to % n) + n) % n;
    this.#highlight();
  }

  #onKey(ev) {
    const open = this.#open && this.#items.length > 0;
    switch (ev.key) {
      case 'ArrowDown':
        if (!this.#items.length) return;
        ev.preventDefault();
        if (ev.altKey) this.#openList();
        else this.#move(open ? this.#active + 1 : 0);
        break;
      case 'ArrowUp':
        if (!this.#items.length) return;
        ev.preventDefault();
        this.#move(open && this.#active >= 0 ? this.#active - 1 : this.#items.length - 1);
        break;
      case 'Home': case 'End':
        if (!open || this.#active < 0) return; // the caret moves in the text
        ev.preventDefault();
        this.#move(ev.key === 'Home' ? 0 : this.#items.length - 1);
        break;
      case 'Enter':
        if (!open || this.#active < 0) return;
        ev.preventDefault();
        this.#choose(this.#active);
        break;
      case 'Escape':
        if (open) { ev.preventDefault(); this.#close(); } else if (this.#el.title.value) { ev.preventDefault(); this.clear(); }
        break;
      case 'ArrowLeft': case 'ArrowRight':
        if (this.#active >= 0) { this.#active = -1; this.#highlight(); }
        break;
      default:
    }
  }

  // ---- choosing -----------------------------------------------------------------------------
  #choose(i) {
    const item = this.#items[i];
    if (!item) return;
    const sel = item.none
      ? { code: '', label: '', level: 0, confidence: 0, group: '', other: true }
      : { code: item.code, label: item.label, level: item.level, confidence: item.confidence, group: item.group, other: false };
    this.#setSelection(sel);
    this.#close();
    const s = this.#strings;
    this.#announce(sel.other ? s.announceOther : format(s.announceSelected, sel), true);
    const info = this.#info ?? {};
    this.#fire('occupation-select', {
      ...sel,
      classification: info.classification ?? this.getAttribute('classification') ?? 'osca2024',
      classificationVersion: info.classificationVersion ?? '',
      modelVersion: info.trainerVersion ?? '',
      title: this.#el.title.value,
      tasks: this.#el.tasks.value,
    });
    this.#fireChange();
  }

  #setSelection(sel) {
    this.#selection = sel;
    this.#renderChosen();
    this.#updateForm();
  }

  #renderChosen() {
    const sel = this.#selection;
    this.#el.chosen.hidden = !sel;
    this.#el.chosenText.textContent = !sel ? ''
      : sel.other ? this.#strings.selectedOther
        : format(this.#strings.selected, { label: sel.label || sel.code, code: sel.code });
  }

  /** Form value: name=code, name-label, name-level, name-confidence, name-status, ... (README).
   * While coding is unavailable (the pack or the worker failed), the typed title is the answer:
   * status `unavailable`, and `required` asks only for a title, so the form can still be sent. */
  #updateForm() {
    const name = this.getAttribute('name');
    const sel = this.#selection;
    const unavailable = !sel && !!this.#error;
    const title = this.#el.title.value;
    const tasks = this.#el.tasks.value;
    const state = JSON.stringify({ title, tasks, selection: sel });
    if (name) {
      const fd = new FormData();
      for (const [k, v] of Object.entries(this.#answer())) fd.append(k === 'code' ? name : `${name}-${k}`, v);
      this.#internals.setFormValue(fd, state);
    } else {
      this.#internals.setFormValue(null, state);
    }
    if (this.hasAttribute('required') && !sel && !(unavailable && title.trim())) {
      const message = unavailable ? this.#strings.requiredUnavailable : this.#strings.required;
      this.#internals.setValidity({ valueMissing: true }, message, this.#el.title);
    } else {
      this.#internals.setValidity({});
    }
    this.#mirrorFields();
  }

  /** The answer's parts as strings: the form data entries' suffixes, and the `fields` keys. */
  #answer() {
    const sel = this.#selection;
    const chosen = sel && !sel.other;
    return {
      code: sel?.code ?? '',
      label: sel?.label ?? '',
      level: chosen ? String(sel.level) : '',
      confidence: chosen ? sel.confidence.toFixed(4) : '',
      status: !sel ? (this.#error ? 'unavailable' : 'none') : sel.other ? 'other' : 'chosen',
      classification: this.#info?.classification ?? this.getAttribute('classification') ?? 'osca2024',
      'model-version': this.#info ? `${this.#info.classificationVersion}; trainer ${this.#info.trainerVersion}` : '',
      title: this.#el.title.value,
      tasks: this.#el.tasks.value,
    };
  }

  #fields = null; // this element's mirror from occupation-coder-fields.mjs, loaded only when used

  /** `fields="code:occ_code, ..."`: copies the answer into the host's own inputs (README
   * "Survey platforms"); first restores a saved answer from them. */
  #mirrorFields() {
    if (!this.hasAttribute('fields') || !this.isConnected) return;
    this.#fields ??= import('./occupation-coder-fields.mjs').then((m) => m.fieldsMirror(this, {
      answer: () => this.#answer(),
      restore: (sel, title, tasks) => {
        if (this.#selection || this.#el.title.value) return false;
        this.#el.title.value = title;
        this.#el.tasks.value = tasks;
        this.#setSelection(sel);
        return true;
      },
      fire: (type, detail) => this.#fire(type, detail),
    }), (e) => {
      this.#fire('occupation-error', { code: 'FIELDS_FAILED', message: `fields: ${e.message}: serve occupation-coder-fields.mjs beside occupation-coder.mjs` });
      return () => {};
    });
    this.#fields.then((mirror) => mirror());
  }

  // ---- helpers -------------------------------------------------------------------------------
  #announce(text, now = false) {
    clearTimeout(this.#announceTimer);
    const say = () => {
      // Re-set so the same text is announced again.
      this.#el.live.textContent = '';
      requestAnimationFrame(() => { this.#el.live.textContent = text; });
    };
    if (now) say(); else this.#announceTimer = setTimeout(say, ANNOUNCE_DELAY_MS);
  }

  #fire(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** The respondent changed the value (chose, or edited the choice away): `input` and `change`,
   * as a native control fires them, for React's onChange, Vue's v-model and plain listeners. */
  #fireChange() {
    this.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    this.dispatchEvent(new Event('change', { bubbles: true }));
  }
}

reflectAttributes(OccupationCoderElement);

if (globalThis.customElements && !customElements.get('occupation-coder')) customElements.define('occupation-coder', OccupationCoderElement);

export default OccupationCoderElement;
