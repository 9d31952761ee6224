// An XForm transformed in the browser by enketo-transformer's web build, run by enketo-core's
// Form with the occupation widget; "Submit" validates and shows the record (XML).
import { transform } from 'enketo-transformer/web';
import { Form } from 'enketo-core';
import xform from './form.xml';

const { form: html, model } = await transform({ xform });
const container = document.getElementById('form');
container.innerHTML = html;
// ?instance=<xml>: a saved record opened for editing.
const instanceStr = new URLSearchParams(location.search).get('instance') ?? undefined;
const form = new Form(container.querySelector('form.or'), { modelStr: model, instanceStr });
const loadErrors = form.init();
if (loadErrors.length) throw new Error(`enketo-core: ${loadErrors.join('; ')}`);
window.enketoForm = form;
document.getElementById('submit').addEventListener('click', async () => {
  const valid = await form.validate();
  document.getElementById('record').textContent = valid ? form.getDataStr() : 'INVALID';
});
document.body.dataset.ready = 'true';
