// This app's enketo/widgets (see build.mjs): the occupation widget, as a self-hosted Enketo
// adds it (Enketo Express: config "widgets"; a bare enketo-core app: this module).
import Widget from 'enketo-core/src/js/widget';
import { occupationWidget } from 'occupation-coder/enketo';

export default [occupationWidget(Widget)];
