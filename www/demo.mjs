// Minimal demo of the WebAssembly coder: suggestions as you type. All text is inserted with
// textContent, never as HTML.
import init, { OccupationCoder } from './pkg/occupation_coder.js';

const $ = (id) => document.getElementById(id);
const coders = new Map();
await init();

async function coder() {
  const name = $('classification').value;
  if (!coders.has(name)) coders.set(name, OccupationCoder.fromUrl(`./models/${name}.ocpk`));
  return coders.get(name);
}

async function update() {
  const list = $('suggestions');
  try {
    const c = await coder();
    const title = $('title').value;
    const tasks = $('tasks').value;
    const suggestions = title.trim() || tasks.trim() ? c.suggest(title, tasks, 5) : [];
    list.replaceChildren(
      ...suggestions.map((s) => {
        const li = document.createElement('li');
        const code = document.createElement('span');
        code.className = 'code';
        code.textContent = s.code;
        const group = s.path.length > 1 ? s.path[s.path.length - 2].label : '';
        li.append(code, ` ${s.label} — ${(s.confidence * 100).toFixed(0)}%`);
        const small = document.createElement('div');
        small.className = 'muted';
        small.textContent = group;
        li.append(small);
        return li;
      }),
    );
    $('status').textContent = suggestions.length ? `${suggestions.length} suggestions` : 'Type a job title to see suggestions.';
  } catch (e) {
    $('status').textContent = `Error: ${e.message}`;
  }
}

for (const id of ['title', 'tasks', 'classification']) $(id).addEventListener('input', update);
update();
