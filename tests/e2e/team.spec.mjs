// A team's profile in the real window (issue 12): a real OpenBao dev server (tests/.venv/bin/bao) holds a
// client-credentials profile shared with the CLI (`team add`, `team share`); the app, started on that
// KEYWARD_HOME, reads the team at start-up: the list marks the profile "Shared · payments", its page says
// so, Get token works with the secret from OpenBao (it is in no file and in no keychain entry of the
// profile), and the Teams page shows the token and the shared profile's version and writer. A second team is
// connected through the page's form: a wrong token refused there, the right one kept in the Secret Service.
// A teammate's new version of the shared entry reaches the running window without a restart: a wrong
// client secret written to OpenBao makes its next fresh token fail, the right one written back makes it work.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

import { click, docShot, fill, keyward, ROOT, shot, startApp, startProvider, stopAll, tempHome, uiTest, waitForText } from './lib.mjs';

const SECRET = 'cc-basic-secret';
const BAO_TOKEN = 'kw-e2e-canary-bao-token-0001';
const BAO_TOKEN_2 = 'kw-e2e-canary-bao-token-0002';
let rig;
let app;
let home;
let bao;
let baoHome;
let addr;

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

async function baoApi(method, path, body) {
  const res = await fetch(`${addr}/v1/${path}`, {
    method, headers: { 'X-Vault-Token': 'ROOT', 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`OpenBao ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

before(async () => {
  rig = await startProvider();
  const port = await freePort();
  addr = `http://127.0.0.1:${port}`;
  baoHome = mkdtempSync(join(tmpdir(), 'kw-e2e-bao.'));
  bao = spawn(join(ROOT, 'tests/.venv/bin/bao'), ['server', '-dev', '-dev-root-token-id=ROOT', `-dev-listen-address=127.0.0.1:${port}`],
    { env: { ...process.env, HOME: baoHome }, stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try { if ((await fetch(`${addr}/v1/sys/health`)).ok) break; } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error('OpenBao did not start in 20 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  await baoApi('PUT', 'sys/policies/acl/rotators', {
    policy: 'path "secret/data/keyward/payments/*" { capabilities = ["create", "read", "update"] }\n'
      + 'path "secret/metadata/keyward/payments/*" { capabilities = ["read", "list"] }\n'
      + 'path "secret/metadata/keyward/payments" { capabilities = ["list"] }\n',
  });
  await baoApi('POST', 'auth/token/create', { id: BAO_TOKEN, policies: ['rotators'], display_name: 'alice' });
  await baoApi('PUT', 'sys/policies/acl/search-members', {
    policy: 'path "secret/data/keyward/search/*" { capabilities = ["read"] }\n'
      + 'path "secret/metadata/keyward/search/*" { capabilities = ["read", "list"] }\n'
      + 'path "secret/metadata/keyward/search" { capabilities = ["list"] }\n',
  });
  await baoApi('POST', 'auth/token/create', { id: BAO_TOKEN_2, policies: ['search-members'], display_name: 'carol' });

  home = tempHome();
  keyward(home.home, ['profile', 'add', 'billing', '--strategy', 'client-credentials', '--url', rig.info.token_endpoint,
    '--client-id', 'cc-basic', '--scope', 'read:users', '--client-secret-stdin'], SECRET);
  keyward(home.home, ['team', 'add', 'payments', '--addr', addr, '--token-stdin'], BAO_TOKEN);
  keyward(home.home, ['team', 'share', 'billing', '--team', 'payments']);
  // The window reads its teams' profiles again every second (a minute by default).
  app = await startApp({ KEYWARD_HOME: home.home, KEYWARD_TEAM_REFRESH: '1' });
});

after(async () => {
  await stopAll({ app, rig, home });
  bao?.kill('SIGKILL');
  rmSync(baoHome, { recursive: true, force: true });
});

uiTest('the shared profile is listed, marked with its team, and gets a token with the secret from OpenBao', () => app.browser, async (browser) => {
  const row = await browser.$('li.profile*=billing');
  await row.waitForDisplayed({ timeout: 15_000 });
  assert.match(await row.getText(), /Shared · payments/);
  await docShot(browser, 'profiles-shared-real');
  await row.click();
  await waitForText(browser, 'h1', 'billing');
  await waitForText(browser, '.subtitle', 'shared through team payments');
  await click(browser, 'Get token');
  await waitForText(browser, '.credential [role=status]', 'Got a valid access token');

  // The client secret came from OpenBao: it is in no file of KEYWARD_HOME, nor the OpenBao token.
  const files = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
  for (const f of files(home.home)) {
    const text = readFileSync(f, 'utf8');
    assert.ok(!text.includes(SECRET) && !text.includes(BAO_TOKEN), `${f} holds a secret`);
  }
  const kv = await baoApi('GET', 'secret/data/keyward/payments/billing');
  assert.equal(kv.data.data.clientSecret, SECRET, 'the shared secret is in the team\'s OpenBao');
  assert.ok(!JSON.stringify(kv).includes(BAO_TOKEN), 'the OpenBao token is not in the KV');
  const html = await browser.getPageSource();
  assert.ok(!html.includes(SECRET) && !html.includes(BAO_TOKEN), 'no secret reached the page');
});

uiTest('the Teams page shows the token and the shared profile\'s version and writer', () => app.browser, async (browser) => {
  await click(browser, 'Teams');
  await waitForText(browser, 'h2', 'payments');
  const table = await browser.$('table[aria-label="Profiles shared by team payments"]');
  await table.waitForDisplayed({ timeout: 15_000 });
  const text = await table.getText();
  assert.match(text, /billing/);
  assert.match(text, /token-alice/);
  assert.match(text, /clientSecret/);
  await waitForText(browser, '.team p', 'Token token-alice, policies');
  await shot(browser, 'teams-real');
  await docShot(browser, 'teams-real');
});

uiTest('a second team is connected through the form: a wrong token refused, the right one kept in the keychain, its profile listed at once', () => app.browser, async (browser) => {
  // The search team already shares a profile (written with the root token, as another member's share would).
  const billing = await baoApi('GET', 'secret/data/keyward/payments/billing');
  await baoApi('POST', 'secret/data/keyward/search/geo', { data: { ...billing.data.data, changedBy: 'token-dana' } });
  await click(browser, 'Connect a team…');
  await fill(browser, 'team-name', 'search');
  await fill(browser, 'team-addr', addr);
  assert.equal(await (await browser.$('#team-token')).getAttribute('type'), 'password');
  await fill(browser, 'team-token', 'kw-e2e-not-a-token');
  await click(browser, 'Connect');
  await waitForText(browser, 'form[aria-label="Connect a team"] [role=alert]', 'does not accept your OpenBao token');
  await fill(browser, 'team-token', BAO_TOKEN_2);
  await click(browser, 'Connect');
  await waitForText(browser, '[role=status]', 'Connected team search as token-carol');
  await waitForText(browser, 'h2', 'search');
  const table = await browser.$('table[aria-label="Profiles shared by team search"]');
  await table.waitForDisplayed({ timeout: 15_000 });
  assert.match(await table.getText(), /geo[\s\S]*token-dana/);
  await shot(browser, 'teams-connected');

  // Its profile is in the list of the window that connected it, without a restart, and works.
  await click(browser, 'Profiles');
  const row = await browser.$('li.profile*=geo');
  await row.waitForDisplayed({ timeout: 15_000 });
  assert.match(await row.getText(), /Shared · search/);
  await row.click();
  await waitForText(browser, 'h1', 'geo');
  await click(browser, 'Get token');
  await waitForText(browser, '.credential [role=status]', 'Got a valid access token');

  const found = execFileSync('secret-tool', ['search', '--all', 'service', 'keyward'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.match(found, /search/, 'the token is in the Secret Service');
  const config = readFileSync(join(home.home, 'config.json'), 'utf8');
  assert.ok(config.includes('"search"') && !config.includes(BAO_TOKEN_2), 'the team is in the config, its token is not');
  assert.ok(!(await browser.getPageSource()).includes(BAO_TOKEN_2), 'the token is not left on the page');
});

uiTest('a teammate\'s new version of the shared profile reaches the running window without a restart', () => app.browser, async (browser) => {
  await click(browser, 'Profiles');
  const row = await browser.$('li.profile*=billing');
  await row.waitForDisplayed({ timeout: 15_000 });
  await row.click();
  await waitForText(browser, 'h1', 'billing');
  await click(browser, 'Get a fresh token');
  await waitForText(browser, '.credential [role=status]', 'Got a fresh access token');

  // A teammate writes version 2 with a secret the provider does not take (as a bad rotation would).
  const v1 = await baoApi('GET', 'secret/data/keyward/payments/billing');
  await baoApi('POST', 'secret/data/keyward/payments/billing', { data: { ...v1.data.data, clientSecret: 'kw-e2e-not-the-secret', changedBy: 'token-dana' } });
  // Within a refresh period or two the window uses version 2: its next fresh token is refused.
  await browser.waitUntil(async () => {
    await click(browser, 'Get a fresh token');
    await browser.pause(500);
    const notice = await browser.$('.credential .notice-error');
    return (await notice.isExisting()) && /invalid_client/.test(await notice.getText());
  }, { timeout: 20_000, interval: 500, timeoutMsg: 'the window still used the version it read at start-up' });
  await waitForText(browser, '.credential .pill', 'Refused by the server');
  assert.ok(!(await browser.getPageSource()).includes('kw-e2e-not-the-secret'), 'the secret is not echoed');

  // Version 3 puts the right secret back: the window takes it up the same way, and gets tokens again.
  await baoApi('POST', 'secret/data/keyward/payments/billing', { data: { ...v1.data.data, changedBy: 'token-alice' } });
  await browser.waitUntil(async () => {
    await click(browser, 'Get a fresh token');
    await browser.pause(500);
    const status = await browser.$('.credential [role=status]');
    return (await status.isExisting()) && /Got a fresh access token/.test(await status.getText());
  }, { timeout: 20_000, interval: 500, timeoutMsg: 'the window did not take up version 3' });
  await click(browser, 'Teams');
  const table = await browser.$('table[aria-label="Profiles shared by team payments"]');
  await table.waitForDisplayed({ timeout: 15_000 });
  const cells = await browser.execute(() => [...document.querySelectorAll('table[aria-label="Profiles shared by team payments"] tbody tr')]
    .map((tr) => [...tr.children].map((c) => c.textContent.trim())).find((r) => r[0].startsWith('billing')));
  assert.equal(cells?.[1], '3', `version 3 of billing: ${JSON.stringify(cells)}`);
  assert.equal(cells?.[3], 'token-alice');
});

uiTest('a new version that sends credentials to a new host is not used until it is accepted on the Teams page', () => app.browser, async (browser) => {
  // Someone who may write the team's entries points the API elsewhere (written with the root token).
  const current = await baoApi('GET', 'secret/data/keyward/payments/billing');
  const data = current.data.data;
  await baoApi('POST', 'secret/data/keyward/payments/billing', {
    data: { ...data, profile: { ...data.profile, apiBaseUrl: 'https://api.partner.example' }, changedBy: 'token-mallory' },
  });
  await click(browser, 'Teams');
  await browser.waitUntil(async () => {
    await click(browser, 'Reload');
    await browser.pause(500);
    return (await browser.$('[aria-label="New destinations for billing"]')).isExisting();
  }, { timeout: 20_000, interval: 500, timeoutMsg: 'the Teams page did not say that billing sends credentials somewhere new' });
  const notice = await browser.$('[aria-label="New destinations for billing"]');
  const text = await notice.getText();
  assert.match(text, /Version 4 of billing is not in use: it sends credentials somewhere new/);
  assert.match(text, /written by token-mallory, also sends billing's credentials to \.partner\.example, which you have not accepted/);
  assert.ok(!/keyward /.test(text), 'the window names no command');
  const before = JSON.parse(readFileSync(join(home.home, 'config.json'), 'utf8'));
  assert.deepEqual(before.trustedHosts.payments.billing, ['127.0.0.1'], 'what was accepted so far');
  await shot(browser, 'teams-new-destinations');
  await docShot(browser, 'teams-new-destinations');

  await click(browser, 'Accept the new destinations of billing');
  await waitForText(browser, '.team [role=status]', 'Accepted: Keyward uses billing again');
  const after = JSON.parse(readFileSync(join(home.home, 'config.json'), 'utf8'));
  assert.deepEqual(after.trustedHosts.payments.billing, ['.partner.example', '127.0.0.1']);
  await browser.waitUntil(async () => !(await (await browser.$('[aria-label="New destinations for billing"]')).isExisting()),
    { timeout: 15_000, timeoutMsg: 'the notice stayed after accepting' });
  // The accepted version is the one in use: the profile's page shows its new API base URL's request.
  await click(browser, 'Profiles');
  await (await browser.$('li.profile*=billing')).click();
  await waitForText(browser, 'h1', 'billing');
  await click(browser, 'Get a fresh token');
  await waitForText(browser, '.credential [role=status]', 'Got a fresh access token');
});
