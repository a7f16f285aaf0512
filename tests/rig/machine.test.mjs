// The rig's machine and legacy credential counterparts: node --test tests/rig/machine.test.mjs
// Each counterpart works, and refuses each deviation with an error that names it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import * as jose from 'jose';

import { DIALECT_NAMES } from './dialects.mjs';
import { RIG_DIR, decodeJwt, getJson, startProvider } from './harness.mjs';

const PYTHON = join(RIG_DIR, '..', '.venv', 'bin', 'python');
const SAML_IDP = join(RIG_DIR, 'saml_idp.py');
const run = promisify(execFile);

const dir = mkdtempSync(join(tmpdir(), 'keyward-rig-machine-'));
const jwksFile = join(dir, 'client-jwks.json');
const keysFile = join(dir, 'api-keys.txt');
const idpKeyDir = join(dir, 'idp');
const otherIdpKeyDir = join(dir, 'other-idp');

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
  rmSync(dir, { recursive: true, force: true });
});

const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function post(url, body, headers = {}) {
  const json = headers['content-type'] === 'application/json';
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : json ? JSON.stringify(body) : new URLSearchParams(body),
  });
  const text = await res.text();
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = text; }
  return { status: res.status, body: parsed, headers: res.headers };
}
const postJson = (url, body, headers = {}) => post(url, body, { ...headers, 'content-type': 'application/json' });
const me = (info, token) => getJson(info.whoami, token === undefined ? {} : { authorization: `Bearer ${token}` });

function assertRefused(res, status, error, description) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error, error, JSON.stringify(res.body));
  if (description) assert.match(res.body.error_description ?? res.body.message, description);
}

// ---- key material written before the rig starts -------------------------------------------

const keys = {};
async function keyPair(alg, kid) {
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true });
  return { privateKey, kid, alg, jwk: { ...(await jose.exportJWK(publicKey)), kid, alg, use: 'sig' } };
}
const writeJwks = (...pairs) => writeFileSync(jwksFile, JSON.stringify({ keys: pairs.map((k) => k.jwk) }));
const writeKeys = (text) => writeFileSync(keysFile, text);

let rig;
let info;
before(async () => {
  assert.ok(existsSync(PYTHON), `no ${PYTHON}: run scripts/deps.sh (it creates tests/.venv with tests/requirements.txt)`);
  [keys.rs1, keys.rs2, keys.ec1, keys.rs256] = await Promise.all([
    keyPair('RS384', 'rs384-1'), keyPair('RS384', 'rs384-2'), keyPair('ES384', 'es384-1'), keyPair('RS256', 'rs256-1'),
  ]);
  writeJwks(keys.rs1, keys.ec1, keys.rs256);
  writeKeys('# key name scopes\nk_live_reader reader read:users,write:users\nk_live_writer writer write:users\n');
  const { stdout } = await run(PYTHON, [SAML_IDP, 'cert', '--key', idpKeyDir]);
  rig = await provider([
    '--client-jwks', jwksFile, '--api-keys-file', keysFile, '--saml-idp-cert', stdout.trim(), '--access-token-ttl', '120',
  ]);
  info = rig.info;
});

test('the JSON line keeps the original keys and adds the new ones', () => {
  const { api, issuer } = info;
  assert.deepEqual(info, {
    issuer,
    api,
    resource: api,
    token_endpoint: `${issuer}/token`,
    authorization_endpoint: `${issuer}/auth`,
    revocation_endpoint: `${issuer}/token/revocation`,
    whoami: `${api}/v1/whoami`,
    api_issuer: api,
    api_jwks_uri: `${api}/.well-known/jwks.json`,
    client_jwks_uri: `${api}/__rig/client-jwks`,
    custom_token_endpoint: `${api}/custom/{dialect}/token`,
    login_endpoint: `${api}/v1/auth/login`,
    refresh_endpoint: `${api}/v1/auth/refresh`,
    session_login_endpoint: `${api}/v1/session/login`,
    session_logout_endpoint: `${api}/v1/session/logout`,
    saml_token_endpoint: `${api}/saml/token`,
    saml_sp_entity_id: `${api}/saml/metadata`,
    saml_acs_url: `${api}/saml/token`,
    saml_idp_issuer: 'https://idp.keyward.test/metadata',
  });
});

// ---- 1. client credentials in the OpenID provider ---------------------------------------------

describe('client_credentials: cc-basic and cc-post', () => {
  test('cc-basic with HTTP Basic gets a JWT for the API without a resource parameter', async () => {
    const res = await post(info.token_endpoint, { grant_type: 'client_credentials', scope: 'read:users' },
      { authorization: basic('cc-basic', 'cc-basic-secret') });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, 120);
    assert.equal(res.body.scope, 'read:users');
    const { header, payload } = decodeJwt(res.body.access_token);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(payload.aud, info.api);
    assert.equal(payload.client_id, 'cc-basic');
    const who = await me(info, res.body.access_token);
    assert.deepEqual(who.body, { sub: 'cc-basic', scope: 'read:users', client_id: 'cc-basic' });
  });

  test('cc-post with the secret in the body; an explicit resource works too', async () => {
    const res = await post(info.token_endpoint, {
      grant_type: 'client_credentials', client_id: 'cc-post', client_secret: 'cc-post-secret',
      scope: 'read:users write:users', resource: info.api,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.scope, 'read:users write:users');
    assert.equal((await me(info, res.body.access_token)).status, 200);
  });

  test('the registered method is enforced, each refusal names it', async () => {
    assertRefused(await post(info.token_endpoint, {
      grant_type: 'client_credentials', client_id: 'cc-basic', client_secret: 'cc-basic-secret',
    }), 401, 'invalid_client', /cc-basic is registered for client_secret_basic.*Authorization: Basic header/);
    assertRefused(await post(info.token_endpoint, { grant_type: 'client_credentials' },
      { authorization: basic('cc-post', 'cc-post-secret') }),
    401, 'invalid_client', /cc-post is registered for client_secret_post.*form body/);
    assertRefused(await post(info.token_endpoint, { grant_type: 'client_credentials' },
      { authorization: basic('cc-basic', 'wrong') }), 401, 'invalid_client', /invalid secret provided/);
    assertRefused(await post(info.token_endpoint, { grant_type: 'client_credentials', resource: 'https://elsewhere.example' },
      { authorization: basic('cc-basic', 'cc-basic-secret') }), 400, 'invalid_target');
  });

  test('a token without read:users gets INSUFFICIENT_SCOPE at the API', async () => {
    const res = await post(info.token_endpoint, { grant_type: 'client_credentials' },
      { authorization: basic('cc-basic', 'cc-basic-secret') });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.scope, undefined);
    assert.equal(decodeJwt(res.body.access_token).payload.aud, info.api);
    const who = await me(info, res.body.access_token);
    assert.equal(who.status, 403);
    assert.equal(who.body.error, 'INSUFFICIENT_SCOPE');
  });
});

// ---- 1b. private_key_jwt --------------------------------------------------------------------

function assertion(clientId, key, { claims = {}, header = {}, lifetime = 60, iat = Math.floor(Date.now() / 1000) } = {}) {
  return new jose.SignJWT({
    iss: clientId, sub: clientId, aud: info.token_endpoint, iat, exp: iat + lifetime,
    jti: randomBytes(12).toString('base64url'), ...claims,
  }).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);
}

function pkjwt(clientId, clientAssertion, extra = {}) {
  return post(info.token_endpoint, {
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: clientAssertion,
    scope: 'read:users',
    ...extra,
  });
}

describe('client_credentials: private_key_jwt (pkjwt-rs384, pkjwt-es384)', () => {
  test('RS384 and ES384 assertions get tokens the API accepts', async () => {
    for (const [client, key] of [['pkjwt-rs384', keys.rs1], ['pkjwt-es384', keys.ec1]]) {
      const res = await pkjwt(client, await assertion(client, key));
      assert.equal(res.status, 200, `${client}: ${JSON.stringify(res.body)}`);
      const who = await me(info, res.body.access_token);
      assert.deepEqual(who.body, { sub: client, scope: 'read:users', client_id: client });
    }
  });

  test('each deviation has its own error_description', async () => {
    const c = 'pkjwt-rs384';
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      ['iss != sub', await assertion(c, keys.rs1, { claims: { iss: 'someone-else' } }), /iss and sub must both be the client_id/],
      ['aud = issuer', await assertion(c, keys.rs1, { claims: { aud: info.issuer } }), /aud must be the token endpoint URL .*does not take the issuer/],
      ['aud elsewhere', await assertion(c, keys.rs1, { claims: { aud: 'https://elsewhere.example/token' } }), /aud must be the token endpoint URL .*, got https:\/\/elsewhere.example\/token/],
      ['lifetime', await assertion(c, keys.rs1, { lifetime: 301, iat: now - 100 }), /exp - iat is 301 s, at most 300 s/],
      ['exp too far', await assertion(c, keys.rs1, { lifetime: 250, iat: now + 100 }), /exp is 3\d\d s in the future, at most 300 s/],
      ['no iat', await assertion(c, keys.rs1, { claims: { iat: undefined } }), /iat \(issued at\) is required/],
      ['expired', await assertion(c, keys.rs1, { lifetime: 60, iat: now - 200 }), /"exp" claim timestamp check failed|expired/],
      ['unknown kid', await assertion(c, { ...keys.rs1, kid: 'nope' }), /unknown kid "nope".*kids there: rs384-1, es384-1, rs256-1/],
      ['no kid', await assertion(c, keys.rs1, { header: { kid: undefined } }), /has no kid/],
      ['wrong alg', await assertion(c, keys.rs256), /pkjwt-rs384 signs its client_assertion with RS384 only, got alg=RS256/],
      ['signed by another key', await assertion(c, { ...keys.rs2, kid: 'rs384-1' }), /signature verification failed/],
    ];
    for (const [name, jwt, description] of cases) {
      const res = await pkjwt(c, jwt);
      assert.equal(res.status, 401, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error, 'invalid_client', name);
      assert.match(res.body.error_description, description, name);
      if (process.env.KEYWARD_RIG_SHOW) console.log(name, '→', res.body.error_description);
    }
    const once = await assertion(c, keys.rs1);
    assert.equal((await pkjwt(c, once)).status, 200);
    assertRefused(await pkjwt(c, once), 401, 'invalid_client', /client assertion tokens must only be used once/);
    assertRefused(await pkjwt(c, await assertion(c, keys.rs1), { client_assertion_type: 'jwt' }),
      400, 'invalid_request', /client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer/);
  });

  test('the JWKS file is re-read on every request: add a key, then retire the old one', async () => {
    const c = 'pkjwt-rs384';
    assertRefused(await pkjwt(c, await assertion(c, keys.rs2)), 401, 'invalid_client', /unknown kid "rs384-2"/);
    writeJwks(keys.rs1, keys.rs2, keys.ec1);
    assert.equal((await pkjwt(c, await assertion(c, keys.rs2))).status, 200, 'the new key works at once');
    assert.equal((await pkjwt(c, await assertion(c, keys.rs1))).status, 200, 'both during the overlap');
    writeJwks(keys.rs2, keys.ec1);
    assertRefused(await pkjwt(c, await assertion(c, keys.rs1)), 401, 'invalid_client', /unknown kid "rs384-1"/);
    assert.equal((await pkjwt(c, await assertion(c, keys.rs2))).status, 200);
    const jwks = await getJson(info.client_jwks_uri);
    assert.deepEqual(jwks.body.keys.map((k) => k.kid), ['rs384-2', 'es384-1']);
    assert.ok(jwks.body.keys.every((k) => k.d === undefined), 'public keys only');
  });
});

test('--pkjwt-accept-issuer-aud also takes the issuer URL as aud', async () => {
  const other = await provider(['--client-jwks', jwksFile, '--pkjwt-accept-issuer-aud']);
  const c = 'pkjwt-es384';
  const mk = (aud) => new jose.SignJWT({
    iss: c, sub: c, aud, jti: randomBytes(8).toString('hex'),
  }).setProtectedHeader({ alg: 'ES384', kid: keys.ec1.kid }).setIssuedAt().setExpirationTime('60s')
    .sign(keys.ec1.privateKey);
  for (const aud of [other.info.issuer, other.info.token_endpoint]) {
    const res = await post(other.info.token_endpoint, {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await mk(aud),
    });
    assert.equal(res.status, 200, `${aud}: ${JSON.stringify(res.body)}`);
  }
});

// ---- 2. the non-standard token endpoint ------------------------------------------------------

const custom = (dialect) => info.custom_token_endpoint.replace('{dialect}', dialect);
const goodAuth = { authorization: basic('custom-client', 'custom-secret') };
const bodyCreds = { client_id: 'custom-client', client_secret: 'custom-secret' };
const CC = { grant_type: 'client_credentials' };

describe('custom token endpoint dialects', () => {
  const good = {
    standard: () => post(custom('standard'), CC, goodAuth),
    json: () => postJson(custom('json'), CC, goodAuth),
    camel: () => post(custom('camel'), { grantType: 'client_credentials', clientId: 'custom-client', clientSecret: 'custom-secret' }),
    'basic-no-form': () => post(custom('basic-no-form'), CC, goodAuth),
    'no-basic': () => post(custom('no-basic'), { ...CC, ...bodyCreds }),
    both: () => post(custom('both'), { ...CC, ...bodyCreds }, goodAuth),
    'custom-field': () => post(custom('custom-field'), { ...CC, tenant: 'acme' }, goodAuth),
    audience: () => post(custom('audience'), { ...CC, audience: 'https://api.example.com' }, goodAuth),
    resource: () => post(custom('resource'), { ...CC, resource: 'https://api.example.com' }, goodAuth),
    scopes: () => post(custom('scopes'), { ...CC, scope: 'read:users' }, goodAuth),
    'access-token-name': () => post(custom('access-token-name'), CC, goodAuth),
    'no-expiry': () => post(custom('no-expiry'), CC, goodAuth),
    'epoch-expiry': () => post(custom('epoch-expiry'), CC, goodAuth),
  };

  test('every dialect answers a request that follows it, with a token the API accepts', async () => {
    assert.deepEqual(Object.keys(good).sort(), [...DIALECT_NAMES].sort());
    for (const [dialect, send] of Object.entries(good)) {
      const res = await send();
      assert.equal(res.status, 200, `${dialect}: ${JSON.stringify(res.body)}`);
      const token = res.body.access_token ?? res.body.accessToken;
      const who = await me(info, token);
      assert.equal(who.status, 200, `${dialect}: ${JSON.stringify(who.body)}`);
      assert.deepEqual(who.body, { sub: 'custom-client', scope: 'read:users', client_id: 'custom-client', via: `custom:${dialect}` });
      const t = Math.floor(Date.now() / 1000);
      if (dialect === 'access-token-name') {
        assert.deepEqual(Object.keys(res.body).sort(), ['accessToken', 'expires', 'scope', 'token_type']);
        assert.equal(res.body.expires, 120);
      } else if (dialect === 'no-expiry') {
        assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'scope', 'token_type']);
      } else if (dialect === 'epoch-expiry') {
        assert.ok(Math.abs(res.body.expires_in - (t + 120)) <= 2, String(res.body.expires_in));
      } else {
        assert.equal(res.body.expires_in, 120, dialect);
      }
      assert.equal(res.body.refresh_token !== undefined, dialect === 'camel', dialect);
    }
  });

  test('each dialect refuses the deviation and says what it expected', async () => {
    const cases = [
      ['standard', () => post(custom('standard'), { ...CC, ...bodyCreds }), /expected HTTP Basic client authentication.*got no Authorization header \(the client credentials came in the body as client_id\/client_secret\)/],
      ['standard', () => post(custom('standard'), { ...CC, ...bodyCreds }, goodAuth), /expected the client credentials only in HTTP Basic, got client_id and client_secret in the body too/],
      ['standard', () => post(custom('standard'), { grantType: 'client_credentials' }, goodAuth), /expected body field grant_type=client_credentials, got grantType instead/],
      ['standard', () => post(custom('standard'), { grant_type: 'password' }, goodAuth), /expected grant_type=client_credentials, got grant_type=password/],
      ['standard', () => post(custom('standard'), { ...CC, audience: 'x' }, goodAuth), /unexpected body field audience/],
      ['standard', () => postJson(custom('standard'), CC, goodAuth), /expected Content-Type application\/x-www-form-urlencoded, got application\/json/],
      ['json', () => post(custom('json'), CC, goodAuth), /expected Content-Type application\/json, got application\/x-www-form-urlencoded/],
      ['json', () => post(custom('json'), 'not json', { ...goodAuth, 'content-type': 'application/json' }), /body is not valid JSON/],
      ['camel', () => post(custom('camel'), { ...CC, ...bodyCreds }), /expected body field clientId, got client_id instead.*expected body field grantType=client_credentials, got grant_type instead/],
      ['camel', () => post(custom('camel'), { grantType: 'client_credentials' }, goodAuth), /expected no Authorization header \(client credentials go in the body as clientId\/clientSecret\)/],
      ['basic-no-form', () => post(custom('basic-no-form'), { ...CC, scope: 'read:users' }, goodAuth), /unexpected body field scope \(this dialect takes grant_type\)/],
      ['basic-no-form', () => post(custom('basic-no-form'), { ...CC, ...bodyCreds }, goodAuth), /unexpected body fields client_id, client_secret \(this dialect takes grant_type\)/],
      ['no-basic', () => post(custom('no-basic'), CC, goodAuth), /expected no Authorization header.*expected body field client_id, got none/],
      ['both', () => post(custom('both'), CC, goodAuth), /expected body field client_id, got none/],
      ['both', () => post(custom('both'), { ...CC, ...bodyCreds }), /expected HTTP Basic/],
      ['custom-field', () => post(custom('custom-field'), CC, goodAuth), /expected body field tenant=acme, got none/],
      ['custom-field', () => post(custom('custom-field'), { ...CC, tenant: 'globex' }, goodAuth), /expected tenant=acme, got tenant=globex/],
      ['audience', () => post(custom('audience'), CC, goodAuth), /expected body field audience=https:\/\/api.example.com, got none/],
      ['audience', () => post(custom('audience'), { ...CC, resource: 'https://api.example.com' }, goodAuth), /expected body field audience=.*unexpected body field resource/],
      ['resource', () => post(custom('resource'), { ...CC, resource: 'https://other.example.com' }, goodAuth), /expected resource=https:\/\/api.example.com, got resource=https:\/\/other.example.com/],
      ['scopes', () => post(custom('scopes'), CC, goodAuth), /expected body field scope, got none/],
      ['scopes', () => post(custom('scopes'), { ...CC, scope: 'write:users' }, goodAuth), /scope: expected read:users/],
      ['access-token-name', () => post(custom('access-token-name'), CC, { authorization: 'Bearer abc' }), /expected Authorization: Basic/],
    ];
    for (const [dialect, send, description] of cases) {
      const res = await send();
      assert.equal(res.status, 400, `${dialect}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error, 'invalid_request', dialect);
      assert.match(res.body.error_description, description, dialect);
      assert.ok(res.body.error_description.startsWith(`${dialect} dialect: `), res.body.error_description);
    }
  });

  test('wrong credentials get 401 invalid_client; unknown dialects 404; unknown scopes invalid_scope', async () => {
    assertRefused(await post(custom('standard'), CC, { authorization: basic('custom-client', 'nope') }),
      401, 'invalid_client', /wrong client secret for custom-client/);
    assertRefused(await post(custom('no-basic'), { ...CC, client_id: 'who', client_secret: 'custom-secret' }),
      401, 'invalid_client', /unknown client_id "who"/);
    assertRefused(await post(custom('both'), { ...CC, ...bodyCreds, client_secret: 'x' }, goodAuth),
      401, 'invalid_client', /wrong client secret/);
    const missing = await post(custom('klingon'), CC, goodAuth);
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /no dialect "klingon"; dialects: standard, json, camel/);
    assertRefused(await post(custom('scopes'), { ...CC, scope: 'read:users admin' }, goodAuth), 400, 'invalid_scope', /unknown scope admin/);
  });

  test('camel: refresh with grantType=refresh and refreshToken, rotated', async () => {
    const first = await good.camel();
    const refresh = (rt, extra = {}) => post(custom('camel'), {
      grantType: 'refresh', refreshToken: rt, clientId: 'custom-client', clientSecret: 'custom-secret', ...extra,
    });
    const second = await refresh(first.body.refresh_token);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.notEqual(second.body.refresh_token, first.body.refresh_token);
    assert.equal((await me(info, second.body.access_token)).status, 200);
    assertRefused(await refresh(first.body.refresh_token), 400, 'invalid_grant', /already used/);
    assertRefused(await refresh('crt_unknown'), 400, 'invalid_grant', /unknown refresh token/);
    assertRefused(await post(custom('camel'), {
      grantType: 'refresh_token', refresh_token: second.body.refresh_token, clientId: 'custom-client', clientSecret: 'custom-secret',
    }), 400, 'invalid_request', /expected grantType=client_credentials or refresh, got grantType=refresh_token.*expected body field refreshToken|unexpected body field refresh_token/);
    assert.equal((await refresh(second.body.refresh_token)).status, 200);
  });
});

// ---- 3. API keys ----------------------------------------------------------------------------

describe('API keys at /v1/whoami', () => {
  test('X-API-Key, ?api_key= and Authorization: Bearer all work', async () => {
    const expected = { sub: 'apikey:reader', scope: 'read:users write:users' };
    const viaHeader = await getJson(info.whoami, { 'x-api-key': 'k_live_reader' });
    assert.deepEqual(viaHeader.body, { ...expected, via: 'api_key:header' });
    const viaQuery = await getJson(`${info.whoami}?api_key=k_live_reader`);
    assert.deepEqual(viaQuery.body, { ...expected, via: 'api_key:query' });
    const viaBearer = await me(info, 'k_live_reader');
    assert.deepEqual(viaBearer.body, { ...expected, via: 'api_key:bearer' });
  });

  test('unknown key → 401 INVALID_TOKEN, no read:users → 403, two credentials → 400', async () => {
    const unknown = await getJson(info.whoami, { 'x-api-key': 'k_live_nobody' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, 'INVALID_TOKEN');
    assert.ok(!unknown.body.message.includes('k_live_nobody'), 'the key is not echoed');
    const writer = await getJson(`${info.whoami}?api_key=k_live_writer`);
    assert.equal(writer.status, 403);
    assert.equal(writer.body.error, 'INSUFFICIENT_SCOPE');
    assert.equal(writer.body.required_scope, 'read:users');
    const two = await getJson(`${info.whoami}?api_key=k_live_reader`, { 'x-api-key': 'k_live_reader' });
    assert.equal(two.status, 400);
    assert.match(two.body.message, /more than one credential: X-API-Key header, api_key query parameter/);
  });

  test('the keys file is re-read: a rotation adds a key, then removes the old one', async () => {
    appendFileSync(keysFile, 'k_live_reader2 reader2 read:users\n');
    assert.equal((await getJson(info.whoami, { 'x-api-key': 'k_live_reader2' })).status, 200);
    assert.equal((await getJson(info.whoami, { 'x-api-key': 'k_live_reader' })).status, 200);
    writeKeys('k_live_reader2 reader2 read:users\n');
    assert.equal((await getJson(info.whoami, { 'x-api-key': 'k_live_reader' })).status, 401);
    const { body } = await getJson(`${info.api}/__rig/stats`);
    assert.equal(body.api_key_uses.reader2, 1);
    assert.ok(body.api_key_uses.reader >= 4);
    assert.equal(body.api_key_uses.writer, 1);
  });
});

// ---- 4. seed 002: login/refresh, session cookie ------------------------------------------------

describe('seed 002 login endpoints', () => {
  const alice = { email: 'alice@example.com', password: 'correct-horse-battery' };

  test('login, whoami, refresh rotation, reuse refused', async () => {
    const login = await postJson(info.login_endpoint, alice);
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.deepEqual(Object.keys(login.body).sort(), ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token', 'token_type']);
    assert.equal(login.body.refresh_expires_in, 30 * 24 * 3600, "seed 000's 30-day sliding refresh token");
    assert.equal(login.body.token_type, 'Bearer');
    assert.equal(login.body.expires_in, 120);
    const { payload } = decodeJwt(login.body.access_token);
    assert.equal(payload.exp - payload.iat, 120);
    const who = await me(info, login.body.access_token);
    assert.deepEqual(who.body, { sub: 'alice@example.com', scope: 'read:users write:users', via: 'login' });

    const r1 = await postJson(info.refresh_endpoint, { refresh_token: login.body.refresh_token });
    assert.equal(r1.status, 200, JSON.stringify(r1.body));
    assert.notEqual(r1.body.refresh_token, login.body.refresh_token);
    assert.equal((await me(info, r1.body.access_token)).status, 200);
    const reuse = await postJson(info.refresh_endpoint, { refresh_token: login.body.refresh_token });
    assert.equal(reuse.status, 401);
    assert.equal(reuse.body.error, 'INVALID_TOKEN');
    assert.equal((await postJson(info.refresh_endpoint, { refresh_token: r1.body.refresh_token })).status, 200);
  });

  test('wrong password → 401 INVALID_CREDENTIALS; a form body is named', async () => {
    const wrong = await postJson(info.login_endpoint, { ...alice, password: 'Tr0ub4dor&3' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'INVALID_CREDENTIALS');
    const form = await post(info.login_endpoint, alice);
    assert.equal(form.status, 400);
    assert.match(form.body.message, /expected Content-Type application\/json/);
  });

  test('session cookie: login sets it, whoami takes it, logout ends it', async () => {
    const login = await postJson(info.session_login_endpoint, alice);
    assert.equal(login.status, 200);
    const setCookie = login.headers.get('set-cookie');
    assert.match(setCookie, /^session=[A-Za-z0-9_-]+; HttpOnly; Path=\//);
    const cookie = setCookie.split(';')[0];
    const who = await getJson(info.whoami, { cookie });
    assert.deepEqual(who.body, { sub: 'alice@example.com', scope: 'read:users write:users', via: 'session' });
    const out = await post(info.session_logout_endpoint, {}, { cookie });
    assert.equal(out.status, 200);
    const after = await getJson(info.whoami, { cookie });
    assert.equal(after.status, 401);
    assert.equal(after.body.error, 'INVALID_TOKEN');
    assert.equal((await postJson(info.session_login_endpoint, { ...alice, password: 'x' })).body.error, 'INVALID_CREDENTIALS');
  });
});

test('--user replaces the default user', async () => {
  const other = await provider(['--user', 'bob@example.com:s3cret:with:colons']);
  const bob = await postJson(other.info.login_endpoint, { email: 'bob@example.com', password: 's3cret:with:colons' });
  assert.equal(bob.status, 200, JSON.stringify(bob.body));
  const alice = await postJson(other.info.login_endpoint, { email: 'alice@example.com', password: 'correct-horse-battery' });
  assert.equal(alice.status, 401);
  // Without --saml-idp-cert the SAML endpoint says how to turn it on.
  const saml = await post(other.info.saml_token_endpoint, { grant_type: 'urn:ietf:params:oauth:grant-type:saml2-bearer', assertion: 'eA' });
  assert.equal(saml.status, 503);
  assert.match(saml.body.error_description, /--saml-idp-cert/);
});

// ---- 5. SAML 2.0 bearer -----------------------------------------------------------------------

async function samlAssertion(extra = [], { keyDir = idpKeyDir } = {}) {
  const { stdout } = await run(PYTHON, [SAML_IDP, 'assertion', '--audience', info.saml_sp_entity_id,
    '--recipient', info.saml_token_endpoint, '--key', keyDir, ...extra]);
  return stdout.trim();
}
/** Many assertions (base64url) from one saml_idp.py process: `batch` reads one JSON array of arguments per line. */
function samlBatch(argLists) {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, [SAML_IDP, 'batch'], (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout.trim().split('\n'));
    });
    child.stdin.end(argLists.map((a) => JSON.stringify(a)).join('\n'));
  });
}
const b64url = (xml) => Buffer.from(xml).toString('base64url');
const samlGrant = (assertionValue, extra = {}) => post(info.saml_token_endpoint, {
  grant_type: 'urn:ietf:params:oauth:grant-type:saml2-bearer', assertion: assertionValue, ...extra,
});

describe('SAML 2.0 bearer (RFC 7522)', () => {
  test('a signed assertion gets a token with sub = NameID; replay is refused', async () => {
    const xml = await samlAssertion(['--subject', 'carol@example.com']);
    assert.match(xml, /^<saml:Assertion /);
    const res = await samlGrant(b64url(xml), { client_id: 'saml-app' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, 120);
    const who = await me(info, res.body.access_token);
    assert.deepEqual(who.body, { sub: 'carol@example.com', scope: 'read:users', client_id: 'saml-app', via: 'saml' });
    assertRefused(await samlGrant(b64url(xml)), 400, 'invalid_grant', /assertion ID _[0-9a-f]+ was already used/);
  });

  test('each deviation is refused with invalid_grant naming it', async () => {
    const sp = ['--audience', info.saml_sp_entity_id, '--recipient', info.saml_token_endpoint, '--key', idpKeyDir];
    const [expired, early, audience, issuerXml, recipient, tampered, unsigned, signedAssertion, signedResponse,
      plainResponse, otherKey, wrapped, noRecipient] = await samlBatch([
      [...sp, '--not-before-offset', '-600', '--lifetime', '300'],
      [...sp, '--not-before-offset', '600'],
      ['--audience', 'https://sp.elsewhere.example', '--key', idpKeyDir],
      [...sp, '--issuer', 'https://evil-idp.example'],
      [...sp, '--recipient', 'https://elsewhere.example/token'],
      [...sp, '--tamper'],
      [...sp, '--unsigned'],
      [...sp, '--as-response', 'signed-assertion'],
      [...sp, '--as-response', 'signed-response'],
      [...sp, '--as-response', 'unsigned'],
      [...sp, '--key', otherIdpKeyDir],
      [...sp, '--xsw'],
      ['--audience', info.saml_sp_entity_id, '--key', idpKeyDir],
    ]);
    const cases = [
      [expired, /assertion expired: Conditions NotOnOrAfter .* was 30\d s ago/],
      [early, /not yet valid: Conditions NotBefore .* is 59\d s in the future/],
      [audience, new RegExp(`Audience: expected ${info.saml_sp_entity_id} \\(the SP entity ID\\), got https://sp.elsewhere.example`)],
      [issuerXml, /Issuer: expected https:\/\/idp.keyward.test\/metadata, got https:\/\/evil-idp.example/],
      [recipient, /Recipient: expected .*\/saml\/token \(the token endpoint\), got https:\/\/elsewhere.example\/token/],
      [tampered, /digest mismatch, the Assertion was changed after it was signed/],
      [unsigned, /assertion is not signed/],
      [signedAssertion, /samlp:Response, not a saml:Assertion.*its Assertion is signed: send that element/],
      [signedResponse, /samlp:Response, not a saml:Assertion.*the Response is signed; the token endpoint needs an Assertion signed by the IdP/],
      [plainResponse, /samlp:Response, not a saml:Assertion.*nothing is signed/],
      [otherKey, /does not verify with the IdP certificate/],
      [wrapped, /the signature covers saml:Assertion ID='_[0-9a-f]+', not the saml:Assertion ID='_[0-9a-f]+'/],
    ];
    for (const [encoded, description] of cases) {
      assertRefused(await samlGrant(encoded), 400, 'invalid_grant', description);
    }
    // No Recipient at all is fine (it is checked only when present).
    assert.equal((await samlGrant(noRecipient)).status, 200);
  });

  test('encoding, DTDs and the request itself', async () => {
    const xml = await samlAssertion();
    const std = Buffer.from(xml).toString('base64');
    assertRefused(await samlGrant(std.endsWith('=') ? std : `${std}=`), 400, 'invalid_grant', /padding|standard base64/);
    const dtd = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">&x;</saml:Assertion>';
    assertRefused(await samlGrant(b64url(dtd)), 400, 'invalid_grant', /DTD/);
    assertRefused(await samlGrant(b64url('<a>')), 400, 'invalid_grant', /not well-formed XML/);
    assertRefused(await post(info.saml_token_endpoint, { grant_type: 'client_credentials', assertion: b64url(xml) }),
      400, 'unsupported_grant_type', /expected grant_type=urn:ietf:params:oauth:grant-type:saml2-bearer/);
    assertRefused(await samlGrant(b64url(xml), { scope: 'admin' }), 400, 'invalid_scope');
    const ok = await samlGrant(b64url(xml), { scope: 'read:users write:users' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.scope, 'read:users write:users');
  });

  test('SP metadata names the entity ID and the ACS (token endpoint)', async () => {
    const res = await fetch(`${info.api}/saml/metadata`);
    const xml = await res.text();
    assert.match(xml, new RegExp(`entityID="${info.saml_sp_entity_id}"`));
    assert.match(xml, new RegExp(`Location="${info.saml_acs_url}"`));
    assert.match(xml, /nameid-format:emailAddress/);
  });
});

test('/__rig/stats counts the machine flows', async () => {
  const { body } = await getJson(`${info.api}/__rig/stats`);
  assert.ok(body.token_requests.client_credentials >= 20, JSON.stringify(body));
  assert.ok(body.client_credentials['cc-basic'] >= 4);
  assert.ok(body.client_credentials['pkjwt-rs384'] >= 15);
  assert.equal(body.client_credentials['pkjwt-es384'], 1);
  assert.ok(body.custom_token_requests.standard >= 7);
  assert.ok(body.auth.login >= 3 && body.auth.refresh >= 3 && body.auth.session_login >= 2 && body.auth.session_logout >= 1);
  assert.ok(body.saml_token_requests >= 15);
});
