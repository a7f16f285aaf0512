// The person's path through the real window: add a PKCE profile through the form against the test rig's
// OpenID provider (validation as they type, Discover), click Log in, the $BROWSER stand-in logs in and
// consents, the window shows them signed in; Try a request on the rig's /v1/whoami answers 200.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import {
  BROWSER_STANDIN, click, docShot, fill, shot, startApp, startProvider, tempHome, uiTest, waitForText, stopAll,
} from './lib.mjs';

let rig;
let app;
let home;

before(async () => {
  rig = await startProvider();
  home = tempHome();
  app = await startApp({
    KEYWARD_HOME: home.home,
    BROWSER: BROWSER_STANDIN,
    KEYWARD_RIG_LOGIN: 'alice@example.com',
  });
});

after(() => stopAll({ app, rig, home }));

uiTest('an empty Keyward offers to add a credential', () => app.browser, async (browser) => {
  await waitForText(browser, 'main h2', 'No profiles yet');
  await docShot(browser, 'empty');
});

uiTest('the Add credential form asks for the strategy first, validates as you type, and saves', () => app.browser, async (browser) => {
  await click(browser, 'Add credential');
  await waitForText(browser, '.strategy-card', 'Client credentials');
  await docShot(browser, 'add-credential');
  await (await browser.$('.strategy-card*=authorization code + PKCE')).click();

  // Only the PKCE fields, with the core's help; a bad name is refused under its field as it is typed.
  await fill(browser, 'field-name', 'my demo');
  await waitForText(browser, '#field-name-error', 'letters');
  await fill(browser, 'field-name', 'demo');
  await browser.waitUntil(async () => !(await (await browser.$('#field-name-error')).isExisting()), {
    timeout: 5_000, timeoutMsg: 'the name problem stayed after the fix',
  });
  assert.equal(await (await browser.$('#field-clientSecret')).isDisplayed(), false, 'secrets of PKCE wait under More settings');

  await fill(browser, 'field-issuer', rig.info.issuer);
  await click(browser, 'Discover');
  await waitForText(browser, '[role=status]', 'endpoints are filled in');
  await fill(browser, 'field-clientId', 'native-app');
  // Discover preset the OpenID scopes the provider supports; the API's scope is the user's to add.
  assert.equal(await (await browser.$('#field-scopes')).getValue(), 'openid offline_access');
  await fill(browser, 'field-scopes', 'openid offline_access read:users');
  await docShot(browser, 'add-form');

  await (await browser.$('button[type=submit]')).click();
  await waitForText(browser, 'h1', 'demo');
  await waitForText(browser, '.pill', 'Not signed in');
});

uiTest('Log in: the browser stand-in signs in, the window shows who, the scopes and the expiry', () => app.browser, async (browser) => {
  await click(browser, 'Log in');
  await waitForText(browser, '.login-progress', 'Waiting for you', { timeout: 15_000 });
  await docShot(browser, 'login-progress');
  await waitForText(browser, '.credential .pill', 'Signed in as alice@example.com', { timeout: 60_000 });
  const facts = await (await browser.$('.credential .facts')).getText();
  assert.match(facts, /read:users/, 'the granted scopes are shown');
  assert.match(facts, /Expires in \d+:\d\d/, 'the access token expiry counts down');
  await docShot(browser, 'signed-in');
});

uiTest('Try a request sends the token from Rust and shows the API answer as text', () => app.browser, async (browser) => {
  await fill(browser, 'try-url', rig.info.whoami);
  await click(browser, 'Send');
  const status = await waitForText(browser, '[data-testid=response-status]', '200', { timeout: 20_000 });
  assert.equal(status, '200 OK');
  const body = await (await browser.$('pre.http-body')).getText();
  assert.equal(JSON.parse(body).sub, 'alice@example.com', 'whoami saw the signed-in user');
  await (await browser.$('#try-title')).scrollIntoView();
  await docShot(browser, 'try-request');
});

uiTest('Copy access token puts it on the clipboard from Rust, and the audit log records the login', () => app.browser, async (browser) => {
  await (await browser.$('.credential')).scrollIntoView();
  await click(browser, 'Copy access token');
  await waitForText(browser, '.credential [role=status]', 'cleared in 60 s');
  await click(browser, 'Audit log');
  await waitForText(browser, 'table.audit', 'Login');
  await shot(browser, 'audit');
});
