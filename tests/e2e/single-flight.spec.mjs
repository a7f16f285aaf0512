// One expired grant, the app's background refresh and 50 `keyward token` processes at once: exactly one
// refresh request reaches the provider (counted there), every process prints the same valid token, and the
// window shows the profile fresh without reloading. The provider rotates refresh tokens and revokes the whole
// grant when one is used twice, so a second refresh would sign the person out.
//
// To make the race certain rather than likely, the test holds the grant's lock (`locks/grant-demo.lock`,
// the flock that the app and the CLI share) with flock(1) while the app and the 50 processes arrive, checks
// in /proc that all 51 have the lock file open (they are waiting on it), then lets go.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';

import { APP, BROWSER_STANDIN, CLI, startApp, startProvider, stopAll, tempHome, uiTest, waitForText } from './lib.mjs';

const TTL = 20; // long enough that the app's next planned refresh (half the lifetime on) is not counted
const CLIS = 50;

let rig;
let app;
let home;
let lock;

const env = () => ({ ...process.env, KEYWARD_HOME: home.home, BROWSER: BROWSER_STANDIN, KEYWARD_RIG_LOGIN: 'alice@example.com' });
const kw = (args) => execFileSync(CLI, args, { env: env(), encoding: 'utf8' });
const stats = async () => (await fetch(`${rig.info.api}/__rig/stats`)).json();
const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });

/** The pids of the processes that have `path` open. */
function holders(path) {
  const out = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readdirSync(`/proc/${pid}/fd`).some((fd) => { try { return readlinkSync(`/proc/${pid}/fd/${fd}`) === path; } catch { return false; } })) out.push(Number(pid));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}
const cmdline = (pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { return []; } };

async function until(what, fn, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeout} ms`);
    await sleep(100);
  }
}

before(async () => {
  rig = await startProvider(['--access-token-ttl', String(TTL)]);
  home = tempHome();
  kw(['profile', 'add', 'demo', '--strategy', 'pkce', '--issuer', rig.info.issuer, '--client-id', 'native-app',
    '--scope', 'openid offline_access read:users']);
  kw(['login', 'demo']);
});

after(async () => {
  lock?.kill();
  await stopAll({ app, rig, home });
});

uiTest('the app and 50 CLI processes on one expired grant cause one refresh, and all get the token', () => app?.browser, async () => {
  // Let the access token expire (its lifetime, plus a second).
  const expiresAt = JSON.parse(kw(['token', 'demo', '--json'])).expiresAt;
  await sleep(Math.max(0, expiresAt * 1000 - Date.now()) + 1_000);
  const before = (await stats()).token_requests.refresh_token ?? 0;

  const lockPath = join(home.home, 'locks', 'grant-demo.lock');
  lock = spawn('flock', [lockPath, 'sh', '-c', 'echo held; read _'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise((ok, fail) => {
    lock.stdout.once('data', ok);
    lock.once('exit', (c) => fail(new Error(`flock exited (${c}) before holding the lock`)));
  });

  // The app: its background refresh finds the expired token and waits at the lock.
  app = await startApp({ KEYWARD_HOME: home.home });
  const browser = app.browser;
  await waitForText(browser, 'main', 'demo');
  const appAtLock = await until('the app at the grant lock', () => holders(lockPath).find((pid) => cmdline(pid)[0] === APP));

  // The scripts: 50 processes asking for a token, all waiting at the lock too.
  const children = Array.from({ length: CLIS }, () => {
    const child = spawn(CLI, ['token', 'demo'], { env: { ...process.env, KEYWARD_HOME: home.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '', code: null };
    child.stdout.on('data', (d) => { out.stdout += d; });
    child.stderr.on('data', (d) => { out.stderr += d; });
    out.done = new Promise((r) => child.once('exit', (code) => { out.code = code; r(); }));
    out.pid = child.pid;
    return out;
  });
  await until(`all ${CLIS} processes at the grant lock`, () => {
    const waiting = holders(lockPath);
    return children.every((c) => waiting.includes(c.pid)) && waiting.includes(appAtLock);
  });
  assert.equal((await stats()).token_requests.refresh_token ?? 0, before, 'nobody refreshed while the lock was held');

  // Let go: one of the 51 refreshes, the other 50 take its token.
  lock.stdin.end();
  await Promise.all(children.map((c) => c.done));
  const refreshes = ((await stats()).token_requests.refresh_token ?? 0) - before;

  for (const c of children) assert.equal(c.code, 0, `every process prints a token: ${c.stderr}`);
  const tokens = new Set(children.map((c) => c.stdout.trim()));
  assert.equal(tokens.size, 1, 'all 50 print the same token');
  assert.equal(refreshes, 1, 'one refresh for the grant between the app and the 50 processes');
  const [token] = tokens;
  const who = await fetch(`${rig.info.api}/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(who.status, 200, 'the token works at the API');

  // The window says so without a reload: the background refresh reported the profile fresh.
  await waitForText(browser, 'main', 'Token expires in', { timeout: 15_000 });
  const audit = JSON.parse(kw(['audit', '--json']));
  const failed = audit.filter((e) => e.outcome === 'failed');
  assert.deepEqual(failed, [], 'nothing failed, in the app or the CLI');
});
