// Types for occupation-coder/enketo (www/occupation-coder-enketo.mjs).

/** Returns the widget class for enketo-core's `enketo/widgets` list; pass enketo-core's Widget base class. */
export declare function occupationWidget<W extends abstract new (...args: any[]) => object>(Widget: W): W;
