// The analysts' IDE in a real browser: Debian's Chromium driven by playwright-core (never a browser download).
// Usage: ANALYST_EMAIL=... ANALYST_PASSWORD=... CHROMIUM=/usr/bin/chromium node ide.mjs http://127.0.0.1:PORT ARTIFACTS_DIR
// Runs its steps in order in one browser page, saves a screenshot after each (and on failure), and prints one JSON
// report: [{ step, ok, detail }]. A later step (subscriptions) is one more entry in `steps`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, artifacts] = process.argv.slice(2);
const { ANALYST_EMAIL: email, ANALYST_PASSWORD: password, CHROMIUM: executablePath } = process.env;
if (!url || !artifacts || !email || !password || !executablePath) {
  console.error('usage: ANALYST_EMAIL=... ANALYST_PASSWORD=... CHROMIUM=... node ide.mjs URL ARTIFACTS_DIR');
  process.exit(2);
}

/** Signs in on the login page and takes the token the token page gives (authorization code with PKCE). */
async function signIn({ page, state }) {
  await page.goto(`${url}/account/token`);
  await page.waitForURL(/\/account\/login/);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('#token', { state: 'visible' });
  state.token = await page.inputValue('#token');
  return { scopes: await page.textContent('#scopes'), tokenLength: state.token.length };
}

/** Opens the IDE at /graphql, gives the document the token (Bearer), runs a caseStatistics query and reads the result pane. */
async function runStatistics({ page, state }) {
  await page.goto(`${url}/graphql`);
  await page.getByRole('button', { name: 'Create Document' }).click();
  await page.getByRole('button', { name: 'Connection Settings' }).click();
  await page.locator('button', { hasText: /^Authorization$/ }).click();
  await page.selectOption('#auth-flow', { label: 'Bearer' });
  await page.fill('#token', state.token);
  await page.locator('button', { hasText: /^Apply$/ }).click();
  await page.getByRole('button', { name: /Reload Schema/ }).click();

  await page.locator('.monaco-editor').first().click();
  await page.keyboard.insertText('query CasesByYear { caseStatistics(groupBy: [YEAR]) { cells { year count suppressed } total { count } } }');
  await page.getByRole('button', { name: /Run Operation/ }).click();

  const handle = await page.waitForFunction(() => {
    const text = [...document.querySelectorAll('.monaco-editor .view-lines')].map((v) => v.innerText).find((t) => t.includes('"caseStatistics"'));
    return text && text.includes('"count"') ? text : null;
  });
  const result = (await handle.jsonValue()).replace(/\u00a0/g, ' ');
  if (result.includes('"errors"')) {
    throw new Error('The result pane shows errors:\n' + result);
  }

  return { result };
}

const steps = [
  ['sign-in', signIn],
  ['statistics', runStatistics],
];

mkdirSync(artifacts, { recursive: true });
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.setDefaultTimeout(30_000);
const state = {};
const report = [];
let failed = false;
for (const [step, run] of steps) {
  try {
    const detail = await run({ page, state });
    await page.screenshot({ path: join(artifacts, `${report.length + 1}-${step}.png`) });
    report.push({ step, ok: true, detail });
  } catch (error) {
    await page.screenshot({ path: join(artifacts, `${report.length + 1}-${step}-failed.png`) }).catch(() => {});
    report.push({ step, ok: false, detail: String(error?.stack ?? error) });
    failed = true;
    break;
  }
}

await browser.close();
console.log(JSON.stringify(report));
process.exit(failed ? 1 : 0);
