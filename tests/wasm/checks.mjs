// Shared by node.test.mjs and browser.test.mjs: where the build outputs are, and the
// facts every result from the WebAssembly API must satisfy (one definition for both).
//   OCCODER_PKG_DIR     wasm-bindgen output dir, relative to the repo (default www/pkg)
//   OCCODER_MODELS_DIR  dir holding osca2024.ocpk and anzsco2022.ocpk (default www/models)
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PKG_DIR = process.env.OCCODER_PKG_DIR ?? 'www/pkg';
export const MODELS_DIR = process.env.OCCODER_MODELS_DIR ?? 'www/models';
export const PKG_JS = `${PKG_DIR}/occupation_coder.js`;
export const PKG_WASM = `${PKG_DIR}/occupation_coder_bg.wasm`;
export const PKG_DTS = `${PKG_DIR}/occupation_coder.d.ts`;
export const PACKS = { osca2024: `${MODELS_DIR}/osca2024.ocpk`, anzsco2022: `${MODELS_DIR}/anzsco2022.ocpk` };
/** The OSCA 2024 / ANZSCO 2022 code of a bricklayer. */
export const BRICKLAYER = { osca2024: '371131', anzsco2022: '331111' };

/** Throws (so the test fails, never skips) when a build output is missing. */
export function requireBuilt() {
  const missing = [];
  for (const f of [PKG_JS, PKG_WASM, PKG_DTS]) {
    if (!existsSync(path.join(REPO, f))) missing.push(`${f} (run .ci/build-wasm.sh first)`);
  }
  for (const f of Object.values(PACKS)) {
    if (!existsSync(path.join(REPO, f))) missing.push(`${f} (build the model packs first: cargo run --release -p model-pack -- build ...)`);
  }
  if (missing.length) throw new Error(`WebAssembly test prerequisites are missing:\n  ${missing.join('\n  ')}`);
}

const LEVELS = [1, 2, 3, 4, 6];

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

/** A path from the major group down: levels 1..6, each code extending its parent's, joints chained. */
export function checkPath(pathSteps, code, where) {
  assert.ok(Array.isArray(pathSteps), `${where}: path is an array`);
  assert.ok(pathSteps.length >= 1, `${where}: path is not empty`);
  assert.deepEqual(pathSteps.map((s) => s.level), LEVELS.slice(0, pathSteps.length), `${where}: path levels`);
  let joint = 1;
  let prev = '';
  for (const s of pathSteps) {
    assert.ok(isPlainObject(s), `${where}: path step is a plain object`);
    assert.equal(s.code.length, s.level, `${where}: ${s.code} has ${s.level} digits`);
    assert.ok(s.code.startsWith(prev), `${where}: ${s.code} extends ${prev}`);
    assert.ok(typeof s.label === 'string' && s.label.length > 0, `${where}: ${s.code} has a label`);
    assert.ok(s.conditional > 0 && s.conditional <= 1, `${where}: conditional ${s.conditional} in (0,1]`);
    joint *= s.conditional;
    assert.ok(Math.abs(s.joint - joint) <= 1e-5, `${where}: joint ${s.joint} = product of conditionals ${joint}`);
    prev = s.code;
  }
  assert.equal(pathSteps.at(-1).code, code, `${where}: path ends at ${code}`);
  return joint;
}

/** suggest() results: plain objects, confidences in (0,1], descending, = product of the path. */
export function checkSuggestions(suggestions, k) {
  assert.ok(Array.isArray(suggestions), 'suggest returns an array');
  assert.ok(suggestions.length >= 1 && suggestions.length <= k, `between 1 and ${k} suggestions, got ${suggestions.length}`);
  let last = Infinity;
  for (const s of suggestions) {
    const where = `suggestion ${s.code}`;
    assert.ok(isPlainObject(s), `${where} is a plain object`);
    assert.deepEqual(Object.keys(s).sort(), ['code', 'confidence', 'label', 'level', 'path']);
    assert.ok(s.confidence > 0 && s.confidence <= 1, `${where}: confidence ${s.confidence} in (0,1]`);
    assert.ok(s.confidence <= last, `${where}: confidences descend (${s.confidence} after ${last})`);
    last = s.confidence;
    assert.deepEqual(s.path.map((p) => p.level), LEVELS, `${where}: path levels`);
    assert.equal(s.level, 6);
    const product = checkPath(s.path, s.code, where);
    assert.ok(Math.abs(s.confidence - product) <= 1e-5, `${where}: confidence ${s.confidence} = product ${product}`);
  }
  assert.equal(new Set(suggestions.map((s) => s.code)).size, suggestions.length, 'suggested codes are distinct');
}

/** A successful code() result. */
export function checkCoded(r, prefix) {
  assert.ok(isPlainObject(r), 'code result is a plain object');
  assert.equal(r.codeStatus, 'successful', `coded: ${JSON.stringify(r).slice(0, 300)}`);
  assert.equal(r.reason, undefined);
  assert.equal(r.results.length, 1);
  const c = r.results[0];
  assert.ok(c.codeCategory.startsWith(prefix), `code ${c.codeCategory} starts with ${prefix}`);
  assert.equal(c.codeLevel, c.codeCategory.length);
  assert.ok(typeof c.codeLabel === 'string' && c.codeLabel.length > 0);
  assert.ok(c.codeConfidence > 0 && c.codeConfidence <= 1);
  const product = checkPath(c.path, c.codeCategory, `coded ${c.codeCategory}`);
  assert.ok(Math.abs(c.codeConfidence - product) <= 1e-5, 'codeConfidence = product of the path');
  assert.deepEqual(r.suggestions, []);
}

/** An unsuccessful code() result with the given reason. */
export function checkUncoded(r, reason) {
  assert.ok(isPlainObject(r), 'code result is a plain object');
  assert.equal(r.codeStatus, 'unsuccessful');
  assert.equal(r.reason, reason);
  assert.deepEqual(r.results, []);
  assert.ok(Array.isArray(r.suggestions));
}

/** info(): what the pack is. */
export function checkInfo(info, classification) {
  assert.ok(isPlainObject(info), 'info is a plain object');
  assert.equal(info.classification, classification);
  for (const k of ['classificationVersion', 'trainerVersion', 'coderVersion']) assert.equal(typeof info[k], 'string', k);
  for (const k of ['formatVersion', 'groups', 'occupations', 'weights', 'buckets', 'minConditional', 'minJoint']) {
    assert.equal(typeof info[k], 'number', k);
  }
  assert.ok(info.occupations > 0 && info.groups > 0 && info.weights > 0);
  assert.ok(Array.isArray(info.nonClassificationCodes));
}

/** A thrown Error from the module: an Error, with a message and the expected `code`. */
export function checkThrown(err, code, messagePart) {
  assert.ok(err instanceof Error, `threw an Error, got ${err}`);
  assert.ok(!(err instanceof WebAssembly.RuntimeError), `a clean error, not a wasm trap: ${err}`);
  assert.equal(err.code, code, `error code for: ${err.message}`);
  assert.ok(err.message.length > 20, `helpful message: ${err.message}`);
  if (messagePart) assert.match(err.message, messagePart);
  return true;
}
