#!/usr/bin/env node
// Keyward test rig: a local OpenID provider (oidc-provider) and a protected API with the machine and
// legacy credential counterparts (client credentials, private_key_jwt, a non-standard token endpoint,
// API keys, seed 002's login/refresh and session endpoints, and a SAML 2.0 bearer token endpoint).
//
//   node tests/rig/provider.mjs [--access-token-ttl SECONDS] [--drop-iss] [--ignore-stdin]
//        [--client-jwks PATH] [--pkjwt-accept-issuer-aud] [--api-keys-file PATH] [--rotating-secrets PATH] [--user EMAIL:PASSWORD]...
//        [--saml-idp-cert PATH] [--saml-idp-issuer ID] [--saml-sp-entity-id ID] [--saml-skew SECONDS]
//        [--port P] [--api-port Q]
//
// Prints exactly one JSON line on stdout once everything listens, then nothing else on stdout
// (every log goes to stderr). Exits when stdin closes (unless --ignore-stdin), or on SIGTERM/SIGINT.
// See tests/rig/README.md.

import { spawn } from 'node:child_process';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import {
  CUSTOM_CLIENT_ID, DIALECTS, DIALECT_NAMES, checkCustomRequest, customTokenResponse,
} from './dialects.mjs';

// oidc-provider prints NOTICEs with console.info (stdout) and warnings such as
// "Unsupported runtime" with console.warn: keep stdout for the one JSON line.
for (const name of ['log', 'info', 'debug']) {
  console[name] = (...args) => console.error(...args);
}

const RIG_DIR = dirname(fileURLToPath(import.meta.url));
const USAGE = 'usage: node tests/rig/provider.mjs [--access-token-ttl SECONDS] [--drop-iss] [--ignore-stdin]\n'
  + '         [--client-jwks PATH] [--pkjwt-accept-issuer-aud] [--api-keys-file PATH] [--rotating-secrets PATH] [--user EMAIL:PASSWORD]...\n'
  + '         [--saml-idp-cert PATH] [--saml-idp-issuer ID] [--saml-sp-entity-id ID] [--saml-skew SECONDS]\n'
  + '         [--port P] [--api-port Q]\n';

const CLIENT_ID = 'native-app';
const API_SCOPES = 'read:users write:users';
const REQUIRED_SCOPE = 'read:users';
const SAML2_BEARER = 'urn:ietf:params:oauth:grant-type:saml2-bearer';
const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ASSERTION_MAX_LIFETIME = 300;
const REFRESH_TOKEN_TTL = 30 * 24 * 3600;
const DEFAULT_SAML_IDP_ISSUER = 'https://idp.keyward.test/metadata';

// Confidential clients of the OpenID provider (grant client_credentials only).
const SECRET_CLIENTS = {
  'cc-basic': { secret: 'cc-basic-secret', method: 'client_secret_basic' },
  'cc-post': { secret: 'cc-post-secret', method: 'client_secret_post' },
};
const PKJWT_CLIENTS = { 'pkjwt-rs384': 'RS384', 'pkjwt-es384': 'ES384', 'pkjwt-eddsa': 'EdDSA' };
// cc-rotating (client_secret_basic) accepts any secret listed in --rotating-secrets PATH (one per line,
// re-read on every request): two at once during a rotation's overlap, as providers that rotate secrets do.
const ROTATING_CLIENT = 'cc-rotating';
const ROTATING_INTERNAL_SECRET = randomBytes(24).toString('base64url');

const opts = parseArgs(process.argv.slice(2));

const { default: Provider, errors: oidcErrors } = await import('oidc-provider');
const jose = await import('jose');

function usage(message) {
  process.stderr.write(`provider.mjs: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    accessTokenTTL: 3600,
    dropIss: false,
    ignoreStdin: false,
    clientJwks: undefined,
    pkjwtAcceptIssuerAud: false,
    apiKeysFile: undefined,
    users: undefined,
    samlIdpCert: undefined,
    samlIdpIssuer: DEFAULT_SAML_IDP_ISSUER,
    samlSpEntityId: undefined,
    samlSkew: 30,
    // 0 = a free port the OS picks; fixed ports keep an issuer URL valid across runs (./run's demo).
    port: 0,
    apiPort: 0,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    const value = () => {
      if (eq !== -1) return arg.slice(eq + 1);
      if (i + 1 >= argv.length) usage(`${name} needs a value`);
      i += 1;
      return argv[i];
    };
    const positiveInt = (v, flag, min = 1) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) usage(`${flag} needs an integer ≥ ${min}, got ${v}`);
      return n;
    };
    switch (name) {
      case '--drop-iss': o.dropIss = true; break;
      case '--ignore-stdin': o.ignoreStdin = true; break;
      case '--pkjwt-accept-issuer-aud': o.pkjwtAcceptIssuerAud = true; break;
      case '--access-token-ttl': {
        const v = value();
        const ttl = Number(v);
        if (!Number.isInteger(ttl) || ttl < 1) usage(`--access-token-ttl needs a positive integer, got ${v}`);
        o.accessTokenTTL = ttl;
        break;
      }
      case '--client-jwks': o.clientJwks = value(); break;
      case '--api-keys-file': o.apiKeysFile = value(); break;
      case '--rotating-secrets': o.rotatingSecrets = value(); break;
      case '--user': {
        const v = value();
        const i2 = v.indexOf(':');
        if (i2 < 1 || i2 === v.length - 1) usage(`--user needs EMAIL:PASSWORD, got ${v}`);
        o.users ??= new Map();
        o.users.set(v.slice(0, i2), v.slice(i2 + 1));
        break;
      }
      case '--saml-idp-cert': o.samlIdpCert = value(); break;
      case '--saml-idp-issuer': o.samlIdpIssuer = value(); break;
      case '--saml-sp-entity-id': o.samlSpEntityId = value(); break;
      case '--saml-skew': o.samlSkew = positiveInt(value(), '--saml-skew', 0); break;
      case '--port': o.port = positiveInt(value(), '--port', 0); break;
      case '--api-port': o.apiPort = positiveInt(value(), '--api-port', 0); break;
      default: usage(`unknown argument ${arg}`);
    }
  }
  o.users ??= new Map([['alice@example.com', 'correct-horse-battery']]);
  if (o.samlIdpCert && !existsSync(o.samlIdpCert)) usage(`--saml-idp-cert: no file ${o.samlIdpCert}`);
  return o;
}

function log(...args) {
  console.error('[rig provider]', ...args);
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(`http://127.0.0.1:${server.address().port}`);
    });
  });
}

function readBody(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(Object.assign(new Error(`request body larger than ${limit} bytes`), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBasicAuth(header) {
  const m = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i === -1) return null;
  const dec = (s) => { try { return decodeURIComponent(s.replace(/\+/g, '%20')); } catch { return s; } };
  return { id: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) };
}

const now = () => Math.floor(Date.now() / 1000);
const fingerprint = (secret) => createHash('sha256').update(secret).digest('hex').slice(0, 8);

const stats = {
  token_requests: { authorization_code: 0, refresh_token: 0, client_credentials: 0 },
  revocations: 0,
  client_credentials: {}, // client_id -> requests that reached /token with grant client_credentials
  custom_token_requests: {}, // dialect -> requests, whatever their outcome
  api_key_uses: {}, // key name -> whoami requests that presented that key
  auth: { login: 0, refresh: 0, session_login: 0, session_logout: 0 },
  saml_token_requests: 0,
};

// Both servers listen first, so that the issuer and the API URL carry their real ports.
const providerServer = http.createServer();
const apiServer = http.createServer();
const [issuer, api] = await Promise.all([
  listen(providerServer, opts.port), listen(apiServer, opts.apiPort),
]).catch((err) => {
  process.stderr.write(`provider.mjs: cannot listen on 127.0.0.1:${err.port ?? '?'}: ${err.code ?? err.message}\n`);
  process.exit(3);
});
const tokenEndpoint = `${issuer}/token`;
const clientJwksUri = `${api}/__rig/client-jwks`;
const samlTokenEndpoint = `${api}/saml/token`;
const samlSpEntityId = opts.samlSpEntityId ?? `${api}/saml/metadata`;

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await jose.exportJWK(privateKey)), kid: 'rig-rs256', use: 'sig', alg: 'RS256' };

// The API's own token issuer (iss = the API URL): login, custom-endpoint and SAML tokens.
const apiKeyPair = await jose.generateKeyPair('ES256', { extractable: true });
const apiPublicJwk = { ...(await jose.exportJWK(apiKeyPair.publicKey)), kid: 'rig-api-es256', use: 'sig', alg: 'ES256' };

const resourceServer = {
  scope: API_SCOPES,
  audience: api,
  accessTokenTTL: opts.accessTokenTTL,
  accessTokenFormat: 'jwt',
};

// ---- the client JWKS file (private_key_jwt), re-read on every fetch --------------------------

function readClientJwks() {
  if (!opts.clientJwks) return { keys: [], problem: 'the rig was started without --client-jwks' };
  try {
    const jwks = JSON.parse(readFileSync(opts.clientJwks, 'utf8'));
    if (!Array.isArray(jwks?.keys)) return { keys: [], problem: `${opts.clientJwks} has no "keys" array` };
    // Public parts only, whatever the file holds.
    const keys = jwks.keys.map((k) => {
      const { d, p, q, dp, dq, qi, oth, ...pub } = k;
      return pub;
    });
    return { keys };
  } catch (err) {
    return { keys: [], problem: `cannot read ${opts.clientJwks}: ${err.code ?? err.message}` };
  }
}

// ---- OpenID provider ------------------------------------------------------------------------

const noRedirect = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [] };
const isLoopback = (url) => ['127.0.0.1', 'localhost', '[::1]'].includes(URL.parse(url)?.hostname);

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      // Loopback redirects of a native client match on any port (RFC 8252 section 7.3).
      redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
    ...Object.entries(SECRET_CLIENTS).map(([id, { secret, method }]) => ({
      client_id: id, client_secret: secret, token_endpoint_auth_method: method, ...noRedirect,
    })),
    {
      client_id: ROTATING_CLIENT, client_secret: ROTATING_INTERNAL_SECRET, token_endpoint_auth_method: 'client_secret_basic',
      ...noRedirect,
    },
    ...Object.entries(PKJWT_CLIENTS).map(([id, alg]) => ({
      client_id: id,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: alg,
      jwks_uri: clientJwksUri,
      ...noRedirect,
    })),
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', 'offline_access'],
  pkce: { required: () => true },
  enabledJWA: {
    clientAuthSigningAlgValues: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'Ed25519', 'EdDSA'],
  },
  // oidc-provider's SSRF guard refuses loopback addresses; the client jwks_uri lives on the rig's API port.
  fetch: (url, options) => {
    if (isLoopback(String(url))) delete options.dispatcher;
    return globalThis.fetch(url, options);
  },
  // Extra private_key_jwt checks, after oidc-provider verified the signature, exp, iss and the presence
  // of jti (replay is checked after this hook).
  assertJwtClientAuthClaimsAndHeader: async (ctx, claims, header, client) => {
    if (!Object.hasOwn(PKJWT_CLIENTS, client.clientId)) return;
    const InvalidClientAuth = oidcErrors.InvalidClientAuth;
    if (claims.sub !== client.clientId) {
      throw new InvalidClientAuth(`client_assertion sub must be the client_id ${client.clientId}, got ${claims.sub}`);
    }
    const audProblem = checkAssertionAud(claims.aud);
    if (audProblem) throw new InvalidClientAuth(audProblem);
    if (typeof claims.iat !== 'number') {
      throw new InvalidClientAuth('client_assertion iat (issued at) is required');
    }
    if (claims.exp - claims.iat > ASSERTION_MAX_LIFETIME) {
      throw new InvalidClientAuth(`client_assertion lifetime exp - iat is ${claims.exp - claims.iat} s, at most ${ASSERTION_MAX_LIFETIME} s allowed`);
    }
    if (claims.exp > now() + ASSERTION_MAX_LIFETIME) {
      throw new InvalidClientAuth(`client_assertion exp is ${claims.exp - now()} s in the future, at most ${ASSERTION_MAX_LIFETIME} s allowed`);
    }
  },
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true },
    introspection: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Also for client_credentials: no resource parameter still means the API, so a JWT for it.
      defaultResource: () => api,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resourceIndicator) => {
        if (resourceIndicator === api) return resourceServer;
        throw new oidcErrors.InvalidTarget();
      },
    },
  },
  // Always issue a refresh token (no offline_access + prompt=consent dance) and rotate it on every use.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  expiresWithSession: async () => false,
  ttl: {
    AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? opts.accessTokenTTL,
    ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? opts.accessTokenTTL,
    AuthorizationCode: 60,
    IdToken: 3600,
    Interaction: 600,
    Session: 14 * 24 * 3600,
    Grant: 14 * 24 * 3600,
    RefreshToken: 14 * 24 * 3600,
  },
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
});

provider.on('server_error', (_ctx, err) => log('server_error', err));

// oidc-provider answers every client authentication failure with "client authentication failed" and keeps
// the reason to itself: name it, so that a test can assert what was wrong.
provider.on('grant.error', (ctx, err) => {
  if (err.error === 'invalid_client' && err.error_detail && ctx.body && typeof ctx.body === 'object'
    && ctx.body.error === 'invalid_client') {
    ctx.body.error_description = `${ctx.body.error_description}: ${err.error_detail}`;
  }
});

/** oidc-provider takes the issuer, the token endpoint or the endpoint URL as aud; the rig wants the token endpoint. */
function checkAssertionAud(aud) {
  const auds = Array.isArray(aud) ? aud : [aud];
  const accepted = opts.pkjwtAcceptIssuerAud ? [tokenEndpoint, issuer] : [tokenEndpoint];
  if (auds.some((a) => accepted.includes(a))) return undefined;
  return `client_assertion aud must be the token endpoint URL ${tokenEndpoint}${
    opts.pkjwtAcceptIssuerAud ? ` or the issuer ${issuer}` : ' (this rig does not take the issuer URL)'}, got ${auds.join(', ') || 'none'}`;
}

function refuse(ctx, status, error, description) {
  ctx.status = status;
  ctx.set('cache-control', 'no-store');
  if (status === 401 && ctx.get('authorization')) {
    ctx.set('www-authenticate', `Basic realm="${issuer}", error="${error}"`);
  }
  ctx.body = { error, error_description: description };
}

/**
 * In front of /token: counts requests by grant type, enforces the registered client authentication
 * method of cc-basic / cc-post (oidc-provider takes Basic and post interchangeably), and checks the
 * client_assertion header and iss/sub of the private_key_jwt clients before oidc-provider does the rest.
 */
async function tokenEndpointPolicy(ctx, raw) {
  const params = ctx.is('application/x-www-form-urlencoded') ? new URLSearchParams(raw) : new URLSearchParams();
  const grantType = params.get('grant_type');
  if (Object.hasOwn(stats.token_requests, grantType)) stats.token_requests[grantType] += 1;

  const basic = ctx.get('authorization') ? parseBasicAuth(ctx.get('authorization')) : null;
  const assertion = params.get('client_assertion');
  let assertionParts;
  if (assertion) {
    try {
      assertionParts = { header: jose.decodeProtectedHeader(assertion), payload: jose.decodeJwt(assertion) };
    } catch {
      assertionParts = undefined; // oidc-provider says what is wrong with it
    }
  }
  const clientId = basic?.id ?? params.get('client_id') ?? assertionParts?.payload?.sub;
  if (grantType === 'client_credentials' && clientId) {
    stats.client_credentials[clientId] = (stats.client_credentials[clientId] ?? 0) + 1;
  }

  if (clientId === ROTATING_CLIENT && basic) {
    let current = [];
    try {
      current = readFileSync(opts.rotatingSecrets ?? '', 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    } catch {
      current = [];
    }
    if (!current.some((c) => c === basic.secret)) {
      return refuse(ctx, 401, 'invalid_client', `client authentication failed: not one of ${ROTATING_CLIENT}'s current secrets`);
    }
    const enc = (v) => encodeURIComponent(v).replace(/%20/g, '+');
    ctx.req.headers.authorization = `Basic ${Buffer.from(`${enc(ROTATING_CLIENT)}:${enc(ROTATING_INTERNAL_SECRET)}`).toString('base64')}`;
  }
  if (clientId === 'cc-basic' && params.has('client_secret')) {
    return refuse(ctx, 401, 'invalid_client', 'client authentication failed: cc-basic is registered for '
      + 'client_secret_basic: send client_id and client_secret in an Authorization: Basic header, '
      + 'not client_secret in the form body');
  }
  if (clientId === 'cc-post' && ctx.get('authorization')) {
    return refuse(ctx, 401, 'invalid_client', 'client authentication failed: cc-post is registered for '
      + 'client_secret_post: send client_id and client_secret in the form body, not in an Authorization header');
  }

  const pkjwtId = [assertionParts?.payload?.sub, assertionParts?.payload?.iss, params.get('client_id')]
    .find((id) => Object.hasOwn(PKJWT_CLIENTS, id));
  if (assertion && assertionParts && pkjwtId) {
    const { header, payload } = assertionParts;
    const alg = PKJWT_CLIENTS[pkjwtId];
    if (params.get('client_assertion_type') !== JWT_BEARER_ASSERTION) {
      return refuse(ctx, 400, 'invalid_request', `client_assertion_type must be ${JWT_BEARER_ASSERTION}, got ${params.get('client_assertion_type') ?? 'none'}`);
    }
    if (payload.iss !== payload.sub) {
      return refuse(ctx, 401, 'invalid_client', `client authentication failed: client_assertion iss and sub must both be the client_id; got iss=${payload.iss}, sub=${payload.sub}`);
    }
    if (header.alg !== alg) {
      return refuse(ctx, 401, 'invalid_client', `client authentication failed: ${pkjwtId} signs its client_assertion with ${alg} only, got alg=${header.alg}`);
    }
    const audProblem = checkAssertionAud(payload.aud);
    if (audProblem) return refuse(ctx, 401, 'invalid_client', `client authentication failed: ${audProblem}`);
    const { keys, problem } = readClientJwks();
    const kids = keys.map((k) => k.kid).filter(Boolean);
    if (!header.kid) {
      return refuse(ctx, 401, 'invalid_client', 'client authentication failed: client_assertion header has no kid');
    }
    if (!kids.includes(header.kid)) {
      return refuse(ctx, 401, 'invalid_client', `client authentication failed: unknown kid "${header.kid}": not in the client's JWKS ${clientJwksUri} (kids there: ${kids.join(', ') || 'none'}${problem ? `; ${problem}` : ''})`);
    }
    // Make oidc-provider fetch the jwks_uri again now: a test may have rotated the keys a moment ago.
    const client = await provider.Client.find(pkjwtId);
    if (client) client.asymmetricKeyStore.freshUntil = 0;
  }
  return undefined;
}

// Runs before oidc-provider's router.
provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/token') {
    let raw;
    try {
      raw = await readBody(ctx.req);
    } catch (err) {
      return refuse(ctx, err.status ?? 400, 'invalid_request', err.message);
    }
    // oidc-provider reads an already consumed body from req.body.
    ctx.req.body = raw;
    await tokenEndpointPolicy(ctx, raw);
    if (ctx.body !== undefined && ctx.status >= 400) return undefined;
  }
  await next();
  if (ctx.method === 'POST' && ctx.oidc?.route === 'revocation') stats.revocations += 1;
  return undefined;
});

// --drop-iss: still advertised in discovery, but stripped from the redirect to the client (RFC 9207 negative test).
if (opts.dropIss) {
  provider.use(async (ctx, next) => {
    await next();
    const location = ctx.response.get('Location');
    if (!location || ctx.status < 300 || ctx.status >= 400) return;
    const target = URL.parse(location, issuer);
    if (!target || target.origin === issuer || !target.searchParams.has('iss')) return;
    target.searchParams.delete('iss');
    ctx.set('Location', target.href);
    log('dropped iss from redirect to', target.origin + target.pathname);
  });
}

providerServer.on('request', provider.callback());

// ---- SAML validator (Python, signxml), started with --saml-idp-cert ----------------------------

let saml;
if (opts.samlIdpCert) saml = await startSamlValidator();

async function startSamlValidator() {
  const venvPython = join(RIG_DIR, '..', '.venv', 'bin', 'python');
  const python = process.env.KEYWARD_RIG_PYTHON ?? venvPython;
  if (!existsSync(python)) {
    usage(`--saml-idp-cert needs the rig's Python venv (${python}): run scripts/deps.sh`);
  }
  const child = spawn(python, [
    join(RIG_DIR, 'saml_sp.py'),
    '--idp-cert', opts.samlIdpCert,
    '--idp-issuer', opts.samlIdpIssuer,
    '--sp-entity-id', samlSpEntityId,
    '--token-endpoint', samlTokenEndpoint,
    '--skew', String(opts.samlSkew),
  ], { stdio: ['pipe', 'pipe', 'inherit'] });
  const pending = new Map();
  let nextId = 1;
  let readyResolve;
  let readyReject;
  const ready = new Promise((resolve, reject) => { readyResolve = resolve; readyReject = reject; });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    let msg;
    try { msg = JSON.parse(line); } catch { log('saml_sp.py said', line); return; }
    if (msg.ready) { readyResolve(); return; }
    pending.get(msg.id)?.(msg);
    pending.delete(msg.id);
  });
  child.once('exit', (code, signal) => {
    readyReject(new Error(`saml_sp.py exited (${code ?? signal}) before it was ready`));
    for (const resolve of pending.values()) resolve({ ok: false, error_description: 'rig SAML validator is gone' });
    pending.clear();
  });
  const timer = setTimeout(() => readyReject(new Error('saml_sp.py was not ready in 15 s')), 15_000);
  try {
    await ready;
  } catch (err) {
    usage(err.message);
  } finally {
    clearTimeout(timer);
  }
  return {
    child,
    validate(assertion) {
      const id = nextId;
      nextId += 1;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        child.stdin.write(`${JSON.stringify({ id, assertion })}\n`);
      });
    },
    stop() { child.stdin.end(); },
  };
}

// ---- protected API -------------------------------------------------------------------------

const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
const JWKS = jose.createRemoteJWKSet(new URL(discovery.jwks_uri));

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A JWT access token from the API's own issuer (login, custom endpoint, SAML). */
function issueApiToken({ sub, scope, clientId, via }) {
  const jwt = new jose.SignJWT({ scope, ...(clientId ? { client_id: clientId } : {}), rig_via: via })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: apiPublicJwk.kid })
    .setIssuer(api)
    .setAudience(api)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(now() + opts.accessTokenTTL)
    .setJti(randomBytes(12).toString('base64url'));
  return jwt.sign(apiKeyPair.privateKey);
}

const invalidToken = (res, message) => send(res, 401, { error: 'INVALID_TOKEN', message },
  { 'www-authenticate': 'Bearer error="invalid_token"' });

function insufficientScope(res, scope) {
  return send(res, 403, {
    error: 'INSUFFICIENT_SCOPE',
    required_scope: REQUIRED_SCOPE,
    message: `token scope "${scope}" lacks ${REQUIRED_SCOPE}`,
  }, { 'www-authenticate': `Bearer error="insufficient_scope", scope="${REQUIRED_SCOPE}"` });
}

const hasScope = (scope) => String(scope ?? '').split(' ').includes(REQUIRED_SCOPE);

async function whoamiJwt(res, token) {
  let claimedIss;
  try {
    claimedIss = jose.decodeJwt(token).iss;
  } catch (err) {
    return invalidToken(res, `${err.code ?? err.name}: ${err.message}`);
  }
  const ownToken = claimedIss === api;
  let payload;
  try {
    ({ payload } = await jose.jwtVerify(token, ownToken ? apiKeyPair.publicKey : JWKS, {
      issuer: ownToken ? api : issuer,
      audience: api,
      typ: 'at+jwt',
      algorithms: [ownToken ? 'ES256' : 'RS256'],
    }));
  } catch (err) {
    if (err instanceof jose.errors.JWTExpired) {
      return send(res, 401, { error: 'TOKEN_EXPIRED', message: 'access token expired' },
        { 'www-authenticate': 'Bearer error="invalid_token", error_description="expired"' });
    }
    return invalidToken(res, `${err.code ?? err.name}: ${err.message}`);
  }
  const scope = typeof payload.scope === 'string' ? payload.scope : '';
  if (!hasScope(scope)) return insufficientScope(res, scope);
  if (!ownToken) return send(res, 200, { sub: payload.sub, scope, client_id: payload.client_id });
  return send(res, 200, { sub: payload.sub, scope, client_id: payload.client_id, via: payload.rig_via });
}

/** The keys file: lines "{key} {name} {scopes}" (scopes comma-separated), # comments. Re-read every time. */
function readApiKeys() {
  let text;
  try {
    text = readFileSync(opts.apiKeysFile, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [key, name, scopes = ''] = line.split(/\s+/);
      return { key, name: name ?? '', scopes: scopes.split(',').map((s) => s.trim()).filter(Boolean) };
    });
}

function sameSecret(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function whoamiApiKey(res, key, via) {
  if (!opts.apiKeysFile) {
    return invalidToken(res, 'API keys are off: the rig was started without --api-keys-file');
  }
  const entry = readApiKeys().find((k) => sameSecret(k.key, key));
  if (!entry) return invalidToken(res, `unknown API key (sha256 ${fingerprint(key)}…)`);
  stats.api_key_uses[entry.name] = (stats.api_key_uses[entry.name] ?? 0) + 1;
  const scope = entry.scopes.join(' ');
  if (!hasScope(scope)) return insufficientScope(res, scope);
  return send(res, 200, { sub: `apikey:${entry.name}`, scope, via });
}

function cookies(req) {
  const out = {};
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

async function whoami(req, res, url) {
  const presented = [];
  if (req.headers.authorization !== undefined) presented.push('Authorization header');
  if (req.headers['x-api-key'] !== undefined) presented.push('X-API-Key header');
  for (const q of ['api_key', 'access_token', 'accessToken']) if (url.searchParams.has(q)) presented.push(`${q} query parameter`);
  const session = cookies(req).session;
  if (session !== undefined) presented.push('session cookie');
  if (presented.length > 1) {
    return send(res, 400, { error: 'INVALID_REQUEST', message: `more than one credential: ${presented.join(', ')}; send one` });
  }
  if (presented.length === 0) {
    return invalidToken(res, 'missing credential: send Authorization: Bearer <token>, X-API-Key, ?api_key=, or the session cookie');
  }
  if (req.headers.authorization !== undefined) {
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(req.headers.authorization);
    if (!match) return invalidToken(res, 'missing or malformed bearer token');
    if (JWT_SHAPE.test(match[1]) || !opts.apiKeysFile) return whoamiJwt(res, match[1]);
    return whoamiApiKey(res, match[1], 'api_key:bearer');
  }
  if (req.headers['x-api-key'] !== undefined) return whoamiApiKey(res, req.headers['x-api-key'], 'api_key:header');
  if (url.searchParams.has('api_key')) return whoamiApiKey(res, url.searchParams.get('api_key'), 'api_key:query');
  for (const q of ['access_token', 'accessToken']) {
    if (url.searchParams.has(q)) return whoamiJwt(res, url.searchParams.get(q));
  }
  const s = sessions.get(session);
  if (!s) return invalidToken(res, 'unknown or logged-out session');
  return send(res, 200, { sub: s.email, scope: API_SCOPES, via: 'session' });
}

// ---- seed 002: JWT login + refresh, session cookie login/logout ------------------------------

const refreshTokens = new Map(); // token -> { email, used }
const sessions = new Map(); // session id -> { email }

async function readJson(req, res) {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    send(res, 400, { error: 'INVALID_REQUEST', message: `expected Content-Type application/json, got ${type || 'none'}` });
    return undefined;
  }
  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch (err) {
    send(res, 400, { error: 'INVALID_REQUEST', message: `body is not valid JSON (${err.message})` });
    return undefined;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    send(res, 400, { error: 'INVALID_REQUEST', message: 'expected a JSON object' });
    return undefined;
  }
  return body;
}

function checkPassword(res, body) {
  for (const field of ['email', 'password']) {
    if (typeof body[field] !== 'string') {
      send(res, 400, { error: 'INVALID_REQUEST', message: `expected a string field "${field}"` });
      return false;
    }
  }
  const password = opts.users.get(body.email);
  if (password === undefined || !sameSecret(password, body.password)) {
    send(res, 401, { error: 'INVALID_CREDENTIALS', message: 'wrong email or password' });
    return false;
  }
  return true;
}

async function tokenPair(email) {
  const refreshToken = `rt_${randomBytes(24).toString('base64url')}`;
  refreshTokens.set(refreshToken, { email, used: false });
  return {
    access_token: await issueApiToken({ sub: email, scope: API_SCOPES, via: 'login' }),
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: opts.accessTokenTTL,
    // Seed 000: a 30-day sliding refresh token; each refresh starts its 30 days again.
    refresh_expires_in: REFRESH_TOKEN_TTL,
  };
}

async function authLogin(req, res) {
  stats.auth.login += 1;
  const body = await readJson(req, res);
  if (!body || !checkPassword(res, body)) return undefined;
  return send(res, 200, await tokenPair(body.email));
}

async function authRefresh(req, res) {
  stats.auth.refresh += 1;
  const body = await readJson(req, res);
  if (!body) return undefined;
  if (typeof body.refresh_token !== 'string') {
    return send(res, 400, { error: 'INVALID_REQUEST', message: 'expected a string field "refresh_token"' });
  }
  const entry = refreshTokens.get(body.refresh_token);
  if (!entry) return invalidToken(res, 'unknown refresh token');
  if (entry.used) return invalidToken(res, 'refresh token already used: it rotates on every refresh');
  entry.used = true;
  return send(res, 200, await tokenPair(entry.email));
}

async function sessionLogin(req, res) {
  stats.auth.session_login += 1;
  const body = await readJson(req, res);
  if (!body || !checkPassword(res, body)) return undefined;
  const id = randomBytes(24).toString('base64url');
  sessions.set(id, { email: body.email });
  return send(res, 200, { sub: body.email }, { 'set-cookie': `session=${id}; HttpOnly; Path=/; SameSite=Lax` });
}

function sessionLogout(req, res) {
  stats.auth.session_logout += 1;
  const id = cookies(req).session;
  if (id === undefined || !sessions.has(id)) return invalidToken(res, 'no session cookie, or the session is already gone');
  sessions.delete(id);
  return send(res, 200, { logged_out: true }, { 'set-cookie': 'session=; HttpOnly; Path=/; Max-Age=0' });
}

// ---- the non-standard token endpoint: POST /custom/{dialect}/token -------------------------

const customRefreshTokens = new Map(); // token -> { dialect, used }

async function customToken(req, res, dialect) {
  stats.custom_token_requests[dialect] = (stats.custom_token_requests[dialect] ?? 0) + 1;
  const raw = await readBody(req);
  const checked = checkCustomRequest(dialect, req.headers, raw);
  if (!checked.ok) return send(res, checked.status, checked.body, checked.headers ?? {});
  let refreshToken;
  if (checked.grant === 'refresh') {
    const entry = customRefreshTokens.get(checked.refreshToken);
    if (!entry || entry.dialect !== dialect) {
      return send(res, 400, { error: 'invalid_grant', error_description: 'unknown refresh token' });
    }
    if (entry.used) {
      return send(res, 400, { error: 'invalid_grant', error_description: 'refresh token already used: it rotates on every refresh' });
    }
    entry.used = true;
  }
  if (DIALECTS[dialect].refreshGrant) {
    refreshToken = `crt_${randomBytes(24).toString('base64url')}`;
    customRefreshTokens.set(refreshToken, { dialect, used: false });
  }
  const accessToken = await issueApiToken({
    sub: CUSTOM_CLIENT_ID, scope: checked.scope, clientId: CUSTOM_CLIENT_ID, via: `custom:${dialect}`,
  });
  return send(res, 200, customTokenResponse(dialect, {
    accessToken, ttl: opts.accessTokenTTL, scope: checked.scope, refreshToken,
  }));
}

// ---- SAML 2.0 bearer token endpoint (RFC 7522): POST /saml/token ----------------------------

async function samlToken(req, res) {
  stats.saml_token_requests += 1;
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const raw = await readBody(req, 512 * 1024);
  if (type !== 'application/x-www-form-urlencoded') {
    return send(res, 400, { error: 'invalid_request', error_description: `expected Content-Type application/x-www-form-urlencoded, got ${type || 'none'}` });
  }
  const params = new URLSearchParams(raw);
  if (params.get('grant_type') !== SAML2_BEARER) {
    return send(res, 400, { error: 'unsupported_grant_type', error_description: `expected grant_type=${SAML2_BEARER}, got ${params.get('grant_type') ?? 'none'}` });
  }
  if (!params.get('assertion')) {
    return send(res, 400, { error: 'invalid_request', error_description: 'missing assertion parameter' });
  }
  if (params.getAll('assertion').length > 1) {
    return send(res, 400, { error: 'invalid_request', error_description: 'assertion parameter appears more than once' });
  }
  let scope = 'read:users';
  if (params.has('scope')) {
    const scopes = params.get('scope').split(' ').filter(Boolean);
    const unknown = scopes.filter((s) => !API_SCOPES.split(' ').includes(s));
    if (unknown.length) {
      return send(res, 400, { error: 'invalid_scope', error_description: `unknown scope ${unknown.join(', ')} (known: ${API_SCOPES})` });
    }
    scope = scopes.join(' ');
  }
  if (!saml) {
    return send(res, 503, { error: 'temporarily_unavailable', error_description: 'SAML is off: start the rig with --saml-idp-cert PATH' });
  }
  const verdict = await saml.validate(params.get('assertion'));
  if (!verdict.ok) return send(res, 400, { error: 'invalid_grant', error_description: verdict.error_description });
  const clientId = params.get('client_id') ?? undefined;
  const accessToken = await issueApiToken({ sub: verdict.sub, scope, clientId, via: 'saml' });
  return send(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: opts.accessTokenTTL, scope });
}

function samlMetadata(res) {
  const esc = (s) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${esc(samlSpEntityId)}">`
    + '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAssertionsSigned="true">'
    + '<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>'
    + `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${esc(samlTokenEndpoint)}" index="0"/>`
    + '</md:SPSSODescriptor></md:EntityDescriptor>\n';
  res.writeHead(200, { 'content-type': 'application/samlmetadata+xml', 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

// ---- hostile servers: echoes of what was sent, and bodies too large ------------------------------

/** The forms a server may echo a secret in, each a function of the raw secret and the Basic header. */
const ECHO_FORMS = {
  raw: (secret) => secret,
  basic: (_secret, basicB64) => basicB64 ?? '',
  pct: (secret) => encodeURIComponent(secret),
  form: (secret) => new URLSearchParams({ s: secret }).toString().slice(2),
  json: (secret) => JSON.stringify(secret).slice(1, -1),
};
const ECHO_AT = 295;

/** Text that quotes `form` of the secret starting at character 295, inside a long error. */
function echoText(form, secret, basicB64) {
  const echoed = ECHO_FORMS[form](secret, basicB64);
  return `${'the server quotes what it was sent: '.padEnd(ECHO_AT, '.')}${echoed} (and more text after it, to be cut)`;
}

/** A token endpoint that refuses and echoes the client secret (from the form or from HTTP Basic). */
async function echoToken(req, res, form) {
  const params = new URLSearchParams(await readBody(req));
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  let secret = params.get('client_secret') ?? params.get('password') ?? params.get('refresh_token');
  if (!secret && basic) secret = decodeURIComponent(Buffer.from(basic, 'base64').toString().split(':').slice(1).join(':'));
  if (!secret) return send(res, 400, { error: 'invalid_request', error_description: 'send a client secret to be echoed' });
  return send(res, 401, { error: 'invalid_client', error_description: echoText(form, secret, basic) });
}

/** An API that refuses and echoes the credential it was sent, in its message and a header. */
function echoApi(req, res, form) {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? req.headers['x-api-key'] ?? '';
  const text = echoText(form, token);
  return send(res, 400, { error: 'INVALID_REQUEST', message: text, echo: text }, { 'x-echo': encodeURIComponent(token) });
}

/** A body of `mb` MiB, streamed without a Content-Length (or with one, when `declared`). */
function hugeBody(res, mb, declared) {
  const chunk = Buffer.alloc(1 << 20, 'x');
  res.writeHead(200, { 'content-type': 'application/json', ...(declared ? { 'content-length': mb << 20 } : {}) });
  let sent = 0;
  const more = () => {
    while (sent < mb) {
      sent += 1;
      if (!res.write(chunk)) return res.once('drain', more);
    }
    return res.end();
  };
  res.on('error', () => {});
  more();
}

// ---- routing ---------------------------------------------------------------------------------

async function route(req, res) {
  const url = new URL(req.url, api);
  const { pathname } = url;
  const key = `${req.method} ${pathname}`;
  switch (key) {
    case 'GET /v1/whoami': return whoami(req, res, url);
    case 'GET /__rig/stats': return send(res, 200, stats);
    case 'GET /__rig/client-jwks': {
      const { keys } = readClientJwks();
      return send(res, 200, { keys });
    }
    case 'GET /.well-known/jwks.json': return send(res, 200, { keys: [apiPublicJwk] });
    case 'POST /v1/auth/login': return authLogin(req, res);
    case 'POST /v1/auth/refresh': return authRefresh(req, res);
    case 'POST /v1/session/login': return sessionLogin(req, res);
    case 'POST /v1/session/logout': return sessionLogout(req, res);
    case 'POST /saml/token': return samlToken(req, res);
    case 'GET /saml/metadata': return samlMetadata(res);
    default: break;
  }
  const echo = /^\/__rig\/echo\/(token|api)\/([a-z]+)$/.exec(pathname);
  if (echo && Object.hasOwn(ECHO_FORMS, echo[2])) {
    return echo[1] === 'token' ? echoToken(req, res, echo[2]) : echoApi(req, res, echo[2]);
  }
  // Faults a token endpoint may show: an HTML error page, JSON that is not, a 200 without access_token,
  // an answer only after N seconds.
  if (pathname === '/__rig/fault/html') {
    const page = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>';
    res.writeHead(502, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(page) });
    return res.end(page);
  }
  if (pathname === '/__rig/fault/badjson') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end('{"access_token": "abc", "token_type": ');
  }
  if (pathname === '/__rig/fault/noaccess') return send(res, 200, { token_type: 'Bearer', expires_in: 3600 });
  const slow = /^\/__rig\/fault\/slow\/(\d+)$/.exec(pathname);
  if (slow) {
    setTimeout(() => { if (!res.writableEnded) send(res, 200, { access_token: 'late', token_type: 'Bearer' }); }, Number(slow[1]) * 1000).unref();
    res.on('error', () => {});
    return undefined;
  }
  if (pathname === '/__rig/redirect') {
    res.writeHead(302, { location: 'https://elsewhere.example/oauth/token', 'content-length': 0 });
    return res.end();
  }
  const huge = /^\/__rig\/huge\/(\d+)(\/declared)?$/.exec(pathname);
  if (huge) return hugeBody(res, Math.min(Number(huge[1]), 1024), Boolean(huge[2]));
  const custom = /^\/custom\/([^/]+)\/token$/.exec(pathname);
  if (custom) {
    if (!Object.hasOwn(DIALECTS, custom[1])) {
      return send(res, 404, { error: 'NOT_FOUND', message: `no dialect "${custom[1]}"; dialects: ${DIALECT_NAMES.join(', ')}` });
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'METHOD_NOT_ALLOWED', message: 'POST only' }, { allow: 'POST' });
    return customToken(req, res, custom[1]);
  }
  return send(res, 404, { error: 'NOT_FOUND', message: `${req.method} ${pathname}` });
}

apiServer.on('request', (req, res) => {
  route(req, res).catch((err) => {
    log('API request failed', err);
    if (!res.headersSent) send(res, err.status ?? 500, { error: err.status ? 'INVALID_REQUEST' : 'INTERNAL', message: String(err.message ?? err) });
  });
});

// ---- ready: one JSON line, then shutdown handling ----------------------------------------

let stopping = false;
function stop(reason) {
  if (stopping) return;
  stopping = true;
  log(`stopping (${reason})`);
  saml?.stop();
  providerServer.closeAllConnections();
  apiServer.closeAllConnections();
  providerServer.close();
  apiServer.close();
  setTimeout(() => process.exit(0), 200).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
if (!opts.ignoreStdin) {
  process.stdin.on('end', () => stop('stdin closed'));
  process.stdin.on('close', () => stop('stdin closed'));
  process.stdin.on('error', () => stop('stdin error'));
  process.stdin.resume();
}

process.stdout.write(`${JSON.stringify({
  issuer,
  api,
  resource: api,
  token_endpoint: discovery.token_endpoint,
  authorization_endpoint: discovery.authorization_endpoint,
  revocation_endpoint: discovery.revocation_endpoint,
  whoami: `${api}/v1/whoami`,
  api_issuer: api,
  api_jwks_uri: `${api}/.well-known/jwks.json`,
  client_jwks_uri: clientJwksUri,
  custom_token_endpoint: `${api}/custom/{dialect}/token`,
  login_endpoint: `${api}/v1/auth/login`,
  refresh_endpoint: `${api}/v1/auth/refresh`,
  session_login_endpoint: `${api}/v1/session/login`,
  session_logout_endpoint: `${api}/v1/session/logout`,
  saml_token_endpoint: samlTokenEndpoint,
  saml_sp_entity_id: samlSpEntityId,
  saml_acs_url: samlTokenEndpoint,
  saml_idp_issuer: opts.samlIdpIssuer,
})}\n`);
log(`issuer ${issuer}, api ${api}, access token TTL ${opts.accessTokenTTL}s${opts.dropIss ? ', dropping iss' : ''}`
  + `${opts.clientJwks ? `, client JWKS ${opts.clientJwks}` : ''}${opts.apiKeysFile ? `, API keys ${opts.apiKeysFile}` : ''}`
  + `${saml ? `, SAML IdP cert ${opts.samlIdpCert}` : ''}`);
