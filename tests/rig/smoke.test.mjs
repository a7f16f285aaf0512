// Smoke test of the rig itself: node --test tests/rig/
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  CLIENT_ID, authorize, authorizeUrl, decodeJwt, getJson, pkcePair, postForm, randomState,
  refresh, sleep, startProvider, whoami,
} from './harness.mjs';

const started = [];
async function provider(args = []) {
  const p = await startProvider(args);
  started.push(p);
  return p;
}
after(async () => {
  for (const p of started) {
    const { code, signal } = await p.stop();
    assert.equal(code, 0, `provider.mjs exit ${code ?? signal}:\n${p.stderr()}`);
    assert.deepEqual(p.extraStdout, [], 'provider.mjs printed more than one line on stdout');
  }
});

function assertCallbackPage(result, expect) {
  assert.ok(result.browser.out, `browser.mjs wrote no output file; log:\n${result.browser.log}`);
  assert.ok(result.browser.out.url.startsWith(result.redirectUri), result.browser.out.url);
  assert.match(result.browser.out.text, /you can close this tab/i);
  assert.match(result.browser.out.text, expect);
}

describe('provider + approve', () => {
  let p;
  let info;
  before(async () => {
    p = await provider();
    info = p.info;
  });

  test('prints the documented JSON line', () => {
    // The original keys stay; later ones were only added (machine.test.mjs checks those).
    for (const key of ['api', 'authorization_endpoint', 'issuer', 'resource', 'revocation_endpoint', 'token_endpoint']) {
      assert.equal(typeof info[key], 'string', key);
    }
    assert.match(info.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(info.api, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(info.resource, info.api);
    assert.notEqual(info.issuer, info.api);
  });

  test('discovery advertises iss parameter, revocation, PKCE S256', async () => {
    const { status, body } = await getJson(`${info.issuer}/.well-known/openid-configuration`);
    assert.equal(status, 200);
    assert.equal(body.issuer, info.issuer);
    assert.equal(body.authorization_response_iss_parameter_supported, true);
    assert.equal(body.revocation_endpoint, info.revocation_endpoint);
    assert.equal(body.token_endpoint, info.token_endpoint);
    assert.equal(body.authorization_endpoint, info.authorization_endpoint);
    assert.ok(body.code_challenge_methods_supported.includes('S256'));
    assert.ok(body.grant_types_supported.includes('refresh_token'));
  });

  test('redirect_uri on localhost with any port is accepted, a foreign one and a missing PKCE are not', async () => {
    const { challenge } = pkcePair();
    const go = (redirectUri, extra = {}) => fetch(authorizeUrl(info, {
      redirectUri, scope: 'openid', state: randomState(), challenge, extra,
    }), { redirect: 'manual' });
    for (const uri of ['http://localhost:54321/callback', 'http://127.0.0.1:1234/callback']) {
      const res = await go(uri);
      assert.equal(res.status, 303, uri);
      assert.match(res.headers.get('location'), /^\/interaction\//, uri);
    }
    const foreign = await go('http://127.0.0.1:1234/elsewhere');
    assert.equal(foreign.status, 400);
    const withoutPkce = new URL(authorizeUrl(info, {
      redirectUri: 'http://127.0.0.1:1234/callback', scope: 'openid', state: randomState(), challenge,
    }));
    withoutPkce.searchParams.delete('code_challenge');
    withoutPkce.searchParams.delete('code_challenge_method');
    const noPkce = await fetch(withoutPkce, { redirect: 'manual' });
    assert.equal(noPkce.status, 303);
    assert.match(noPkce.headers.get('location'), /error=invalid_request/);
  });

  test('login, consent, code exchange, API, refresh rotation and reuse detection', async () => {
    const r = await authorize(info);
    assert.equal(r.browser.code, 0, r.browser.log);
    assert.ok(r.callback, 'the callback was not reached');
    assert.equal(r.callback.state, r.state);
    assert.equal(r.callback.iss, info.issuer);
    assert.ok(r.callback.code);
    assertCallbackPage(r, /Signed in/);

    assert.equal(r.tokens.status, 200, JSON.stringify(r.tokens.body));
    const t = r.tokens.body;
    assert.equal(t.token_type, 'Bearer');
    assert.ok(t.refresh_token, 'a refresh token is always issued');
    assert.ok(t.id_token);
    const { header, payload } = decodeJwt(t.access_token);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(payload.aud, info.api);
    assert.equal(payload.iss, info.issuer);
    assert.equal(payload.client_id, CLIENT_ID);
    assert.ok(payload.scope.split(' ').includes('read:users'), payload.scope);

    const me = await whoami(info, t.access_token);
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.deepEqual(me.body, { sub: 'alice', scope: 'read:users', client_id: CLIENT_ID });

    const r1 = await refresh(info, t.refresh_token);
    assert.equal(r1.status, 200, JSON.stringify(r1.body));
    assert.ok(r1.body.refresh_token);
    assert.notEqual(r1.body.refresh_token, t.refresh_token, 'refresh token rotated');
    assert.equal((await whoami(info, r1.body.access_token)).status, 200);

    const reuse = await refresh(info, t.refresh_token);
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, 'invalid_grant');
    // Reuse of a rotated token revokes the whole grant, including the newest refresh token.
    const afterReuse = await refresh(info, r1.body.refresh_token);
    assert.equal(afterReuse.body.error, 'invalid_grant');
  });

  test('API rejects missing, garbage and forged tokens with INVALID_TOKEN', async () => {
    for (const token of [undefined, 'garbage', 'a.b.c']) {
      const res = await whoami(info, token);
      assert.equal(res.status, 401, String(token));
      assert.equal(res.body.error, 'INVALID_TOKEN');
      assert.equal(typeof res.body.message, 'string');
    }
    const forgedHeader = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: 'rig-rs256' })).toString('base64url');
    const forgedPayload = Buffer.from(JSON.stringify({
      sub: 'mallory', scope: 'read:users', aud: info.api, iss: info.issuer, exp: 4102444800,
    })).toString('base64url');
    const forged = await whoami(info, `${forgedHeader}.${forgedPayload}.${Buffer.from('sig').toString('base64url')}`);
    assert.equal(forged.status, 401);
    assert.equal(forged.body.error, 'INVALID_TOKEN');
  });

  test('token without read:users gets INSUFFICIENT_SCOPE; revocation of a refresh token works', async () => {
    const r = await authorize(info, { scope: 'openid offline_access', login: 'bob' });
    assert.equal(r.tokens?.status, 200, r.browser.log);
    const { payload } = decodeJwt(r.tokens.body.access_token);
    assert.equal(payload.aud, info.api);
    const res = await whoami(info, r.tokens.body.access_token);
    assert.equal(res.status, 403);
    assert.equal(res.body.error, 'INSUFFICIENT_SCOPE');
    assert.equal(res.body.required_scope, 'read:users');

    const rev = await postForm(info.revocation_endpoint, {
      token: r.tokens.body.refresh_token, token_type_hint: 'refresh_token', client_id: CLIENT_ID,
    });
    assert.equal(rev.status, 200, JSON.stringify(rev.body));
    const afterRevoke = await refresh(info, r.tokens.body.refresh_token);
    assert.equal(afterRevoke.body.error, 'invalid_grant');
  });

  test('/__rig/stats counts token and revocation requests', async () => {
    const { status, body } = await getJson(`${info.api}/__rig/stats`);
    assert.equal(status, 200);
    assert.deepEqual(body.token_requests, { authorization_code: 2, refresh_token: 4, client_credentials: 0 });
    assert.equal(body.revocations, 1);
  });
});

test('decline: the callback gets error=access_denied with iss', async () => {
  const { info } = await provider();
  const r = await authorize(info, { mode: 'decline' });
  assert.equal(r.browser.code, 0, r.browser.log);
  assert.ok(r.callback, 'the callback was not reached');
  assert.equal(r.callback.error, 'access_denied');
  assert.equal(r.callback.state, r.state);
  assert.equal(r.callback.iss, info.issuer);
  assert.equal(r.callback.code, undefined);
  assertCallbackPage(r, /access_denied/);
});

test('--access-token-ttl 2: the API answers TOKEN_EXPIRED after 3 s', async () => {
  const { info } = await provider(['--access-token-ttl', '2']);
  const r = await authorize(info);
  assert.equal(r.tokens?.status, 200, r.browser.log);
  assert.equal(r.tokens.body.expires_in, 2);
  assert.equal((await whoami(info, r.tokens.body.access_token)).status, 200);
  await sleep(3_000);
  const res = await whoami(info, r.tokens.body.access_token);
  assert.equal(res.status, 401);
  assert.equal(res.body.error, 'TOKEN_EXPIRED');
  // a refresh gives a working token again
  const r1 = await refresh(info, r.tokens.body.refresh_token);
  assert.equal((await whoami(info, r1.body.access_token)).status, 200);
});

test('--drop-iss: discovery still advertises iss, the callback gets none', async () => {
  const { info } = await provider(['--drop-iss']);
  const { body } = await getJson(`${info.issuer}/.well-known/openid-configuration`);
  assert.equal(body.authorization_response_iss_parameter_supported, true);
  const r = await authorize(info);
  assert.equal(r.browser.code, 0, r.browser.log);
  assert.ok(r.callback?.code, 'the callback got a code');
  assert.equal(r.callback.state, r.state);
  assert.equal(r.callback.iss, undefined);
});
