// The window's list at scale, in headless Chromium over the fake platform (bench/ui, built by run.sh):
// the profiles page rendered with N profiles (from the start of React's render to every row in the DOM,
// laid out), and search-as-you-type (one input event per keystroke: the filter, React's commit and the
// layout it forces, per keystroke). Prints one JSON line. Not WebKitGTK: Chromium's JS engine and layout
// stand in for the window's (said in BENCHMARKS.md).
//   node bench/ui_scale.mjs URL   (URL of bench/ui's build, served over http)
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(new URL('../tests/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const base = process.argv[2];
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const userDataDir = mkdtempSync(join(tmpdir(), 'kw-bench-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.KEYWARD_RIG_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1100, height: 720 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});

/** Open the profiles page with n profiles; ms from the render's start to n rows laid out. */
async function render(page, n) {
  await page.goto(`${base}/index.html?n=${n}#/profiles`);
  await page.waitForFunction((count) => document.querySelectorAll('li.profile').length === count, n, { polling: 'raf', timeout: 60_000 });
  return page.evaluate(() => { void document.body.offsetHeight; return performance.now() - window.__kwRenderStart; });
}

/** Type `query` into the search box one character at a time, then delete it again; ms per keystroke. */
async function keystrokes(page, query) {
  return page.evaluate((q) => {
    const input = document.querySelector('input[type=search]');
    if (!input) throw new Error('no search box on the profiles page');
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const times = [];
    const steps = [...q].map((_, i) => q.slice(0, i + 1));
    for (let i = steps.length - 2; i >= 0; i--) steps.push(steps[i]);
    steps.push('');
    for (const value of steps) {
      const t0 = performance.now();
      set.call(input, value);
      // React answers an input event at once (a discrete event): filter, render, commit; then the layout.
      input.dispatchEvent(new Event('input', { bubbles: true }));
      void document.body.offsetHeight;
      times.push(performance.now() - t0);
    }
    return { times, shown: document.querySelectorAll('li.profile').length };
  }, query);
}

try {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const runs = 5;
  const out = {};
  for (const n of [10, 1000]) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await render(page, n));
    out[`render_${n}_ms`] = median(samples);
  }
  // The page now holds 1,000 profiles. Queries a person types: a name, an issuer's host, a user.
  const per = [];
  for (const q of ['svc-0999', 'example.com', 'user42']) {
    const { times, shown } = await keystrokes(page, q);
    if (shown !== 1000) throw new Error(`after clearing the search ${shown} rows show, not 1000`);
    per.push(...times);
  }
  if (process.env.KW_BENCH_DEBUG) console.error(JSON.stringify(per.map((t) => Math.round(t))));
  out.keystroke_median_ms = median(per);
  out.keystroke_max_ms = Math.max(...per);
  out.keystrokes = per.length;
  out.chromium = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
  if (errors.length) throw new Error(`the page threw: ${errors.join('; ')}`);
  console.log(JSON.stringify(out));
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
