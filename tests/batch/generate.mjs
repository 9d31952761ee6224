// Generates a respondent-like CSV for the batch tests and bench, with a fixed seed, and some
// malformed rows mixed in (each kind at a fixed rate). Every row's id is its 1-based row number.
//   node tests/batch/generate.mjs ROWS OUT.csv [--seed N] [--anzsco]
// The columns are id,title,tasks[,anzsco]. Returns (as a module) { rows, malformed } where
// malformed maps an id to the kind of damage.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import { CsvReader } from '../../www/batch-csv.mjs';

const TITLES = [
  'Registered nurse', 'brickie', 'Cleaner', 'Software engineer', 'Primary school teacher', 'truck driver',
  'Accountant', 'Retail assistant', 'electrition', 'Chef', 'Farm hand', 'Receptionist', 'Aged care worker',
  'Plumber', 'Project manager', 'Barista', 'Mechanic', 'Police officer', 'Hairdresser', 'Warehouse worker',
  'retired', 'unemployed', 'student', 'sparky', 'data engineer', 'Bricklayer', 'Café manager', 'Größe Koch',
  'Crane operator', 'Dental assistant', 'Real estate agent', 'Web developer', 'Forklift driver', 'Pharmacist',
  'Bus driver', 'Electrician', 'Carpenter', 'Physiotherapist', 'Payroll officer', 'Security guard', 'Welder',
  'Childcare worker', 'Gardener', 'Sales representative', 'Kitchen hand', 'Lawyer', 'Graphic designer', '',
  'asdfgh', 'n/a', 'self employed',
];
const TASKS = [
  'caring for elderly residents', 'laying bricks and blocks', 'cleaning offices at night', 'writing code',
  'teaching literacy and numeracy', 'driving a semi trailer interstate', 'preparing tax returns',
  'serving customers, stocking shelves', 'installing wiring', 'planning menus and supervising staff',
  'feeding livestock', 'answering phones and booking appointments', 'fixing "leaks" in houses', '',
  'managing budgets', 'making coffee', 'servicing cars', 'responding to incidents', 'cutting hair',
  'picking and packing orders\nwith a forklift', 'écrire des rapports', 'looking after children',
];
// ANZSCO 2022 codes for the recoding column (one-to-one and one-to-many), or blank.
const ANZSCO = ['', '', '', '331111', '261313', '254412', '351311', '999999'];

/** Mulberry32: a small seeded PRNG. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const q = (s) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** Writes the file; resolves with { rows, malformed: Map<id, kind> }. */
export async function generate(rows, file, { seed = 20240601, anzsco = false } = {}) {
  const rand = rng(seed);
  const out = createWriteStream(file);
  const malformed = new Map();
  const parts = [];
  let size = 0;
  const put = async (s) => {
    parts.push(typeof s === 'string' ? Buffer.from(s) : s);
    size += parts[parts.length - 1].length;
    if (size > 1 << 20) {
      if (!out.write(Buffer.concat(parts))) await once(out, 'drain');
      parts.length = 0;
      size = 0;
    }
  };
  await put('\ufeffid,title,tasks' + (anzsco ? ',anzsco' : '') + '\r\n');
  for (let id = 1; id <= rows; id++) {
    const title = TITLES[Math.floor(rand() * TITLES.length)];
    let tasks = TASKS[Math.floor(rand() * TASKS.length)];
    if (rand() < 0.7) tasks += ` ${Math.floor(rand() * 1000)}`; // distinct records
    const code = anzsco ? ANZSCO[Math.floor(rand() * ANZSCO.length)] : null;
    const eol = rand() < 0.1 ? '\r\n' : '\n';
    const tail = code === null ? '' : `,${code}`;
    const r = rand();
    if (r < 0.001) {
      malformed.set(id, 'fields');
      await put(`${id},${q(title)},${q(tasks)},extra${tail}${eol}`);
    } else if (r < 0.002) {
      malformed.set(id, 'utf8');
      await put(Buffer.concat([Buffer.from(`${id},caf`), Buffer.from([0xe9]), Buffer.from(`,${q(tasks)}${tail}${eol}`)]));
    } else if (r < 0.003) {
      malformed.set(id, 'quote');
      await put(`${id},5'10" tall ${title.replace(/[",\r\n]/g, '')},${q(tasks)}${tail}${eol}`);
    } else if (r < 0.004) {
      malformed.set(id, 'after-quote');
      await put(`${id},"${title.replace(/"/g, '')}" (acting),${q(tasks)}${tail}${eol}`);
    } else if (r < 0.005) {
      malformed.set(id, 'fields');
      await put(`${id}${tail}${eol}`);
    } else {
      await put(`${id},${q(title)},${q(tasks)}${tail}${eol}`);
    }
  }
  out.write(Buffer.concat(parts));
  out.end();
  await once(out, 'finish');
  return { rows, malformed };
}

/**
 * Streams a coded copy of a generated file and checks every row: `rows` rows with ids 1..rows
 * in order, each malformed one an `error` row whose reason names its line, every other one
 * `coded` or `uncoded`. Resolves with the count of each status.
 */
export async function checkCoded(file, rows, malformed) {
  const reader = new CsvReader();
  const counts = { coded: 0, uncoded: 0, error: 0 };
  let n = -1;
  let at = null; // where the status and reason columns are
  const onRows = (parsed) => {
    for (const r of parsed) {
      if (n++ < 0) {
        at = { status: r.fields.indexOf('status'), reason: r.fields.indexOf('reason') };
        assert.deepEqual(r.fields.slice(-3), ['classification', 'classification_version', 'model_version']);
        continue;
      }
      const f = r.fields;
      assert.equal(r.problem, null, `output row ${n} parses cleanly`);
      assert.equal(f[0], String(n), `row ${n} keeps its id and place`);
      const status = f[at.status];
      if (malformed.has(n)) {
        assert.equal(status, 'error', `row ${n} (${malformed.get(n)}) is an error row`);
        assert.match(f[at.reason], /^line \d+: /, `row ${n}'s reason names its line`);
      } else {
        assert.ok(status === 'coded' || status === 'uncoded', `row ${n}: ${status} ${f[at.reason]}`);
      }
      counts[status]++;
    }
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) onRows(reader.push(chunk));
  onRows(reader.end());
  assert.equal(n, rows, 'every input row comes out once');
  assert.equal(counts.error, malformed.size, 'every malformed row is reported, and only those');
  return counts;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [rows, file] = process.argv.slice(2);
  const seedAt = process.argv.indexOf('--seed');
  const seed = seedAt > 0 ? Number(process.argv[seedAt + 1]) : undefined;
  if (!rows || !file) {
    console.error('usage: node tests/batch/generate.mjs ROWS OUT.csv [--seed N] [--anzsco]');
    process.exit(2);
  }
  const t = performance.now();
  const { malformed } = await generate(Number(rows), file, { seed, anzsco: process.argv.includes('--anzsco') });
  console.error(`wrote ${rows} rows (${malformed.size} malformed) to ${file} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
