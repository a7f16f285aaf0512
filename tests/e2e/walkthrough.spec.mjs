// Issue 13's window items, as a new user meets them in the real window: the skip link and a visible focus
// ring, a strategy card chosen with the keyboard; Log in telling the truth when the browser fails to start or
// never connects (the address opened by itself, Copy address); the scopes granted as the token response
// says and the ones asked but not granted; Try a request starting from the profile's API base URL, and a
// network error said once in plain words; the copy notice counting down and then saying the clipboard was
// cleared; Reveal's countdown; a wrong client secret caught by Save-and-test, the pill turning to
// "Refused by the server" and "Edit client secret" opening the form at that field; the audit log's action
// names; Log out and remove, confirmed in the list. The browser is a small script whose behaviour the spec
// switches (fail / silent / the rig's headless-Chromium person). Screenshots in tests/artifacts/e2e/.

import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

import {
  BROWSER_STANDIN, button, click, docShot, fill, keyward, scrollToTop, shot, startApp, startProvider, stopAll,
  tempHome, uiTest, waitForText,
} from './lib.mjs';

const API_KEY = `rk_test_walkthrough${'0'.repeat(24)}`;
let rig;
let app;
let home;
let dir;
let modeFile;

/** What the next browser launch does: 'fail' (exits 3 at once), 'silent' (exits 0, opens nothing), 'approve'. */
const browserWill = (mode) => writeFileSync(modeFile, mode);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kw-e2e-walk.'));
  const keys = join(dir, 'api-keys.txt');
  writeFileSync(keys, `${API_KEY} maps read:users\n`);
  modeFile = join(dir, 'browser-mode');
  const browser = join(dir, 'browser.sh');
  writeFileSync(browser, `#!/bin/sh
case "$(cat '${modeFile}' 2>/dev/null)" in
  fail) echo 'cannot open display :99' >&2; exit 3 ;;
  silent) exit 0 ;;
  *) exec '${BROWSER_STANDIN}' "$@" ;;
esac
`);
  chmodSync(browser, 0o755);
  browserWill('approve');

  rig = await startProvider(['--api-keys-file', keys]);
  home = tempHome();
  // A PKCE profile that asks for a scope the provider does not grant, with its API's base URL.
  keyward(home.home, [
    'profile', 'add', 'demo', '--strategy', 'pkce', '--issuer', rig.info.issuer, '--client-id', 'native-app',
    '--scope', 'openid offline_access read:users admin:users', '--api-base-url', rig.info.whoami,
  ]);
  keyward(home.home, ['apikey', 'set', 'maps', '--stdin', '--placement', 'header:X-API-Key', '--base-url', rig.info.whoami], API_KEY);
  app = await startApp({ KEYWARD_HOME: home.home, BROWSER: browser, KEYWARD_RIG_LOGIN: 'alice@example.com' });
});

after(async () => {
  await stopAll({ app, rig, home });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What has the focus: its tag, id, classes, text, and whether its outline shows. */
function focused(browser) {
  return browser.execute(() => {
    const el = document.activeElement;
    const css = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      cls: el.className && typeof el.className === 'string' ? el.className : '',
      text: (el.textContent ?? '').trim().slice(0, 80),
      ring: css.outlineStyle !== 'none' && parseFloat(css.outlineWidth) >= 2,
      outline: `${css.outlineStyle} ${css.outlineWidth} ${css.outlineColor}`,
      onScreen: r.width > 1 && r.height > 1 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight,
      inForm: Boolean(el.closest('form')),
    };
  });
}

async function tab(browser, times = 1) {
  for (let i = 0; i < times; i += 1) await browser.keys(['Tab']);
  return focused(browser);
}

async function openProfile(browser, name) {
  await click(browser, 'Profiles');
  await click(browser, name);
  await waitForText(browser, 'h1', name);
}

uiTest('the first Tab shows a skip link; every control it reaches shows a focus ring', () => app.browser, async (browser) => {
  await waitForText(browser, 'main h1', 'Profiles');
  await browser.execute(() => { document.activeElement?.blur(); window.focus(); });
  const skip = await tab(browser);
  assert.equal(skip.text, 'Skip to content', JSON.stringify(skip));
  assert.ok(skip.onScreen, `the skip link shows when focused: ${JSON.stringify(skip)}`);
  assert.ok(skip.ring, `a focus ring on the skip link: ${skip.outline}`);
  await shot(browser, 'focus-skip-link');
  await browser.keys(['Enter']);
  const main = await focused(browser);
  assert.equal(main.id, 'main', 'Enter on the skip link moves to the page content');
  // Back to the top of the page: each control the keyboard reaches shows its ring (nav items, buttons,
  // the search box, the profile rows).
  await browser.execute(() => { document.activeElement?.blur(); });
  const seen = [];
  let el = await tab(browser);
  for (let i = 0; i < 12; i += 1) {
    el = await tab(browser);
    seen.push(el);
  }
  const without = seen.filter((e) => !e.ring && e.tag !== 'main');
  assert.deepEqual(without, [], 'every focused control shows a ring of at least 2 px');
  assert.ok(seen.some((e) => e.cls.includes('nav-item')), 'the nav items are reached');
  assert.ok(seen.some((e) => e.cls.includes('button')), 'the buttons are reached');
  const navItem = seen.find((e) => e.cls.includes('nav-item'));
  await browser.execute((t) => [...document.querySelectorAll('.nav-item')].find((a) => a.textContent.trim() === t)?.focus(), navItem.text);
  await shot(browser, 'focus-ring-nav');
});

uiTest('a strategy card chosen with arrows and Enter opens its form with the focus in it', () => app.browser, async (browser) => {
  await click(browser, 'Add credential');
  await (await browser.$('.strategy-card')).waitForDisplayed({ timeout: 10_000 });
  // Tab to the first card, then move with the arrow keys as a person would.
  let at = await focused(browser);
  for (let i = 0; i < 25 && !at.cls.includes('strategy-card'); i += 1) at = await tab(browser);
  assert.ok(at.cls.includes('strategy-card'), `Tab reaches the strategy cards: ${JSON.stringify(at)}`);
  await browser.keys(['ArrowRight']);
  const second = await focused(browser);
  assert.ok(second.cls.includes('strategy-card') && second.text !== at.text, 'ArrowRight moves to the next card');
  assert.ok(second.ring, `the card shows its focus ring: ${second.outline}`);
  await shot(browser, 'focus-strategy-card');
  const title = await browser.execute(() => document.activeElement.querySelector('.strategy-card-title').textContent);
  await browser.keys(['Enter']);
  await browser.waitUntil(async () => (await focused(browser)).inForm, { timeout: 5_000, timeoutMsg: 'the focus left the form after Enter' });
  const inForm = await focused(browser);
  assert.equal(inForm.tag, 'input', `the first field has the focus: ${JSON.stringify(inForm)}`);
  assert.ok(inForm.ring, `and shows its ring: ${inForm.outline}`);
  assert.match(await (await browser.$('main')).getText(), new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await click(browser, 'Cancel');
});

uiTest('Log in with a browser that fails to start says so, opens the address part, and copies the address', () => app.browser, async (browser) => {
  browserWill('fail');
  await openProfile(browser, 'demo');
  await click(browser, 'Log in');
  await waitForText(browser, '.login-progress', 'Your browser did not open', { timeout: 15_000 });
  const progress = await browser.$('.login-progress');
  assert.doesNotMatch(await progress.getText(), /✓\s*Opening your browser/, 'no tick for a browser that did not open');
  assert.equal(await (await browser.$('.login-progress details.login-url')).getAttribute('open'), 'true', 'the address part opened by itself');
  assert.match(await progress.getText(), /Keyward could not start it/);
  const url = await (await browser.$('.login-url .mono')).getText();
  assert.match(url, new RegExp(`^${rig.info.authorization_endpoint}\\?`), 'the authorize address is shown to open by hand');
  await click(browser, 'Copy address');
  await waitForText(browser, '.login-url [role=status]', 'Address copied.');
  await shot(browser, 'login-browser-failed');
  await click(browser, 'Cancel login');
  await waitForText(browser, '.credential [role=status]', 'Login cancelled. Nothing was stored.');
});

uiTest('a browser that starts but never connects: the watchdog says so and opens the address part', () => app.browser, async (browser) => {
  browserWill('silent');
  await click(browser, 'Log in');
  await waitForText(browser, '.login-progress', 'Waiting for you', { timeout: 15_000 });
  await waitForText(browser, '.login-progress', 'Your browser has not connected yet', { timeout: 20_000 });
  assert.equal(await (await browser.$('.login-progress details.login-url')).getAttribute('open'), 'true');
  assert.match(await (await browser.$('.login-progress')).getText(), /Nothing has reached Keyward from your browser yet/);
  await shot(browser, 'login-browser-silent');
  await click(browser, 'Cancel login');
  await waitForText(browser, '.credential [role=status]', 'Login cancelled');
});

uiTest('signed in: the scopes granted as the token response says, and the one asked but not granted', () => app.browser, async (browser) => {
  browserWill('approve');
  await click(browser, 'Log in');
  await waitForText(browser, '.credential .pill', 'Signed in as alice@example.com', { timeout: 60_000 });
  // The facts by term (WebKit's getText runs a <dl>'s terms and values together).
  const facts = await browser.execute(() => Object.fromEntries([...document.querySelectorAll('.credential .facts dt')]
    .map((dt) => [dt.textContent.trim(), dt.nextElementSibling?.textContent.trim()])));
  assert.equal(facts['Scopes granted'], 'read:users', JSON.stringify(facts));
  assert.equal(facts['Asked but not granted'], 'admin:users', JSON.stringify(facts));
  await shot(browser, 'signed-in-not-granted');
});

uiTest('Try a request starts from the API base URL; a server that cannot be reached is said once, in words', () => app.browser, async (browser) => {
  assert.equal(await (await browser.$('#try-url')).getValue(), rig.info.whoami, 'the URL starts as the profile\'s API base URL');
  await click(browser, 'Send');
  assert.equal(await waitForText(browser, '[data-testid=response-status]', '200'), '200 OK');
  // Nothing listens on port 9 (discard) of 127.0.0.1, the API's host.
  await fill(browser, 'try-url', 'http://127.0.0.1:9/v1/whoami');
  await click(browser, 'Send');
  const notice = await waitForText(browser, '.notice-error', 'A server could not be reached');
  assert.doesNotMatch(notice, /os error|ECONNREFUSED|errno/i, `plain words, no OS error code: ${notice}`);
  const sentences = notice.split(/(?<=\.)\s+/).map((s) => s.trim()).filter(Boolean);
  assert.equal(new Set(sentences).size, sentences.length, `no piece of advice twice: ${notice}`);
  assert.ok((notice.match(/try again/gi) ?? []).length <= 1, `one piece of advice: ${notice}`);
  await scrollToTop(browser, '#try-title');
  await shot(browser, 'try-request-unreachable');
});

uiTest('Copy API key: the notice counts down the clipboard clearing, then says it was cleared; Reveal counts down too', () => app.browser, async (browser) => {
  await openProfile(browser, 'maps');
  assert.equal(await (await browser.$('#try-url')).getValue(), rig.info.whoami, 'an API key profile starts from its base URL too');
  await click(browser, 'Copy API key');
  const copied = await waitForText(browser, '.credential', 'API key copied to the clipboard');
  assert.match(copied, /cleared in 60 s/);
  const timer = await browser.$('.credential [role=timer]');
  const first = Number((await timer.getAttribute('aria-label')).match(/(\d+) seconds?/)[1]);
  await browser.pause(2_500);
  const later = Number((await timer.getAttribute('aria-label')).match(/(\d+) seconds?/)[1]);
  assert.ok(later <= first - 2, `the notice counts down (${first} → ${later})`);
  await shot(browser, 'copy-countdown');

  // Meanwhile (the same page): Reveal shows the key with its own countdown, and hides it on Hide.
  await (await browser.$('button[aria-label="Reveal api key"]')).click();
  const revealed = await browser.$('input[aria-label="API key revealed"]');
  await revealed.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await revealed.getValue(), API_KEY);
  assert.match(await (await browser.$('.secret-countdown')).getText(), /^Hides in (30|29|28) s$/);
  await (await browser.$('button[aria-label="Hide api key"]')).click();
  await (await browser.$('span[aria-label="API key hidden"]')).waitForDisplayed({ timeout: 5_000 });
  assert.ok(!(await browser.getPageSource()).includes(API_KEY), 'the key left the page once hidden');

  // The clearing: 60 s after the copy the notice says it happened (no stale "copied" line).
  await waitForText(browser, '.credential', 'API key cleared from the clipboard 60 s after copying', { timeout: 70_000 });
  assert.doesNotMatch(await (await browser.$('.credential')).getText(), /copied to the clipboard\. It is cleared/);
  await shot(browser, 'copy-cleared');
});

uiTest('a wrong client secret: Save and test refuses it, the pill says refused, Edit client secret fixes it', () => app.browser, async (browser) => {
  await click(browser, 'Profiles');
  await click(browser, 'Add credential');
  await (await browser.$('.strategy-card*=server-to-server')).click();
  await fill(browser, 'field-name', 'm2m');
  await fill(browser, 'field-url', rig.info.token_endpoint);
  await fill(browser, 'field-clientId', 'cc-basic');
  await fill(browser, 'field-clientSecret', 'not-the-secret');
  await fill(browser, 'field-scopes', 'read:users');
  const testFirst = await browser.$('//label[contains(., "Get a token first, to test it")]//input');
  assert.equal(await testFirst.isSelected(), true, 'Save and test is on by default');
  await (await browser.$('button[type=submit]')).click();
  const refused = await waitForText(browser, '.notice-error', 'The server refused', { timeout: 20_000 });
  assert.match(refused, /invalid_client/);
  assert.ok(await (await button(browser, 'Save without the test')).isDisplayed(), 'saving anyway is offered');
  assert.ok(!keyward(home.home, ['profile', 'list']).includes('m2m'), 'a failed test saves nothing');
  await shot(browser, 'save-and-test-refused');

  await click(browser, 'Save without the test');
  await waitForText(browser, 'h1', 'm2m');
  await click(browser, 'Get token');
  await waitForText(browser, '.credential .pill', 'Refused by the server', { timeout: 20_000 });
  const notice = await waitForText(browser, '.credential .notice-error', 'invalid_client');
  assert.ok(!notice.includes('not-the-secret'), 'the secret is not echoed');
  await shot(browser, 'wrong-secret-refused');
  await click(browser, 'Edit client secret');
  await browser.waitUntil(async () => (await focused(browser)).id === 'field-clientSecret', {
    timeout: 10_000, timeoutMsg: 'Edit client secret did not focus the client secret field',
  });
  await fill(browser, 'field-clientSecret', 'cc-basic-secret');
  await (await browser.$('button[type=submit]')).click();
  await waitForText(browser, 'h1', 'm2m', { timeout: 20_000 });
  await click(browser, 'Get token');
  await waitForText(browser, '.credential [role=status]', 'Got a valid access token');
  await waitForText(browser, '.credential .pill', 'Token ready');
});

uiTest('the audit log names what happened: token issued, token refused, login, secret revealed', () => app.browser, async (browser) => {
  await click(browser, 'Audit log');
  const table = await waitForText(browser, 'table.audit', 'Token issued');
  for (const words of ['Token refused', 'Login', 'Secret revealed', 'Profile added']) assert.match(table, new RegExp(words), `${words} in ${table}`);
  assert.doesNotMatch(table, /Refresh/, 'a client-credentials token is not called a refresh');
  assert.ok(!table.includes(API_KEY) && !table.includes('cc-basic-secret') && !table.includes('not-the-secret'), 'no secret in the audit log');
  await docShot(browser, 'audit');
});

uiTest('Log out and remove revokes at the provider first, and the list says so', () => app.browser, async (browser) => {
  const before = await (await fetch(`${rig.info.api}/__rig/stats`)).json();
  await openProfile(browser, 'demo');
  await click(browser, 'Remove');
  await waitForText(browser, '[role=alertdialog]', 'Log out and remove');
  await shot(browser, 'remove-dialog');
  await click(browser, 'Log out and remove');
  await waitForText(browser, 'main', 'Removed demo. The provider revoked its refresh token first.', { timeout: 20_000 });
  const afterStats = await (await fetch(`${rig.info.api}/__rig/stats`)).json();
  assert.equal(afterStats.revocations, before.revocations + 1, 'one revocation reached the provider');
  assert.ok(!keyward(home.home, ['profile', 'list']).includes('demo'), 'the profile is gone');
  await shot(browser, 'removed');
});
