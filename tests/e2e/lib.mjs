// Helpers for the end-to-end tests of Keyward's real window: start the app through tauri-driver (which runs
// WebKitWebDriver, which runs the app) with the environment a spec gives it, drive it with WebdriverIO, save
// screenshots, and stop everything. Run inside tests/e2e/run.sh (a D-Bus session with an unlocked
// gnome-keyring, and Xvfb); see tests/e2e/README.md.

import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { test } from 'node:test';

import { remote } from 'webdriverio';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TARGET = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(ROOT, 'target');
export const APP = join(TARGET, 'debug', 'keyward-app');
export const CLI = join(TARGET, 'debug', 'keyward');
export const BROWSER_STANDIN = join(ROOT, 'tests/rig/browser.mjs');
export const ARTIFACTS = join(ROOT, 'tests/artifacts/e2e');
const DRIVER = process.env.TAURI_DRIVER ?? 'tauri-driver';

export { startProvider } from '../rig/harness.mjs';

/** A free TCP port on 127.0.0.1 (the OS picks; released at once for the driver to take). */
function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });

/** A fresh KEYWARD_HOME, removed by `cleanup()`. */
export function tempHome() {
  const home = mkdtempSync(join(tmpdir(), 'kw-e2e-home.'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** Run the keyward CLI on `home` (to prepare profiles a spec does not create through the form). */
export function keyward(home, args, input) {
  return execFileSync(CLI, args, { env: { ...process.env, KEYWARD_HOME: home }, input, encoding: 'utf8' });
}

/**
 * Start the app with `env` added to the environment (KEYWARD_HOME, BROWSER…): tauri-driver on free ports,
 * then a WebDriver session whose window is the app. Resolves with { browser, stop }.
 */
export async function startApp(env) {
  const port = await freePort();
  const nativePort = await freePort();
  const log = [];
  const driver = spawn(DRIVER, ['--port', String(port), '--native-port', String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  driver.stdout.on('data', (d) => log.push(String(d)));
  driver.stderr.on('data', (d) => log.push(String(d)));
  const exited = new Promise((r) => driver.once('exit', r));

  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (driver.exitCode !== null || Date.now() > deadline) {
      throw new Error(`tauri-driver did not start (is it installed? scripts/deps.sh installs it):\n${log.join('')}`);
    }
    await sleep(100);
  }

  const browser = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'error',
    connectionRetryCount: 0,
    capabilities: { 'tauri:options': { application: APP } },
  });
  await browser.setTimeout({ implicit: 0 });
  // The page is the app: wait for its shell.
  await browser.$('nav[aria-label="Sections"]').waitForExist({ timeout: 20_000 });

  async function stop() {
    // Closing the session closes the window, and the app exits with it; bounded, whatever happens.
    await Promise.race([browser.deleteSession().catch(() => {}), sleep(10_000)]);
    driver.kill('SIGTERM');
    const timer = setTimeout(() => driver.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    await stopApp(env.KEYWARD_HOME);
  }
  return { browser, stop, driverLog: () => log.join('') };
}

/** The app processes running on `home`: found by their KEYWARD_HOME in /proc, never by name. */
function appPids(home) {
  return readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`KEYWARD_HOME=${home}`)
        && readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(APP);
    } catch {
      return false;
    }
  }).map(Number);
}

/**
 * Wait until the app on `home` has exited, ending it by its pid if it outlives its session: the next
 * spec's app would otherwise hand over to it (the single-instance plugin) and exit.
 */
async function stopApp(home) {
  for (const signal of [null, 'SIGTERM', 'SIGKILL']) {
    for (const pid of signal ? appPids(home) : []) {
      process.stderr.write(`e2e: the app (pid ${pid}) outlived its WebDriver session: ${signal}\n`);
      try { process.kill(pid, signal); } catch { /* gone meanwhile */ }
    }
    for (let i = 0; i < 50; i += 1) {
      if (appPids(home).length === 0) return;
      await sleep(100);
    }
  }
  throw new Error(`the app on ${home} did not exit`);
}

/** Save the window as tests/artifacts/e2e/NAME.png. */
/** Stop what a spec started: the app first, then (whatever happened) the rig and the temp home. */
export async function stopAll({ app, rig, home }) {
  try {
    await app?.stop();
  } finally {
    await rig?.stop();
    home?.cleanup();
  }
}

export async function shot(browser, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Fonts and the last state change settle first.
  await sleep(300);
  await browser.saveScreenshot(join(ARTIFACTS, `${name}.png`));
}

/** `shot`, and when KEYWARD_E2E_DOCS=1 also docs/screenshots/NAME.png (the README's pictures come from the
 * real window). */
export async function docShot(browser, name) {
  await shot(browser, name);
  if (process.env.KEYWARD_E2E_DOCS === '1') copyFileSync(join(ARTIFACTS, `${name}.png`), join(ROOT, 'docs/screenshots', `${name}.png`));
}

/** Scroll the page (the app's <main>) so that the element matching `selector` is `offset` px below its top. */
export async function scrollToTop(browser, selector, offset = 24) {
  await browser.execute((sel, off) => {
    const main = document.querySelector('main');
    const el = document.querySelector(sel);
    if (main && el) main.scrollBy(0, el.getBoundingClientRect().top - main.getBoundingClientRect().top - off);
  }, selector, offset);
}

/** XPath string literal for any text. */
function literal(text) {
  if (!text.includes("'")) return `'${text}'`;
  if (!text.includes('"')) return `"${text}"`;
  return `concat('${text.split("'").join(`', "'", '`)}')`;
}

/** The button (or link styled as one) whose visible text is `text`. */
export function button(browser, text) {
  return browser.$(`//*[self::button or self::a][normalize-space(.)=${literal(text)}]`);
}

export async function click(browser, text, { timeout = 10_000 } = {}) {
  const el = await button(browser, text);
  await el.waitForDisplayed({ timeout });
  await el.scrollIntoView({ block: 'center' });
  await el.waitForClickable({ timeout });
  await el.click();
}

/** Replace the text of the input whose id is `id` (the form's inputs are `field-NAME`), typing it as a
 * person would. (WebDriver's Element Clear empties the DOM value behind React's back, so React puts the old
 * value back; and WebKitWebDriver does not select all on Ctrl-A: select from script and delete with a key,
 * then check the field is empty before typing.) */
export async function fill(browser, id, value) {
  return fillIn(browser, `#${id}`, value);
}

/** `fill` for any selector (an input known by its aria-label). */
export async function fillIn(browser, selector, value) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout: 10_000 });
  await el.scrollIntoView({ block: 'center' });
  await el.click();
  // Select the text from script (a real selection), then delete it with a real key press, which React
  // sees as the person's input; a key at a time for whatever is left.
  await browser.execute((input) => input.select(), el);
  await browser.keys(['Backspace']);
  for (let i = String(await el.getValue()).length; i > 0; i -= 1) {
    await browser.keys(['End']);
    await browser.keys(['Backspace']);
  }
  const left = String(await el.getValue());
  if (left !== '') throw new Error(`could not clear ${selector}: it still holds ${JSON.stringify(left)}`);
  if (value !== '') await el.addValue(value);
}

/** Wait until an element matching `selector` shows `text` (a substring); returns its text. */
export async function waitForText(browser, selector, text, { timeout = 20_000 } = {}) {
  let last = '';
  await browser.waitUntil(async () => {
    const els = await browser.$$(selector);
    for (const el of els) {
      last = await el.getText().catch(() => '');
      if (last.includes(text)) return true;
    }
    return false;
  }, { timeout, timeoutMsg: `no ${selector} showed ${JSON.stringify(text)} within ${timeout} ms (last: ${JSON.stringify(last)})` });
  return last;
}

/** A node:test test that saves the window as FAILED-<name>.png when it fails (to see what it saw). */
export function uiTest(name, getBrowser, fn) {
  return test(name, async () => {
    try {
      await fn(getBrowser());
    } catch (err) {
      const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60);
      await shot(getBrowser(), `FAILED-${slug}`).catch(() => {});
      throw err;
    }
  });
}
