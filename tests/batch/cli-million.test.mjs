// `occupation-coder code` on a generated 1,000,000-row CSV with malformed rows mixed in (fixed
// seed, in a temp dir): every row comes out once, in input order, with its id, and every
// malformed row is an error row with its reason. Speed is measured by `make bench-batch`, not
// here. CLI_ROWS changes the size.
//   node --test tests/batch/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate, checkCoded } from './generate.mjs';
import { REPO } from '../browser.mjs';

const CLI = path.join(REPO, 'target/release/occupation-coder');
const PACK = path.join(REPO, 'www/models/osca2024.ocpk');
const ROWS = Number(process.env.CLI_ROWS ?? 1_000_000);

test(`the CLI codes a ${ROWS.toLocaleString('en')}-row CSV: every row once, in order, ids kept, malformed rows reported`, { timeout: 300_000 }, async () => {
  for (const f of [CLI, PACK]) assert.ok(existsSync(f), `${f} is missing: run \`make build\``);
  const dir = mkdtempSync(path.join(tmpdir(), 'occ-cli-million-'));
  try {
    const input = path.join(dir, 'records.csv');
    const output = path.join(dir, 'coded.csv');
    const { malformed } = await generate(ROWS, input, { seed: 7 });
    assert.ok(malformed.size > ROWS / 400, `the file has malformed rows (${malformed.size})`);
    const r = spawnSync(CLI, ['code', '--pack', PACK, '--input', input, '--output', output, '--quiet'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const counts = await checkCoded(output, ROWS, malformed);
    // The summary on standard error adds up to the same rows.
    const m = /(\d+) rows in .*?: (\d+) coded .*?, (\d+) uncoded, (\d+) errors/.exec(r.stderr);
    assert.ok(m, `a summary on standard error: ${r.stderr}`);
    assert.deepEqual(m.slice(1).map(Number), [ROWS, counts.coded, counts.uncoded, counts.error]);
    console.log(`${ROWS} rows: ${counts.coded} coded, ${counts.uncoded} uncoded, ${counts.error} errors`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
