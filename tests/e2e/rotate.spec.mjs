// An API key rotated through the wizard in the real window, with zero downtime: the rig's API reads its keys
// file on every request (--api-keys-file); the rotation deploys to that keys file (line `{key} {name}
// read:users`) and to an app's .env file (`API_KEY={key}`), verifies at the rig's whoami, waits out a short
// overlap with the traffic check asking the request log whether the old key is still used, and retires it.
// Two request loops run the whole time and must see 0 failures: curl with the key an app reads from the
// .env file (its last API_KEY line), and the CLI's `keyward call` on the same KEYWARD_HOME (the profile's
// key, switched at verify). Every step is a screenshot (tests/artifacts/e2e/rotate-*.png; copied to
// docs/screenshots/ when KEYWARD_E2E_DOCS=1). Then a second rotation is aborted from its confirm dialog.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

import {
  ARTIFACTS, CLI, ROOT, click, fill, keyward, shot, startApp, startProvider, stopAll, tempHome, uiTest, waitForText,
} from './lib.mjs';

const OLD = `rk_test_${randomBytes(32).toString('base64url')}`;
const fp = (key) => createHash('sha256').update(key).digest('hex').slice(0, 8);
const OVERLAP_SECS = 10;

let rig;
let app;
let home;
let dir;
let keysFile;
let envFile;
const loops = [];

/** Save the window as tests/artifacts/e2e/NAME.png, and as docs/screenshots/NAME.png when asked. */
async function step(browser, name) {
  await shot(browser, name);
  if (process.env.KEYWARD_E2E_DOCS === '1') copyFileSync(join(ARTIFACTS, `${name}.png`), join(ROOT, 'docs/screenshots', `${name}.png`));
}

/** Scroll the wizard's current step heading to the top of the page, as a person reading it would. */
async function showStep(browser) {
  await browser.execute(() => {
    const main = document.querySelector('main');
    const card = document.querySelector('section.rotation');
    if (main && card) main.scrollBy(0, card.getBoundingClientRect().top - main.getBoundingClientRect().top - 24);
  });
}

/** A request loop in the background: one line per request in `log` ("ok" / "FAIL ...", and the key's
 * fingerprint). It stops when the file `${log}.stop` appears. */
function startLoop(name, script) {
  const log = join(dir, `${name}.log`);
  writeFileSync(log, '');
  const child = spawn('bash', ['-c', script, name], {
    env: { ...process.env, KEYWARD_HOME: home.home, LOG: log, STOP: `${log}.stop`, KEYS_ENV: envFile, WHOAMI: rig.info.whoami, KEYWARD: CLI },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const loop = {
    log,
    lines: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
    stop: async () => {
      writeFileSync(`${log}.stop`, '');
      const timer = setTimeout(() => child.kill('SIGTERM'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  loops.push(loop);
  return loop;
}

// An app that reads its key from the .env file at each request (the last API_KEY line, as node, python-dotenv
// and shells read a repeated name) and calls the API with curl.
const CURL_LOOP = String.raw`
while [ ! -e "$STOP" ]; do
  key=$(grep '^API_KEY=' "$KEYS_ENV" | tail -n 1 | cut -d= -f2-)
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-API-Key: $key" "$WHOAMI")
  f=$(printf %s "$key" | sha256sum | cut -c1-8)
  if [ "$code" = 200 ]; then echo "ok $f" >> "$LOG"; else echo "FAIL $code $f" >> "$LOG"; fi
  sleep 0.05
done`;

// A script that asks Keyward for the profile's credential at each request.
const CLI_LOOP = String.raw`
while [ ! -e "$STOP" ]; do
  if out=$("$KEYWARD" call maps "$WHOAMI" 2>&1); then echo "ok" >> "$LOG"; else echo "FAIL $(printf %s "$out" | tail -n 1)" >> "$LOG"; fi
done`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kw-e2e-rotate.'));
  keysFile = join(dir, 'api-keys.txt');
  envFile = join(dir, 'app.env');
  writeFileSync(keysFile, `# the API's keys: {key} {name} {scopes}\n${OLD} maps read:users\n`);
  writeFileSync(envFile, `APP_NAME=maps-worker\nAPI_KEY=${OLD}\nLOG_LEVEL=info\n`);
  rig = await startProvider(['--api-keys-file', keysFile]);
  home = tempHome();
  keyward(home.home, ['apikey', 'set', 'maps', '--stdin', '--placement', 'header:X-API-Key', '--base-url', `${rig.info.api}/v1`], OLD);
  app = await startApp({ KEYWARD_HOME: home.home });
});

after(async () => {
  for (const loop of loops) await loop.stop().catch(() => {});
  await stopAll({ app, rig, home });
  rmSync(dir, { recursive: true, force: true });
});

uiTest('an API key rotated through the wizard with a request loop running sees 0 failures', () => app.browser, async (browser) => {
  const curl = startLoop('curl', CURL_LOOP);
  const cli = startLoop('cli', CLI_LOOP);
  // Both loops are up and succeeding with the old key before anything changes.
  await browser.waitUntil(() => curl.lines().length >= 3 && cli.lines().length >= 2, { timeout: 20_000, timeoutMsg: 'the request loops did not start' });
  assert.deepEqual(curl.lines().filter((l) => !l.startsWith('ok')), []);

  await click(browser, 'maps');
  await waitForText(browser, 'h1', 'maps');
  await click(browser, 'Rotate…');
  await waitForText(browser, '.rotation h3', 'Step 1 of 4');
  assert.equal(await (await browser.$('#rotation-verify')).getValue(), `${rig.info.api}/v1`, 'the verify URL starts as the API base URL');

  // Targets: the API's keys file first (the new key must be accepted before an app can pick it up), then the app's .env.
  await click(browser, 'Add a file');
  await fill(browser, 't1-path', keysFile);
  await fill(browser, 't1-line', '{key} {name} read:users');
  await click(browser, 'Add a file');
  await fill(browser, 't2-path', envFile);
  await fill(browser, 't2-line', 'API_KEY={key}');
  await fill(browser, 'rotation-verify', rig.info.whoami);
  // The traffic check: the app's request log, asked whether the old key's fingerprint shows in its last requests.
  const check = join(dir, 'old-key-in-use.sh');
  writeFileSync(check, `tail -n 15 ${curl.log} | grep -q " $KEYWARD_OLD_FINGERPRINT" && echo "in use" || echo unused\n`);
  await fill(browser, 'rotation-check-old', `sh ${check}`);
  await fill(browser, 'rotation-overlap', String(OVERLAP_SECS));
  await (await browser.$('#rotation-overlap-unit')).selectByAttribute('value', 's');
  await fill(browser, 'rotation-prefix', 'rk_test_');
  assert.match(await (await browser.$('[aria-label="Preview of the line"]')).getText(), /‹new API key› maps read:users/);
  await showStep(browser);
  await step(browser, 'rotate-setup');
  await browser.execute(() => {
    const group = document.querySelector('#rotation-verify').closest('fieldset');
    const main = document.querySelector('main');
    main.scrollBy(0, group.getBoundingClientRect().top - main.getBoundingClientRect().top - 24);
  });
  await step(browser, 'rotate-setup-checks');

  await click(browser, 'Create the new API key');
  await waitForText(browser, '.rotation h3', 'The new API key is created');
  await showStep(browser);
  await step(browser, 'rotate-created');

  // Deploy: the plan, confirmed.
  await click(browser, 'Next: Deploy');
  await waitForText(browser, '.rotation h3', 'Step 2 of 4');
  const plan = await waitForText(browser, '.rotation-plan', `file ${keysFile}`);
  assert.match(plan, /the old [0-9a-f]{8} stays valid/);
  await showStep(browser);
  await step(browser, 'rotate-deploy-plan');
  await click(browser, 'Confirm and deploy');
  await waitForText(browser, '.rotation h3', 'Deployed: old and new are both valid');
  const keysNow = readFileSync(keysFile, 'utf8');
  const newKey = keysNow.split('\n').map((l) => l.split(' ')[0]).find((k) => k.startsWith('rk_test_') && k !== OLD);
  assert.ok(newKey, 'the keys file holds a new key');
  assert.ok(keysNow.includes(`${OLD} maps read:users`), 'the old key stays valid during the overlap');
  assert.ok(readFileSync(envFile, 'utf8').includes(`API_KEY=${newKey}\n`), 'the .env file holds the new key');
  assert.ok(readFileSync(envFile, 'utf8').startsWith('APP_NAME=maps-worker\n'), 'its other lines stay');
  await showStep(browser);
  await step(browser, 'rotate-deployed');

  // Left half-way: the profile page says so, and Continue resumes the wizard where it stands.
  await click(browser, 'Close (continue later)');
  await waitForText(browser, '.rotation-banner', 'Rotation under way: deployed');
  await browser.execute(() => document.querySelector('main').scrollTo(0, 0));
  await step(browser, 'rotate-banner');
  await click(browser, 'Continue');

  // Verify: the probe's request and answer.
  await waitForText(browser, '.rotation h3', 'Step 3 of 4');
  await waitForText(browser, '.rotation-plan', `GET ${rig.info.whoami} with the new credential`);
  await click(browser, 'Confirm and verify');
  await waitForText(browser, '.rotation h3', 'Verified: maps uses the new API key');
  const verified = await waitForText(browser, '.rotation-evidence', 'HTTP 200');
  assert.ok(verified.includes(`GET ${rig.info.whoami}`));
  assert.ok(!verified.includes(newKey), 'the evidence never shows the key');
  await showStep(browser);
  await step(browser, 'rotate-verified');

  // Retire: held back by the overlap, with its countdown, then the traffic check and the old key refused.
  await click(browser, 'Next: Retire the old');
  await waitForText(browser, '.rotation h3', 'Step 4 of 4');
  const retire = await browser.$('//button[normalize-space(.)="Confirm and retire the old"]');
  if (await browser.$('.rotation-countdown').isExisting()) {
    assert.equal(await retire.isEnabled(), false, 'retire waits for the overlap');
    await showStep(browser);
    await step(browser, 'rotate-overlap');
  }
  await retire.waitForEnabled({ timeout: (OVERLAP_SECS + 10) * 1000 });
  await waitForText(browser, '.rotation-plan', 'it must say "unused"');
  await showStep(browser);
  await step(browser, 'rotate-retire-plan');
  await click(browser, 'Confirm and retire the old');
  await waitForText(browser, '.rotation h3', 'Rotation complete: the old API key is retired', { timeout: 30_000 });
  const evidence = await waitForText(browser, '.rotation-evidence', 'after retiring');
  assert.match(evidence, /Traffic check of the old credential[\s\S]*unused/);
  assert.match(evidence, /HTTP 401/);
  await showStep(browser);
  await step(browser, 'rotate-retired');

  // A moment more of traffic on the new key, then the verdict: not one request failed.
  const before = curl.lines().length;
  await browser.waitUntil(() => curl.lines().length >= before + 3, { timeout: 10_000 });
  await curl.stop();
  await cli.stop();
  const fails = [...curl.lines(), ...cli.lines()].filter((l) => !l.startsWith('ok'));
  assert.deepEqual(fails, [], 'no request failed during the rotation');
  const used = new Set(curl.lines().map((l) => l.split(' ')[1]));
  assert.ok(used.has(fp(OLD)) && used.has(fp(newKey)), `the app used the old key, then the new one (${[...used]})`);
  assert.ok(curl.lines().length > 20 && cli.lines().length > 5, `both loops ran throughout (${curl.lines().length} curl, ${cli.lines().length} CLI requests)`);

  assert.ok(!readFileSync(keysFile, 'utf8').includes(OLD), 'the old key is gone from the keys file');
  assert.ok(!readFileSync(envFile, 'utf8').includes(OLD), 'and from the .env file');
  assert.equal(JSON.parse(keyward(home.home, ['rotate', 'status', 'maps', '--json'])).state, 'retired');
  assert.ok(!readFileSync(join(home.home, 'config.json'), 'utf8').includes(newKey), 'the config holds no key');
  process.stderr.write(`e2e: rotate: ${curl.lines().length} curl and ${cli.lines().length} CLI requests, 0 failures\n`);
});

uiTest('a second rotation aborted from its confirmation puts the current key back', () => app.browser, async (browser) => {
  const current = readFileSync(keysFile, 'utf8').split('\n').map((l) => l.split(' ')[0]).find((k) => k.startsWith('rk_test_'));
  await click(browser, 'Rotate again…');
  await waitForText(browser, '.rotation h3', 'Step 1 of 4');
  await click(browser, 'Add a file');
  await fill(browser, 't1-path', keysFile);
  await fill(browser, 't1-line', '{key} {name} read:users');
  await fill(browser, 'rotation-verify', rig.info.whoami);
  await click(browser, 'Create the new API key');
  await click(browser, 'Next: Deploy');
  await click(browser, 'Confirm and deploy');
  await waitForText(browser, '.rotation h3', 'Deployed');
  assert.equal(readFileSync(keysFile, 'utf8').split('\n').filter((l) => l.includes(' maps ')).length, 2);

  await click(browser, 'Next: Verify');
  await click(browser, 'Abort rotation…');
  const dialog = await waitForText(browser, '[role=alertdialog]', 'remove the new credential');
  assert.match(dialog, new RegExp(`remove the new credential [0-9a-f]{8} from file ${keysFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await step(browser, 'rotate-abort');
  await click(browser, 'Abort rotation');
  await waitForText(browser, '.rotation h3', 'Rotation aborted: maps uses the old API key again');
  await showStep(browser);
  await step(browser, 'rotate-aborted');

  const lines = readFileSync(keysFile, 'utf8').split('\n').filter((l) => l.includes(' maps '));
  assert.deepEqual(lines, [`${current} maps read:users`], 'only the key in use before is left');
  assert.equal(keyward(home.home, ['call', 'maps', rig.info.whoami]).includes('apikey:maps'), true, 'and it works');
  assert.ok(existsSync(keysFile));
});

uiTest('a retire that a target refuses can only be finished: no Abort, and it finishes once the target accepts', () => app.browser, async (browser) => {
  // A deploy hook that accepts the new key but refuses to drop the old one until its host is back (a flag file).
  const hostBack = join(dir, 'deploy-host-back');
  const hook = `[ "$KEYWARD_ROTATION_STEP" != retire ] || [ -e ${hostBack} ] || { echo "deploy host unreachable" >&2; exit 1; }`;
  await click(browser, 'Rotate again…');
  await waitForText(browser, '.rotation h3', 'Step 1 of 4');
  await click(browser, 'Add a file');
  await fill(browser, 't1-path', keysFile);
  await fill(browser, 't1-line', '{key} {name} read:users');
  await click(browser, 'Add a command');
  await fill(browser, 't2-command', hook);
  await fill(browser, 'rotation-verify', rig.info.whoami);
  await click(browser, 'Create the new API key');
  await click(browser, 'Next: Deploy');
  await click(browser, 'Confirm and deploy');
  await waitForText(browser, '.rotation h3', 'Deployed');
  await click(browser, 'Next: Verify');
  await click(browser, 'Confirm and verify');
  await waitForText(browser, '.rotation h3', 'Verified');
  await click(browser, 'Next: Retire the old');
  await click(browser, 'Confirm and retire the old');

  // The keys file has dropped the old key, the hook has not: abort could not put the old key back everywhere.
  const alert = await waitForText(browser, '.rotation-retire-refused', 'deploy host unreachable');
  assert.match(alert, /A target did not retire the old API key/);
  assert.match(alert, /command `.*` refused: it failed at the retire step \(exit status: 1\): deploy host unreachable/);
  assert.equal(alert.match(/KEYWARD_ROTATION_STEP/g).length, 1, 'the command is named once');
  await waitForText(browser, '.rotation-finish-only', 'can only be finished, not aborted');
  assert.equal(await browser.$('//button[normalize-space(.)="Abort rotation…"]').isExisting(), false, 'no Abort once retiring has begun');
  assert.equal(JSON.parse(keyward(home.home, ['rotate', 'status', 'maps', '--json'])).abortable, false);
  await showStep(browser);
  await step(browser, 'rotate-finish-only');

  writeFileSync(hostBack, '');
  await click(browser, 'Retire again');
  await waitForText(browser, '.rotation h3', 'Rotation complete: the old API key is retired', { timeout: 30_000 });
  assert.equal(JSON.parse(keyward(home.home, ['rotate', 'status', 'maps', '--json'])).state, 'retired');
  assert.equal(readFileSync(keysFile, 'utf8').split('\n').filter((l) => l.includes(' maps ')).length, 1, 'one key left, the new one');
  assert.ok(keyward(home.home, ['call', 'maps', rig.info.whoami]).includes('apikey:maps'), 'and it works');
});
