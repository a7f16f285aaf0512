// Helpers for driving the rig from Node tests: start provider.mjs, run browser.mjs, a loopback
// callback listener, PKCE, and token endpoint calls.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const RIG_DIR = dirname(fileURLToPath(import.meta.url));
export const PROVIDER = join(RIG_DIR, 'provider.mjs');
export const BROWSER = join(RIG_DIR, 'browser.mjs');
export const CLIENT_ID = 'native-app';

/** Starts provider.mjs; resolves with { info, stop, stderr() } once its JSON line arrived. */
export async function startProvider(args = [], { timeoutMs = 15_000 } = {}) {
  const child = spawn(process.execPath, [PROVIDER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => { child.once('exit', (code, signal) => resolve({ code, signal })); });

  const lines = createInterface({ input: child.stdout });
  const extraStdout = [];
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`provider.mjs gave no JSON line in ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    let first = true;
    lines.on('line', (line) => {
      if (!first) {
        extraStdout.push(line);
        return;
      }
      first = false;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line));
      } catch (err) {
        reject(new Error(`provider.mjs printed a non-JSON line ${JSON.stringify(line)}: ${err.message}`));
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`provider.mjs exited (${code ?? signal}) before its JSON line:\n${stderr}`));
    });
  });

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end(); // the documented way: close its stdin
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  }

  return { info, child, stop, exited, stderr: () => stderr, extraStdout };
}

/** A loopback listener at http://127.0.0.1:PORT/callback like Keyward's. */
export async function startCallbackServer({ host = '127.0.0.1' } = {}) {
  let resolveHit;
  const hit = new Promise((resolve) => { resolveHit = resolve; });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, `http://${host}`);
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    const params = Object.fromEntries(url.searchParams);
    const ok = params.code && !params.error;
    const body = ok
      ? '<!doctype html><title>Keyward</title><p>Signed in to Keyward. You can close this tab.</p>'
      : `<!doctype html><title>Keyward</title><p>Sign-in failed (${String(params.error).replace(/[<>&"]/g, '')}). You can close this tab.</p>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
    res.end(body);
    resolveHit(params);
  });
  await new Promise((resolve) => server.listen(0, host, resolve));
  const redirectUri = `http://${host === '::1' ? '[::1]' : host}:${server.address().port}/callback`;
  return {
    redirectUri,
    hit,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

export function randomState() {
  return randomBytes(16).toString('base64url');
}

export function authorizeUrl(info, { redirectUri, scope, state, challenge, extra = {} }) {
  const url = new URL(info.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  return url.href;
}

/**
 * Runs browser.mjs on url as Keyward would. Resolves with { code, out, log }:
 * out is the parsed KEYWARD_RIG_BROWSER_OUT file (or undefined), log the browser log.
 */
export async function runBrowser(url, { mode = 'approve', login, timeoutMs = 40_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-rig-test-'));
  const logFile = join(dir, 'browser.log');
  const outFile = join(dir, 'out.json');
  const env = {
    ...process.env,
    KEYWARD_RIG_BROWSER: mode,
    KEYWARD_RIG_BROWSER_LOG: logFile,
    KEYWARD_RIG_BROWSER_OUT: outFile,
  };
  if (login) env.KEYWARD_RIG_LOGIN = login;
  const child = spawn(BROWSER, [url], { env, stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(c ?? signal));
  });
  clearTimeout(timer);
  const read = (file) => { try { return readFileSync(file, 'utf8'); } catch { return undefined; } };
  const outText = read(outFile);
  const result = { code, out: outText ? JSON.parse(outText) : undefined, log: read(logFile) ?? '' };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/** POSTs a form to the token endpoint (or any endpoint). Resolves with { status, body }. */
export async function postForm(endpoint, params) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(params),
  });
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, body };
}

export async function getJson(url, headers = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

export function decodeJwt(jwt) {
  const [header, payload] = jwt.split('.').slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { header, payload };
}

/**
 * Full authorization code flow through browser.mjs: returns { callback, browser, tokens? }.
 * tokens is set when the callback carried a code.
 */
export async function authorize(info, { scope = 'openid offline_access read:users', mode = 'approve', login } = {}) {
  const callbackServer = await startCallbackServer();
  try {
    const { verifier, challenge } = pkcePair();
    const state = randomState();
    const url = authorizeUrl(info, { redirectUri: callbackServer.redirectUri, scope, state, challenge });
    const browser = await runBrowser(url, { mode, login });
    const callback = await Promise.race([
      callbackServer.hit,
      new Promise((resolve) => { setTimeout(resolve, 1_000, undefined); }),
    ]);
    let tokens;
    if (callback?.code) {
      tokens = await postForm(info.token_endpoint, {
        grant_type: 'authorization_code',
        code: callback.code,
        redirect_uri: callbackServer.redirectUri,
        client_id: CLIENT_ID,
        code_verifier: verifier,
      });
    }
    return { state, callback, browser, tokens, redirectUri: callbackServer.redirectUri };
  } finally {
    await callbackServer.close();
  }
}

export function refresh(info, refreshToken) {
  return postForm(info.token_endpoint, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: CLIENT_ID,
  });
}

export function whoami(info, accessToken) {
  const headers = accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` };
  return getJson(`${info.api}/v1/whoami`, headers);
}

export const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
