// A person who declines consent at the provider: the window says so, stores nothing, and offers to log in
// again. The profile comes from the CLI (the form has its own spec); the $BROWSER stand-in declines.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import {
  BROWSER_STANDIN, click, docShot, keyward, startApp, startProvider, tempHome, uiTest, waitForText, stopAll,
} from './lib.mjs';

let rig;
let app;
let home;

before(async () => {
  rig = await startProvider();
  home = tempHome();
  keyward(home.home, ['profile', 'add', 'demo', '--strategy', 'pkce', '--issuer', rig.info.issuer,
    '--client-id', 'native-app', '--scope', 'openid offline_access read:users']);
  app = await startApp({ KEYWARD_HOME: home.home, BROWSER: BROWSER_STANDIN, KEYWARD_RIG_BROWSER: 'decline' });
});

after(() => stopAll({ app, rig, home }));

uiTest('declined consent shows its message and what to do, and nothing is stored', () => app.browser, async (browser) => {
  await waitForText(browser, '.profile', 'demo');
  await (await browser.$('.profile')).click();
  await waitForText(browser, 'h1', 'demo');
  await click(browser, 'Log in');

  const alert = await waitForText(browser, '[role=alert]', 'Consent was declined', { timeout: 60_000 });
  assert.match(alert, /you declined consent at the provider, so nothing was stored/);
  assert.ok(await (await browser.$('//*[@role="alert"]//button[normalize-space(.)="Log in again"]')).isDisplayed(),
    'the fix is one click away');
  await waitForText(browser, '.credential .pill', 'Not signed in');
  await docShot(browser, 'consent-declined');

  const show = JSON.parse(keyward(home.home, ['profile', 'show', 'demo', '--json']));
  assert.equal(show.hasRefreshToken, false, 'a declined login stores no token');
});
