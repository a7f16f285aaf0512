// ./run builds only what changed (issue 13, item 9): a second start must not rebuild the UI nor compile the
// app again, or the window takes half a minute to come up on 2 cores although nothing changed. Runs the
// build part of ./run (--build-ui, --build-only) twice and looks at what the second did: ui/dist's files
// keep their times (cargo compiles the app again whenever an embedded file is newer) and cargo compiles
// nothing. The cargo part runs only when target/ already holds a build of the app with the UI embedded
// (the custom-protocol feature, as ./run and the E2E tests build it): a cold build takes minutes, and is
// not what this test is about; it says so when it skips. Then ./run starts the window for real (Xvfb, no
// Secret Service, so inside the throw-away keychain session) and its output must not carry the
// accessibility registry's "SpiRegistry daemon is running" greeting.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { RIG_DIR, sleep } from './harness.mjs';

const ROOT = join(RIG_DIR, '..', '..');
const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target');
const DIST = join(ROOT, 'ui', 'dist');

function run(...args) {
  const started = Date.now();
  const r = spawnSync(join(ROOT, 'run'), args, { cwd: ROOT, encoding: 'utf8', timeout: 20 * 60_000 });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, `./run ${args.join(' ')} failed:\n${out}`);
  return { out, secs: (Date.now() - started) / 1000 };
}

/** Every file under `dir` with its modification time. */
function mtimes(dir) {
  const all = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    all[path.slice(dir.length + 1)] = statSync(path).mtimeMs;
  }
  return all;
}

/** Whether target/ holds a build of keyward-app with the custom-protocol feature. */
function appBuiltWithUi() {
  const fingerprints = join(TARGET, 'debug', '.fingerprint');
  if (!existsSync(join(TARGET, 'debug', 'keyward-app')) || !existsSync(fingerprints)) return false;
  return readdirSync(fingerprints)
    .filter((d) => d.startsWith('keyward-app-'))
    .some((d) => {
      const lib = join(fingerprints, d, 'lib-keyward_app.json');
      return existsSync(lib) && JSON.parse(readFileSync(lib, 'utf8')).features.includes('custom-protocol');
    });
}

describe('./run builds only what changed', () => {
  test('a second ./run --build-ui builds nothing and leaves ui/dist alone', () => {
    run('--build-ui');
    const before = mtimes(DIST);
    assert.ok(Object.keys(before).includes('index.html'), 'ui/dist/index.html was built');

    const second = run('--build-ui');
    assert.match(second.out, /run: the UI is up to date/, second.out);
    assert.deepEqual(mtimes(DIST), before);
    console.log(`second ./run --build-ui: ${second.secs.toFixed(1)} s`);
  });

  test('a UI build whose output is the same rewrites no file of ui/dist', () => {
    run('--build-ui');
    const before = mtimes(DIST);
    rmSync(join(TARGET, 'keyward-ui.stamp')); // as if a source had changed without changing the output

    const again = run('--build-ui');
    assert.match(again.out, /run: building the UI/);
    assert.deepEqual(mtimes(DIST), before);
  });

  test('a second ./run --build-only compiles nothing', (t) => {
    if (!appBuiltWithUi()) {
      t.skip('target/ holds no build of the app with the UI embedded yet (a cold build takes minutes): the cargo part is not checked');
      return;
    }
    run('--build-only'); // brings the build up to date with the sources as they are now
    const app = join(TARGET, 'debug', 'keyward-app');
    const appTime = statSync(app).mtimeMs;
    const dist = mtimes(DIST);

    const second = run('--build-only');
    assert.match(second.out, /run: the UI is up to date/);
    assert.doesNotMatch(second.out, /Compiling /, `cargo compiled something although nothing changed:\n${second.out}`);
    assert.match(second.out, /Finished/);
    assert.equal(statSync(app).mtimeMs, appTime, 'target/debug/keyward-app was written again');
    assert.deepEqual(mtimes(DIST), dist);
    console.log(`second ./run --build-only: ${second.secs.toFixed(1)} s`);
  });

  test('./run starts the window without the SpiRegistry line', async (t) => {
    if (!appBuiltWithUi() || spawnSync('sh', ['-c', 'command -v xvfb-run']).status !== 0) {
      t.skip('needs xvfb-run and a build of the app with the UI embedded (see above)');
      return;
    }
    const home = mkdtempSync(join(tmpdir(), 'kw-run-home-'));
    const runtime = mkdtempSync(join(tmpdir(), 'kw-run-xdg-'));
    const env = { ...process.env, KEYWARD_HOME: home, XDG_RUNTIME_DIR: runtime };
    delete env.DBUS_SESSION_BUS_ADDRESS; // no Secret Service: ./run takes the throw-away keychain session
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const started = Date.now();
    // Its own process group, so that the whole tree (Xvfb, D-Bus, the app) ends with it.
    const child = spawn('xvfb-run', ['-a', '-s', '-screen 0 1280x800x24', join(ROOT, 'run'), '--no-demo'], {
      cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let launched = 0;
    try {
      // The web view starts the registry as it comes up; give it time to, then end the run.
      // (Run alone, this test may first wait for cargo to catch up with changed sources.)
      const deadline = Date.now() + 15 * 60_000;
      while (!/throw-away keychain/.test(stdout) && child.exitCode === null && Date.now() < deadline) await sleep(100);
      launched = Date.now();
      await sleep(8000);
      assert.equal(child.exitCode, null, `./run ended early:\n${stdout}\n${stderr}`);
    } finally {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await Promise.race([exited, sleep(5000)]);
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      rmSync(home, { recursive: true, force: true });
      rmSync(runtime, { recursive: true, force: true });
    }
    const all = `${stdout}\n${stderr}`;
    assert.match(stdout, /throw-away keychain/, all);
    assert.doesNotMatch(all, /SpiRegistry/);
    console.log(`./run: ${((launched - started) / 1000).toFixed(1)} s to the app's start`);
  });
});
