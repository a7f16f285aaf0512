#!/usr/bin/env node
// Keyward test rig: a $BROWSER stand-in.
//
//   BROWSER=tests/rig/browser.mjs keyward login ...      (Keyward runs `$BROWSER URL`)
//
// Drives headless Debian Chromium (/usr/bin/chromium) through oidc-provider's devInteractions:
// login form, then consent (approve or decline), then follows the redirect to the loopback callback.
//
// Environment:
//   KEYWARD_RIG_BROWSER      approve (default) | decline
//   KEYWARD_RIG_LOGIN        account to log in as (default alice)
//   KEYWARD_RIG_BROWSER_LOG  file to append logs to (default: no log)
//   KEYWARD_RIG_BROWSER_OUT  file to write {"url":...,"text":...} of the final page to
//   KEYWARD_RIG_CHROMIUM     browser binary (default /usr/bin/chromium)
// Exit status 0 when the callback page loaded, non-zero otherwise (the error is in the log).

import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOTAL_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 15_000;

const mode = process.env.KEYWARD_RIG_BROWSER || 'approve';
const login = process.env.KEYWARD_RIG_LOGIN || 'alice';
const logFile = process.env.KEYWARD_RIG_BROWSER_LOG;
const outFile = process.env.KEYWARD_RIG_BROWSER_OUT;
const executablePath = process.env.KEYWARD_RIG_CHROMIUM || '/usr/bin/chromium';

function log(message) {
  if (!logFile) return;
  try {
    appendFileSync(logFile, `${new Date().toISOString()} [browser.mjs ${process.pid}] ${message}\n`);
  } catch {
    // nowhere else to report it: stdio is ignored by Keyward
  }
}

function stripSecrets(url) {
  try {
    const u = new URL(url);
    for (const key of ['code', 'code_challenge', 'state', 'nonce']) {
      if (u.searchParams.has(key)) u.searchParams.set(key, '…');
    }
    return u.href;
  } catch {
    return String(url);
  }
}

const startUrl = process.argv[2];
if (!startUrl || !/^https?:\/\//.test(startUrl)) {
  log(`usage: browser.mjs URL (got ${JSON.stringify(process.argv.slice(2))})`);
  process.exit(2);
}
if (mode !== 'approve' && mode !== 'decline') {
  log(`unknown KEYWARD_RIG_BROWSER=${mode} (approve|decline)`);
  process.exit(2);
}

// The flow ends on the origin of the authorization request's redirect_uri; without one, on any
// page off the provider's origin.
let redirectUri;
try {
  const ru = new URL(startUrl).searchParams.get('redirect_uri');
  if (ru) redirectUri = new URL(ru);
} catch {
  // keep undefined
}
const providerOrigin = new URL(startUrl).origin;

function isCallback(href) {
  let u;
  try {
    u = new URL(href);
  } catch {
    return false;
  }
  if (!/^https?:$/.test(u.protocol)) return false;
  // Any page of the callback's origin: the loopback listener may redirect to a page of its own.
  if (redirectUri) return u.origin === redirectUri.origin;
  return u.origin !== providerOrigin;
}

const userDataDir = mkdtempSync(join(tmpdir(), 'keyward-rig-chromium-'));
let context;
let page;
let finished = false;

async function cleanup() {
  if (context) {
    const ctx = context;
    context = undefined;
    await Promise.race([
      ctx.close().catch((err) => log(`closing browser: ${err.message}`)),
      new Promise((resolve) => { setTimeout(resolve, 5_000).unref(); }),
    ]);
  }
  rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
}

async function writeOut() {
  if (!outFile || !page) return;
  let text = '';
  try {
    text = await page.locator('body').innerText({ timeout: 2_000 });
  } catch (err) {
    log(`reading page text: ${err.message}`);
  }
  const url = page.url();
  writeFileSync(outFile, `${JSON.stringify({ url, text })}\n`);
}

const deadline = setTimeout(async () => {
  if (finished) return;
  log(`giving up after ${TOTAL_TIMEOUT_MS / 1000} s at ${page ? stripSecrets(page.url()) : 'startup'}`);
  await writeOut().catch(() => {});
  await cleanup();
  process.exit(1);
}, TOTAL_TIMEOUT_MS);

async function navigateBy(action) {
  const navigated = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame(),
    timeout: STEP_TIMEOUT_MS,
  });
  await action();
  await navigated;
  await page.waitForLoadState('load', { timeout: STEP_TIMEOUT_MS });
}

async function run() {
  log(`mode ${mode}, login ${login}, opening ${stripSecrets(startUrl)}`);
  const { chromium } = await import('playwright-core');
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    timeout: STEP_TIMEOUT_MS,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  page = context.pages()[0] ?? await context.newPage();
  await page.goto(startUrl, { waitUntil: 'load' });

  for (let step = 0; step < 10; step += 1) {
    const here = page.url();
    log(`at ${stripSecrets(here)}`);
    if (isCallback(here)) {
      log('reached the callback');
      return true;
    }
    if (await page.locator('input[name=login]').count()) {
      await page.fill('input[name=login]', login);
      await page.fill('input[type=password]', 'rig-password');
      log(`submitting login for ${login}`);
      await navigateBy(() => page.click('button[type=submit]'));
    } else if (await page.locator('input[name=prompt][value=consent]').count()) {
      if (mode === 'approve') {
        log('approving consent');
        await navigateBy(() => page.click('button[type=submit]'));
      } else {
        log('declining consent (Cancel)');
        await navigateBy(() => page.click('a:has-text("Cancel")'));
      }
    } else {
      const text = await page.locator('body').innerText({ timeout: 2_000 }).catch(() => '');
      throw new Error(`unexpected page ${stripSecrets(here)}: ${text.slice(0, 500).replace(/\s+/g, ' ')}`);
    }
  }
  throw new Error('too many steps without reaching the callback');
}

let ok = false;
try {
  ok = await run();
} catch (err) {
  log(`failed: ${err.stack || err}`);
}
try {
  await writeOut();
} catch (err) {
  log(`writing ${outFile}: ${err.message}`);
  ok = false;
}
finished = true;
clearTimeout(deadline);
await cleanup();
log(ok ? 'done' : 'done with failure');
process.exit(ok ? 0 : 1);
