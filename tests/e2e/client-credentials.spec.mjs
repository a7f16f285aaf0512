// A machine credential through the window: add a client-credentials profile through the form (client
// cc-basic of the rig, its secret typed into a password field), Get token, Try a request → 200; the secret
// landed in the Secret Service and nowhere on disk. Then the Keys page generates a key pair.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';

import {
  click, docShot, fill, shot, startApp, startProvider, tempHome, uiTest, waitForText, stopAll,
} from './lib.mjs';

const SECRET = 'cc-basic-secret';
let rig;
let app;
let home;

before(async () => {
  rig = await startProvider();
  home = tempHome();
  app = await startApp({ KEYWARD_HOME: home.home });
});

after(() => stopAll({ app, rig, home }));

uiTest('a client-credentials profile added through the form', () => app.browser, async (browser) => {
  await click(browser, 'Add credential');
  await (await browser.$('.strategy-card*=server-to-server')).click();
  assert.equal(await (await browser.$('#field-clientSecret')).getAttribute('type'), 'password');

  await fill(browser, 'field-name', 'm2m');
  await fill(browser, 'field-url', rig.info.token_endpoint);
  await fill(browser, 'field-clientId', 'cc-basic');
  await fill(browser, 'field-clientSecret', SECRET);
  await fill(browser, 'field-scopes', 'read:users');
  await shot(browser, 'add-client-credentials-form');
  await (await browser.$('button[type=submit]')).click();
  await waitForText(browser, 'h1', 'm2m');
  await waitForText(browser, '.credential .pill', 'Gets a token when used');

  // The secret is in the Secret Service, and in no file of KEYWARD_HOME.
  const found = execFileSync('secret-tool', ['search', '--all', 'service', 'keyward'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.match(found, /\/m2m\/clientSecret/);
  assert.ok(!readFileSync(join(home.home, 'config.json'), 'utf8').includes(SECRET), 'the secret is not in the config');
});

uiTest('Get token, then Try a request answers 200', () => app.browser, async (browser) => {
  await click(browser, 'Get token');
  await waitForText(browser, '.credential [role=status]', 'Got a valid access token');
  await waitForText(browser, '.credential .pill', 'Token ready');
  await shot(browser, 'client-credentials-token');

  await fill(browser, 'try-url', rig.info.whoami);
  await click(browser, 'Send');
  assert.equal(await waitForText(browser, '[data-testid=response-status]', '200'), '200 OK');
  const body = JSON.parse(await (await browser.$('pre.http-body')).getText());
  assert.equal(body.client_id, 'cc-basic');

  await click(browser, 'Show request');
  const dry = await waitForText(browser, '.dry-run .http', 'POST');
  assert.ok(!dry.includes(SECRET), 'the dry run masks the secret');
  await (await browser.$('#try-title')).scrollIntoView();
  await docShot(browser, 'client-credentials');
});

uiTest('the Keys page generates a key pair and shows its JWKS', () => app.browser, async (browser) => {
  await click(browser, 'Keys');
  await fill(browser, 'gen-name', 'signing');
  await click(browser, 'Generate key pair');
  await waitForText(browser, '[role=status]', 'Key signing (ES384) is ready');
  const jwks = JSON.parse(await (await browser.$('pre[aria-label=JWKS]')).getText());
  assert.equal(jwks.keys[0].crv, 'P-384');
  assert.equal(jwks.keys[0].d, undefined, 'no private member leaves Keyward');
  await browser.execute(() => document.querySelector('main').scrollTo(0, 0));
  await docShot(browser, 'keys');
});
