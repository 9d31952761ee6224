// The `occupation` SurveyJS question (www/occupation-coder-surveyjs.mjs) with the real
// survey-core and survey-js-ui (tests/apps/surveyjs, installed with npm ci from its committed
// lockfile, reused while the lockfile is unchanged) in headless Chromium: required-validation
// blocks completion while nothing is chosen; 'brickie' -> 371131 is stored in question.value
// and in the completed survey's data.
//   node --test tests/e2e/surveyjs.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO, requireBuilt, startServer, stopServer, launch, watchErrors } from '../browser.mjs';

const APP = path.join(REPO, 'tests/apps/surveyjs');
let server;
let base;
let browser;

/** npm ci unless node_modules was installed from this very lockfile. */
function installApp() {
  const lock = path.join(APP, 'package-lock.json');
  const installed = path.join(APP, 'node_modules/.package-lock.json');
  const same = () => {
    const want = JSON.parse(readFileSync(lock, 'utf8')).packages;
    const have = JSON.parse(readFileSync(installed, 'utf8')).packages;
    return Object.entries(want).every(([k, v]) => !k || have[k]?.version === v.version);
  };
  if (existsSync(installed) && same()) return;
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: APP, stdio: 'inherit' });
}

before(async () => {
  requireBuilt();
  installApp();
  // The repository root, so the app reaches both its node_modules and /www/ (no CSP: the
  // import map is an inline script).
  ({ child: server, url: base } = await startServer({ csp: false, root: REPO }));
  browser = await launch();
}, { timeout: 300_000 });

after(async () => {
  await browser?.close();
  stopServer(server);
});

/** Types `text` into the widget's title field and waits for the suggestions for exactly the
 * field's text (an option clicked or Enter pressed earlier could meet a list for a shorter text). */
async function typeTitle(page, text, scope = 'occupation-coder') {
  await page.evaluate(() => {
    window.__titles = [];
    if (window.__listening) return;
    window.__listening = true;
    document.addEventListener('occupation-suggestions', (e) => window.__titles.push(e.detail.title));
  });
  await page.locator(`${scope} input`).pressSequentially(text);
  const full = await page.locator(scope).evaluate((el) => el.jobTitle);
  await page.waitForFunction((t) => window.__titles.includes(t), full);
}

test('the package exports occupation-coder/surveyjs', () => {
  assert.equal(import.meta.resolve('occupation-coder/surveyjs'),
    new URL('www/occupation-coder-surveyjs.mjs', `file://${REPO}/`).href);
});

test("SurveyJS: required blocks completion; choosing 371131 for 'brickie' is the question's value and the result's", async () => {
  const errors = [];
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await watchErrors(page, errors);
    await page.goto(`${base}tests/apps/surveyjs/index.html`);
    const coder = page.locator('occupation-coder');
    await coder.waitFor();
    const complete = page.getByRole('button', { name: 'Complete' });

    // Nothing chosen: SurveyJS's required error, the survey stays open.
    await complete.click();
    await page.getByText('Response required.').waitFor();
    assert.equal(await page.evaluate(() => window.survey.state), 'running');

    // Typing alone is not an answer: still blocked.
    await coder.locator('input').click();
    await typeTitle(page, 'brickie');
    assert.equal(await page.evaluate(() => window.survey.getQuestionByName('job').isEmpty()), true);

    // Chosen with the keyboard (Enter chooses; SurveyJS does not take it to complete the survey).
    const first = await page.locator('occupation-coder [role=option]').first().textContent();
    assert.match(first, /371131/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => window.survey.state), 'running');
    const value = await page.evaluate(() => window.survey.getQuestionByName('job').value);
    assert.equal(value.code, '371131');
    assert.equal(value.label, 'Bricklayer');
    assert.equal(value.status, 'chosen');
    assert.equal(value.classification, 'osca2024');
    assert.equal(value.title, 'brickie');
    assert.ok(value.confidence > 0 && value.confidence <= 1);

    await complete.click();
    await page.waitForFunction(() => window.survey.state === 'completed');
    const result = JSON.parse(await page.locator('#result').textContent());
    assert.equal(result.job.code, '371131');
    assert.equal(result.job.label, 'Bricklayer');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('SurveyJS: editing the title clears the value; a saved value is shown as chosen', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${base}tests/apps/surveyjs/index.html`);
    const input = page.locator('occupation-coder input');
    await typeTitle(page, 'brickie');
    await page.locator('occupation-coder [role=option]', { hasText: '371131' }).click();
    await page.waitForFunction(() => window.survey.getQuestionByName('job').value?.code === '371131');
    await input.press('Backspace'); // the title changed: the choice no longer stands
    await page.waitForFunction(() => window.survey.getQuestionByName('job').isEmpty());
    assert.equal(await page.evaluate(() => document.querySelector('occupation-coder').jobTitle), 'brickie'.slice(0, -1));
    await typeTitle(page, 'e');
    await page.locator('occupation-coder [role=option]', { hasText: 'None of these' }).click();
    await page.waitForFunction(() => window.survey.getQuestionByName('job').value?.status === 'other');
    assert.equal(await page.evaluate(() => document.querySelector('occupation-coder').jobTitle), 'brickie');

    // survey.data set by the app (or a page shown again): the widget shows the saved choice.
    await page.evaluate(() => {
      window.survey.data = { job: { code: '371131', label: 'Bricklayer', status: 'chosen', title: 'brickie', tasks: '' } };
    });
    await page.waitForFunction(() => document.querySelector('occupation-coder')?.value === '371131');
    await page.waitForFunction(() => /Bricklayer/.test(document.querySelector('occupation-coder')
      .shadowRoot.querySelector('[part=chosen-text]').textContent));
    assert.equal(await page.evaluate(() => document.querySelector('occupation-coder').jobTitle), 'brickie');

    // Read-only (display mode) disables the element's fields; a property change reaches it.
    await page.evaluate(() => { window.survey.mode = 'display'; });
    await page.waitForFunction(() => document.querySelector('occupation-coder').shadowRoot.querySelector('input').disabled);
    await page.evaluate(() => { window.survey.mode = 'edit'; window.survey.getQuestionByName('job').classification = 'anzsco2022'; });
    await page.waitForFunction(() => !document.querySelector('occupation-coder').shadowRoot.querySelector('input').disabled);
    assert.equal(await page.evaluate(() => document.querySelector('occupation-coder').getAttribute('classification')), 'anzsco2022');
  } finally {
    await context.close();
  }
});

test('SurveyJS: when the model cannot load, the typed title is the answer (status unavailable) and completes', async () => {
  const context = await browser.newContext();
  try {
    await context.route('**/*.ocpk', (r) => r.fulfill({ status: 404 }));
    const page = await context.newPage();
    await page.goto(`${base}tests/apps/surveyjs/index.html`);
    const input = page.locator('occupation-coder input');
    await input.click(); // focus starts loading the pack
    await page.waitForFunction(() => document.querySelector('occupation-coder').matches(':state(error)'));
    await input.pressSequentially('brickie');
    await page.waitForFunction(() => window.survey.getQuestionByName('job').value?.status === 'unavailable');
    assert.deepEqual(await page.evaluate(() => window.survey.getQuestionByName('job').value),
      { code: '', status: 'unavailable', title: 'brickie', tasks: '' });
    // Leave the field first: its "could not load" message closes on blur, moving the button.
    await input.blur();
    await page.getByRole('button', { name: 'Complete' }).click();
    await page.waitForFunction(() => window.survey.state === 'completed');
    assert.equal(JSON.parse(await page.locator('#result').textContent()).job.title, 'brickie');
  } finally {
    await context.close();
  }
});
