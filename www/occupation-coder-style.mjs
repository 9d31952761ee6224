// The widget's shadow-root styles, as one constructable stylesheet shared by every instance
// (adoptedStyleSheets: no <style> element, so no 'unsafe-inline' is needed for it).
// Theme with the --oc-* custom properties on the element, or ::part() (see README).
const CSS = `
:host { display: block; font: var(--oc-font, inherit); color: var(--oc-fg, #1b1b1b);
  --_accent: var(--oc-accent, #1d70b8); --_border: var(--oc-border, #505a5f);
  --_radius: var(--oc-radius, 4px); --_bg: var(--oc-bg, #fff); --_muted: var(--oc-muted, #505a5f);
  --_active: var(--oc-active-bg, #e8f1f8); --_focus: var(--oc-focus, #ffbf47); }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.field { margin: 0 0 var(--oc-gap, 1rem); }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
.hint { color: var(--_muted); margin: 0 0 .35rem; font-size: .9em; }
input, textarea { font: inherit; color: inherit; background: var(--_bg); width: 100%; max-width: 100%;
  padding: .5rem .6rem; border: 2px solid var(--_border); border-radius: var(--_radius); min-height: 2.75rem; }
textarea { resize: vertical; min-height: 4.5rem; }
input:focus-visible, textarea:focus-visible, button:focus-visible {
  outline: 3px solid var(--_focus); outline-offset: 0; box-shadow: inset 0 0 0 2px var(--oc-fg, #1b1b1b); }
.popup { border: 2px solid var(--_border); border-radius: var(--_radius); background: var(--_bg);
  padding: .5rem; margin: 0 0 var(--oc-gap, 1rem); }
.popup[hidden], .msg[hidden], .chosen[hidden] { display: none; }
.question { font-weight: 600; margin: 0 0 .25rem; }
.group-line { color: var(--_muted); margin: 0 0 .5rem; font-size: .9em; }
.msg { margin: .25rem 0; }
[role=listbox] { list-style: none; margin: 0; padding: 0; max-height: var(--oc-list-max-height, none); overflow-y: auto; }
[role=option] { display: grid; grid-template-columns: 1fr auto; gap: .1rem .75rem; align-items: center;
  padding: .5rem .6rem; min-height: 2.75rem; border-radius: var(--_radius); cursor: pointer;
  border: 2px solid transparent; overflow-wrap: anywhere; }
[role=option]:hover { background: var(--_active); }
[role=option][aria-selected=true] { background: var(--_active); border-color: var(--_accent); }
.o-label { font-weight: 600; }
.o-code { font-variant-numeric: tabular-nums; color: var(--_muted); justify-self: end; }
.o-group { color: var(--_muted); font-size: .9em; }
.o-conf { justify-self: end; font-size: .9em; display: flex; align-items: center; gap: .4rem; white-space: nowrap; }
.bar { display: inline-block; width: 3rem; height: .5rem; border: 1px solid var(--_border); border-radius: 2px; overflow: hidden; }
.bar > span { display: block; height: 100%; background: var(--_accent); }
.none { border-top: 1px solid #b1b4b6; margin-top: .25rem; }
.none .o-label { font-weight: 400; font-style: italic; }
.chosen { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .5rem .6rem;
  border-left: 5px solid var(--_accent); background: var(--_active); margin: 0 0 var(--oc-gap, 1rem); }
button { font: inherit; padding: .35rem .9rem; min-height: 2.75rem; border: 2px solid var(--_accent);
  border-radius: var(--_radius); background: var(--_bg); color: var(--_accent); cursor: pointer; }
.privacy { color: var(--_muted); font-size: .85em; margin: 0; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
`;

let sheet = null;

/** Adopts the shared stylesheet into a shadow root (a <style> element where unsupported). */
export function adoptStyles(root) {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
    sheet ??= new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = CSS;
    root.append(style);
  }
}
