// The analysts' IDE in a real browser: Debian's Chromium driven by playwright-core (never a browser download).
// Usage: ANALYST_EMAIL=... ANALYST_PASSWORD=... CHROMIUM=/usr/bin/chromium node ide.mjs http://127.0.0.1:PORT ARTIFACTS_DIR
// Runs its steps in order in one browser page, saves a screenshot after each (and on failure), and prints one JSON
// report: [{ step, ok, detail }]. The analyst needs statistics.read and referrals.read (analyst@wvft.demo has both).
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
  // The analyst's organisation, from the token's org claim (the referral of the subscription step goes to it).
  state.organisation = JSON.parse(Buffer.from(state.token.split('.')[1], 'base64url').toString()).org;
  return { scopes: await page.textContent('#scopes'), organisation: state.organisation, tokenLength: state.token.length };
}

/**
 * Runs in the page: the operation editor's text (the first Monaco editor) with whitespace collapsed, when the IDE's
 * Builder also lists the operation as given (e.g. "CasesByYear: Query"), that is when the IDE has parsed that text.
 */
function parsedOperationText(operation) {
  const text = document.querySelector('.monaco-editor .view-lines')?.innerText.replace(/\s+/g, ' ').trim() ?? '';
  const listed = [...document.querySelectorAll('body *')].some((e) => !e.closest('.monaco-editor') && e.innerText?.replace(/\s+/g, ' ').trim() === operation);
  return listed ? text : `(not parsed yet) ${text}`;
}

/**
 * Replaces the operation editor's document the way an analyst's paste does: select all, then one paste event carrying
 * the text. Typing key by key would depend on timing and on the editor's auto-closing of brackets and quotes. Done
 * when the editor shows the text and the IDE has parsed it, so that Run runs this document; pasted again when the
 * editor did not take it (focus not yet there on a loaded machine).
 */
async function setDocument(page, text, operation) {
  const expected = text.replace(/\s+/g, ' ').trim();
  for (let attempt = 1; attempt <= 3; attempt++) {
    await page.locator('.monaco-editor').first().click();
    await page.waitForFunction(() => document.activeElement?.closest('.monaco-editor') === document.querySelector('.monaco-editor'));
    await page.keyboard.press('ControlOrMeta+A');
    await page.evaluate((pasted) => {
      const clipboardData = new DataTransfer();
      clipboardData.setData('text/plain', pasted);
      document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
    }, text);
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      if ((await page.evaluate(parsedOperationText, operation)) === expected) {
        return;
      }

      await page.waitForTimeout(100);
    }
  }

  throw new Error(`The IDE did not take the document as ${operation}; the editor shows: ${await page.evaluate(parsedOperationText, operation)}`);
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

  await setDocument(page, 'query CasesByYear {\n  caseStatistics(groupBy: [YEAR]) {\n    cells { year count suppressed }\n    total { count }\n  }\n}', 'CasesByYear: Query');
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

/** A token for another client (client credentials), for the change the subscription should see. */
async function clientToken(clientId, secret, scope) {
  const response = await fetch(`${url}/connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope }),
  });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(`POST /connect/token for ${clientId}: ${response.status} ${JSON.stringify(body)}`);
  }

  return body.access_token;
}

/** Over plain HTTP, as the government referral officer (atd): a referral to the analyst's organisation; its first change (sequence, status). */
async function createReferralTo(organisation, token) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: 'mutation Refer($input: CreateReferralInput!) { createReferral(input: $input) { change { sequence status } } }',
      variables: { input: { toOrganisation: organisation, kind: 'DOMESTIC', services: ['EDUCATION'], consent: { givenBy: 'CHILD' } } },
    }),
  });
  const body = await response.json();
  if (!response.ok || body.errors || !body.data?.createReferral) {
    throw new Error(`createReferral: ${response.status} ${JSON.stringify(body)}`);
  }

  return body.data.createReferral.change;
}

/**
 * In the same document (same Bearer token), starts a referralStatusChanged subscription: the IDE's "auto" protocol
 * opens a WebSocket at /graphql with graphql-transport-ws and sends the token in connection_init. Then another client
 * creates a referral to the analyst's organisation over plain HTTP, and the event shows in the result pane. A
 * subscription sees only changes made after the server registered it, and nothing says when that was: the referral is
 * created again (a few times at most) until an event shows.
 */
async function runSubscription({ page, state }) {
  const init = [];
  page.on('websocket', (socket) =>
    socket.on('framesent', (frame) => {
      let message;
      try {
        message = JSON.parse(String(frame.payload));
      } catch {
        return;
      }

      if (message?.type === 'connection_init') {
        init.push({ url: socket.url(), keys: Object.keys(message.payload ?? {}), bearer: message.payload?.authorization === `Bearer ${state.token}` });
      }
    }));

  await setDocument(page, 'subscription ReferralChanges {\n  referralStatusChanged {\n    sequence\n    status\n    previousStatus\n    referral { id }\n  }\n}', 'ReferralChanges: Subscription');
  await page.getByRole('button', { name: /Run Operation/ }).click();
  // While the subscription runs, the run button is the cancel button.
  await page.getByRole('button', { name: /Cancel/ }).first().waitFor();

  const token = await clientToken('demo-government-referral-officer', 'demo-secret-government-referral-officer', 'referrals.read referrals.write');
  const sequences = [];
  for (let attempt = 1; attempt <= 5; attempt++) {
    const change = await createReferralTo(state.organisation, token);
    sequences.push(change.sequence);
    const shown = await page.waitForFunction((expected) => {
      const text = [...document.querySelectorAll('.monaco-editor .view-lines')]
        .map((v) => v.innerText.replace(/\u00a0/g, ' '))
        .find((t) => t.includes('"referralStatusChanged"'));
      return text && expected.some((sequence) => text.includes(`"sequence": ${sequence}`)) ? text : null;
    }, sequences, { timeout: 10_000 }).catch(() => null);
    if (shown) {
      const result = await shown.jsonValue();
      if (result.includes('"errors"')) {
        throw new Error('The result pane shows errors:\n' + result);
      }

      await page.mouse.move(700, 450);
      return { sequences, attempts: attempt, connectionInit: init, result };
    }
  }

  throw new Error(`No referralStatusChanged event for sequences ${sequences.join(', ')} in the result pane; connection_init: ${JSON.stringify(init)}`);
}

const steps = [
  ['sign-in', signIn],
  ['statistics', runStatistics],
  ['subscription', runSubscription],
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
