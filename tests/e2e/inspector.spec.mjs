// The Inspector page of the real window (issue 9), with tokens from real counterparts: an access token the
// test rig's OpenID provider issued (a client-credentials grant through the CLI), checked against the
// provider's JWKS URL, the expected issuer and audience: green Valid, every check PASS. The same token
// with its claims edited (the signature kept): red Invalid, signature FAIL. An unsigned (`alg: none`) token:
// refused in red, never green. A token signed by tests/rig/tokens.mjs that expired an hour ago, its keys at
// the JWKS URL that script serves: signature PASS, exp FAIL, "Expired 60 min ago" (the check says the
// same). Each state is a screenshot (inspector-valid / inspector-invalid go to docs/screenshots/ when KEYWARD_E2E_DOCS=1).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before } from 'node:test';

import {
  ROOT, button, click, docShot, fill, fillIn, keyward, scrollToTop, shot, startApp, startProvider, stopAll, tempHome, uiTest,
} from './lib.mjs';

const RED = 'rgb(180, 35, 24)'; // --danger
const GREEN_OR_AMBER = /rgb\((?!180, 35, 24)/;

let rig;
let app;
let home;
let dir;
let signer; // tests/rig/tokens.mjs --serve
let made; // its tokens
let jwksUrl; // its JWKS
let providerToken;

const b64 = (x) => Buffer.from(JSON.stringify(x)).toString('base64url');
const unb64 = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));

before(async () => {
  rig = await startProvider();
  home = tempHome();
  // A real access token of the provider: a client-credentials profile made with the CLI, its token read once.
  keyward(home.home, [
    'profile', 'add', 'svc', '--strategy', 'client-credentials', '--url', rig.info.token_endpoint,
    '--client-id', 'cc-basic', '--scope', 'read:users', '--resource', rig.info.api, '--client-secret-stdin',
  ], 'cc-basic-secret');
  providerToken = keyward(home.home, ['token', 'svc']).trim();
  assert.equal(providerToken.split('.').length, 3, 'the provider issues JWT access tokens');

  // Tokens each wrong in one way, signed by node's crypto, and their JWKS served on loopback.
  dir = mkdtempSync(join(tmpdir(), 'kw-e2e-tokens.'));
  signer = spawn(process.execPath, [join(ROOT, 'tests/rig/tokens.mjs'), dir, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: signer.stdout });
  const got = [];
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('tokens.mjs printed nothing in 10 s')), 10_000);
    lines.on('line', (l) => {
      got.push(JSON.parse(l));
      if (got.length === 2) {
        clearTimeout(timer);
        ok();
      }
    });
  });
  [made, { jwks_url: jwksUrl }] = got;

  app = await startApp({ KEYWARD_HOME: home.home });
});

after(async () => {
  signer?.stdin.end();
  await stopAll({ app, rig, home });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The checks as the page lists them: name → { status, reason }. */
async function checks(browser) {
  const rows = await browser.execute(() => [...document.querySelectorAll('li.check')].map((li) => ({
    name: li.querySelector('.check-name').textContent.trim(),
    status: li.querySelector('.check-status').textContent.trim(),
    reason: li.querySelector('.check-reason').textContent.trim(),
  })));
  return Object.fromEntries(rows.map((r) => [r.name, r]));
}

/** A table of the page (Header, Claims) as name → value. */
function table(browser, label) {
  return browser.execute((l) => Object.fromEntries([...document.querySelectorAll(`table[aria-label="${l}"] tbody tr`)]
    .map((tr) => [tr.querySelector('th').textContent.trim(), tr.querySelector('td').textContent.trim()])), label);
}

/** Press the submit button (`label`: Inspect or Inspect again) and wait for the inspection it starts to end:
 * the button says "Inspecting…" meanwhile. (React keeps the banner's element for the next verdict, so the
 * banner alone cannot tell an old verdict from a new one.) A verdict must come, not an error notice. */
async function submitAndWait(browser, label) {
  await browser.execute(() => {
    const btn = document.querySelector('.inspector-actions button[type=submit]');
    let pending = btn.textContent.startsWith('Inspecting');
    window.kwInspected = false;
    new MutationObserver((_, obs) => {
      if (btn.textContent.startsWith('Inspecting')) pending = true;
      else if (pending) {
        window.kwInspected = true;
        obs.disconnect();
      }
    }).observe(btn, { childList: true, characterData: true, subtree: true });
  });
  if (label) await click(browser, label);
  await browser.waitUntil(() => browser.execute(() => window.kwInspected), { timeout: 20_000, timeoutMsg: 'the inspection did not end within 20 s' });
  const error = await browser.$('.inspector-result .notice-error');
  if (await error.isExisting()) throw new Error(`an error instead of a verdict: ${await error.getText()}`);
  await (await browser.$('section.verdict')).waitForDisplayed({ timeout: 5_000, timeoutMsg: 'no verdict shown' });
}

/** Paste `token` (typed into the box, as a paste lands), set what to check it against, press Inspect, and
 * wait for a verdict; returns what the banner says. */
async function inspect(browser, token, { keys = 'none', keysUrl = '', issuer = '', audience = '' } = {}) {
  await fill(browser, 'inspect-token', token);
  const select = await browser.$('#inspect-keys');
  await select.scrollIntoView({ block: 'center' });
  await select.selectByAttribute('value', keys);
  if (keys === 'jwksUrl') await fillIn(browser, 'input[aria-label="JWKS URL"]', keysUrl);
  if (keys === 'issuer') await fillIn(browser, 'input[aria-label="Issuer URL"]', keysUrl);
  await fill(browser, 'inspect-issuer', issuer);
  await fill(browser, 'inspect-audience', audience);
  await submitAndWait(browser, 'Inspect');
  const banner = await browser.$('section.verdict');
  return {
    verdict: await banner.getAttribute('data-verdict'),
    title: (await (await browser.$('#verdict-title')).getText()).trim(),
    summary: (await (await browser.$('#verdict-summary')).getText()).trim(),
    color: await browser.execute(() => getComputedStyle(document.querySelector('#verdict-title')).color),
    countdown: (await (await browser.$('.verdict-countdown-value')).getText().catch(() => '')).trim(),
    focused: await browser.execute(() => document.activeElement?.matches('section.verdict') ?? false),
    // Focusing the verdict scrolls the page (<main>), never the window with the sidebar.
    windowScroll: await browser.execute(() => document.scrollingElement.scrollTop),
  };
}

uiTest("a provider's access token, checked against its JWKS, issuer and audience, is Valid with every check PASS", () => app.browser, async (browser) => {
  await click(browser, 'Inspector');
  await (await browser.$('h1=Inspector')).waitForDisplayed({ timeout: 10_000 });
  const seen = await inspect(browser, providerToken, {
    keys: 'jwksUrl', keysUrl: `${rig.info.issuer}/jwks`, issuer: rig.info.issuer, audience: rig.info.api,
  });
  assert.equal(seen.verdict, 'valid', JSON.stringify(seen));
  assert.match(seen.title, /^Valid\s*JWT$/);
  assert.equal(seen.summary, 'The signature verified and every check passed');
  assert.doesNotMatch(seen.color, new RegExp(RED.replace(/[()]/g, '\\$&')), 'a valid token is not shown in red');
  assert.match(seen.color, GREEN_OR_AMBER);
  assert.match(seen.countdown, /^Expires in \d+:\d\d$/, 'the expiry counts down');
  assert.ok(seen.focused, 'focus moves to the verdict');
  assert.equal(seen.windowScroll, 0, 'the window itself did not scroll (the sidebar stays in place)');
  const c = await checks(browser);
  for (const name of ['alg', 'signature', 'exp', 'iss', 'aud']) assert.equal(c[name]?.status, 'PASS', `${name}: ${JSON.stringify(c[name])}`);
  assert.deepEqual(Object.values(c).filter((x) => x.status === 'FAIL'), []);
  assert.match(c.signature.reason, new RegExp(`verified with kid \\S+ from .*${rig.info.issuer}/jwks`));
  // The claims table shows what the provider put in the token.
  const claims = await table(browser, 'Claims');
  assert.equal(claims.client_id, 'cc-basic');
  assert.equal(claims.scope, 'read:users');
  assert.equal(claims.iss, rig.info.issuer);
  await scrollToTop(browser, 'section.verdict', 140);
  await docShot(browser, 'inspector-valid');
});

uiTest('the same token with its claims edited is Invalid: the signature check FAILs, in red', () => app.browser, async (browser) => {
  const [h, p, s] = providerToken.split('.');
  const tampered = `${h}.${b64({ ...unb64(p), client_id: 'cc-admin', scope: 'read:users write:users' })}.${s}`;
  const seen = await inspect(browser, tampered, {
    keys: 'jwksUrl', keysUrl: `${rig.info.issuer}/jwks`, issuer: rig.info.issuer, audience: rig.info.api,
  });
  assert.equal(seen.verdict, 'invalid', JSON.stringify(seen));
  assert.match(seen.title, /^Invalid/);
  assert.equal(seen.color, RED, 'refused in red');
  const c = await checks(browser);
  assert.equal(c.signature.status, 'FAIL', JSON.stringify(c.signature));
  assert.match(c.signature.reason, /does not match/);
  // The banner says why and names the failing check (the core's "Invalid: <reason> (<check> check)").
  assert.match(seen.summary, /^kid \S+: the signature does not match .*\(signature check\)$/, 'the banner names the failing check');
  await scrollToTop(browser, 'section.verdict', 140);
  await shot(browser, 'inspector-tampered');
});

uiTest('an unsigned alg "none" token is refused in red, never shown as valid', () => app.browser, async (browser) => {
  // An unsigned token that expired 10 minutes ago, as an attacker would hand one over: alg none, no signature.
  const now = Math.floor(Date.now() / 1000);
  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'alice', aud: 'https://api.example.com', iat: now - 4200, exp: now - 600 })}.`;
  const seen = await inspect(browser, none, { audience: 'https://api.example.com' });
  assert.equal(seen.verdict, 'invalid', JSON.stringify(seen));
  assert.equal(seen.color, RED, 'refused in red');
  // The reason keeps its leading name as the core wrote it ("alg", not "Alg").
  assert.match(seen.summary, /^alg "none": the token is unsigned, .*\(alg check\)$/);
  const c = await checks(browser);
  assert.equal(c.alg.status, 'FAIL', JSON.stringify(c.alg));
  assert.match(c.alg.reason, /unsigned/);
  assert.equal(c.signature.status, 'FAIL');
  assert.equal(c.exp.status, 'FAIL');
  assert.equal(c.iss.status, 'SKIP');
  assert.equal(seen.countdown, 'Expired 10 min ago');
  await scrollToTop(browser, 'section.verdict', 140);
  await docShot(browser, 'inspector-invalid');

  // Also the rig's own unsigned token (tokens.mjs), against its keys: alg FAIL whatever the keys say.
  const rigNone = await inspect(browser, made.tokens.alg_none, { keys: 'jwksUrl', keysUrl: jwksUrl, issuer: made.issuer, audience: made.audience });
  assert.equal(rigNone.verdict, 'invalid');
  assert.equal(rigNone.color, RED);
  assert.equal((await checks(browser)).alg.status, 'FAIL');
});

uiTest('a token that expired an hour ago says "Expired 60 min ago" in the banner and the check alike, exp FAIL, its signature still verified', () => app.browser, async (browser) => {
  // tokens.mjs made it with exp an hour before it started; the spec runs some seconds (up to a minute or
  // so) later, so the words are those of the time that has passed by the check. Both word it in minutes
  // under 90 min ("60 min", "61 min"): the banner's countdown rounds down (ui/src/lib/time.ts), the core's
  // check to the nearest minute.
  const { exp } = unb64(made.tokens.expired.split('.')[1]);
  const since = () => Math.floor(Date.now() / 1000) - exp;
  const banner = (d) => `Expired ${Math.floor(d / 60)} min ago`;
  const core = (d) => `expired ${Math.floor((d + 30) / 60)} min ago`;
  const t0 = since();
  const seen = await inspect(browser, made.tokens.expired, { keys: 'jwksUrl', keysUrl: jwksUrl, issuer: made.issuer, audience: made.audience });
  const c = await checks(browser);
  const t1 = since();
  assert.ok(t0 >= 3600 && t1 < 3600 + 5 * 60, `the token expired an hour ago (${t0}..${t1} s)`);
  assert.equal(seen.verdict, 'invalid', JSON.stringify(seen));
  assert.equal(seen.color, RED);
  assert.ok([banner(t0), banner(t1 + 1)].includes(seen.countdown), `countdown ${JSON.stringify(seen.countdown)} vs ${banner(t0)} .. ${banner(t1 + 1)}`);
  assert.equal(c.exp.status, 'FAIL', JSON.stringify(c.exp));
  assert.ok([core(t0), core(t1)].some((w) => c.exp.reason.startsWith(`${w} (at `)), `exp: ${c.exp.reason} vs ${core(t0)} .. ${core(t1)}`);
  assert.equal(c.signature.status, 'PASS', 'the signature is fine: only the time is wrong');
  assert.match(c.signature.reason, /verified with kid test-rs/);
  assert.match(seen.summary, /^Expired \d+ min ago \(at .*\(exp check\)$/);
  await scrollToTop(browser, 'section.verdict', 140);
  await shot(browser, 'inspector-expired');
});

uiTest('Inspect token on a profile checks its current token in Keyward: the token never reaches the page', () => app.browser, async (browser) => {
  await click(browser, 'Profiles');
  await click(browser, 'svc');
  await click(browser, 'Inspect token');
  // The page inspects the profile's token at once; this profile names no issuer (a token endpoint URL is
  // all a client-credentials profile needs), so the keys are named here: the provider's issuer.
  const again = await button(browser, 'Inspect again');
  await again.waitForEnabled({ timeout: 20_000 });
  await (await browser.$('#inspect-keys')).selectByAttribute('value', 'issuer');
  await fillIn(browser, 'input[aria-label="Issuer URL"]', rig.info.issuer);
  await submitAndWait(browser, 'Inspect again');
  const fresh = await browser.$('section.verdict');
  assert.equal(await fresh.getAttribute('data-verdict'), 'valid', await fresh.getText());
  assert.match(await fresh.getText(), /The current access token of profile svc; it stayed in Keyward/);
  const html = await browser.getPageSource();
  const current = keyward(home.home, ['token', 'svc']).trim();
  assert.ok(!html.includes(current) && !html.includes(current.split('.')[2]), 'no part of the token is in the page');
  await scrollToTop(browser, 'section.verdict', 140);
  await shot(browser, 'inspector-profile');
});
