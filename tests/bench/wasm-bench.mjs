// WebAssembly (Node) benchmark: suggest latency (median, p95) for top-5 with title + tasks,
// and codeBatch throughput, for each pack given on the command line.
//   node tests/bench/wasm-bench.mjs www/models/osca2024.ocpk [...]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { initSync, OccupationCoder } from '../../www/pkg/occupation_coder.js';

// The same inputs as the native bench (src/bin/occupation-coder/bench.rs).
const INPUTS = [
  ['Registered nurse', 'caring for elderly residents in an aged care facility, giving medication'],
  ['brickie', 'laying bricks and blocks on house sites'],
  ['Cleaner', 'cleaning offices at night, vacuuming and emptying bins'],
  ['Software engineer', 'writing code for web applications and reviewing pull requests'],
  ['Primary school teacher', 'teaching year 3 students literacy and numeracy'],
  ['truck driver', 'driving a semi trailer interstate delivering freight'],
  ['Accountant', 'preparing tax returns and financial statements for small businesses'],
  ['Retail assistant', 'serving customers, stocking shelves and operating the register'],
  ['electrition', 'installing wiring and fixing faults in houses'],
  ['Chef', 'preparing meals, planning menus and supervising kitchen staff'],
  ['Farm hand', 'feeding livestock, fixing fences and driving the tractor'],
  ['Receptionist', 'answering phones and booking appointments at a medical centre'],
  ['Aged care worker', 'helping residents shower, dress and eat'],
  ['Plumber', 'installing and repairing pipes, hot water systems and drains'],
  ['Project manager', 'managing construction projects, budgets and subcontractors'],
  ['Barista', 'making coffee and serving customers in a cafe'],
  ['Mechanic', 'servicing and repairing cars and light trucks'],
  ['Police officer', 'patrolling, responding to incidents and arresting offenders'],
  ['Hairdresser', "cutting, colouring and styling clients' hair"],
  ['Warehouse worker', 'picking and packing orders, driving a forklift'],
];

const packs = process.argv.slice(2);
if (packs.length === 0) {
  console.error('usage: node tests/bench/wasm-bench.mjs PACK [PACK...]');
  process.exit(2);
}
initSync({ module: readFileSync(new URL('../../www/pkg/occupation_coder_bg.wasm', import.meta.url)) });
const CALLS = 20000;
console.log('| pack (WebAssembly, Node ' + process.version + ') | load | suggest top-5 median | p95 | codeBatch(300) |');
console.log('|---|---|---|---|---|');
for (const path of packs) {
  const bytes = readFileSync(path);
  let t = performance.now();
  const coder = OccupationCoder.fromBytes(new Uint8Array(bytes));
  const loadMs = performance.now() - t;
  for (const [title, tasks] of INPUTS) coder.suggest(title, tasks, 5);
  const times = new Float64Array(CALLS);
  for (let i = 0; i < CALLS; i++) {
    const [title, tasks] = INPUTS[i % INPUTS.length];
    t = performance.now();
    coder.suggest(title, tasks, 5);
    times[i] = performance.now() - t;
  }
  times.sort();
  const at = (q) => times[Math.round((times.length - 1) * q)] * 1000;
  const batch = Array.from({ length: 300 }, (_, i) => ({ id: String(i), title: INPUTS[i % INPUTS.length][0], tasks: INPUTS[i % INPUTS.length][1] }));
  const rounds = 100;
  t = performance.now();
  for (let r = 0; r < rounds; r++) coder.codeBatch(batch);
  const perS = (rounds * batch.length) / ((performance.now() - t) / 1000);
  console.log(`| ${coder.info().classification} | ${loadMs.toFixed(0)} ms | ${at(0.5).toFixed(0)} µs | ${at(0.95).toFixed(0)} µs | ${perS.toFixed(0)} rec/s |`);
  coder.free();
}
