#!/usr/bin/env node
// Keyward test rig: a local OpenID provider (oidc-provider) and a protected API.
//
//   node tests/rig/provider.mjs [--access-token-ttl SECONDS] [--drop-iss] [--ignore-stdin]
//
// Prints exactly one JSON line on stdout once both servers listen, then nothing else on stdout
// (every log goes to stderr). Exits when stdin closes (unless --ignore-stdin), or on SIGTERM/SIGINT.
// See tests/rig/README.md.

import http from 'node:http';
import { randomBytes } from 'node:crypto';

// oidc-provider prints NOTICEs with console.info (stdout) and warnings such as
// "Unsupported runtime" with console.warn: keep stdout for the one JSON line.
for (const name of ['log', 'info', 'debug']) {
  console[name] = (...args) => console.error(...args);
}

const opts = parseArgs(process.argv.slice(2));

const { default: Provider, errors: oidcErrors } = await import('oidc-provider');
const jose = await import('jose');

const CLIENT_ID = 'native-app';
const API_SCOPES = 'read:users write:users';
const REQUIRED_SCOPE = 'read:users';

function usage(message) {
  process.stderr.write(`provider.mjs: ${message}\n`
    + 'usage: node tests/rig/provider.mjs [--access-token-ttl SECONDS] [--drop-iss] [--ignore-stdin]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { accessTokenTTL: 3600, dropIss: false, ignoreStdin: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--drop-iss') {
      opts.dropIss = true;
    } else if (arg === '--ignore-stdin') {
      opts.ignoreStdin = true;
    } else if (arg === '--access-token-ttl' || arg.startsWith('--access-token-ttl=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      const ttl = Number(value);
      if (!Number.isInteger(ttl) || ttl < 1) usage(`--access-token-ttl needs a positive integer, got ${value}`);
      opts.accessTokenTTL = ttl;
    } else {
      usage(`unknown argument ${arg}`);
    }
  }
  return opts;
}

function log(...args) {
  console.error('[rig provider]', ...args);
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(`http://127.0.0.1:${server.address().port}`);
    });
  });
}

const stats = {
  token_requests: { authorization_code: 0, refresh_token: 0 },
  revocations: 0,
};

// Both servers listen first, so that the issuer and the API URL carry their real ports.
const providerServer = http.createServer();
const apiServer = http.createServer();
const issuer = await listen(providerServer);
const api = await listen(apiServer);

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await jose.exportJWK(privateKey)), kid: 'rig-rs256', use: 'sig', alg: 'RS256' };

const resourceServer = {
  scope: API_SCOPES,
  audience: api,
  accessTokenTTL: opts.accessTokenTTL,
  accessTokenFormat: 'jwt',
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    // Loopback redirects of a native client match on any port (RFC 8252 section 7.3).
    redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', 'offline_access'],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
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

// Count the requests that reach /token and /token/revocation, whatever their outcome.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.method !== 'POST') return;
  const route = ctx.oidc?.route;
  if (route === 'token') {
    const grantType = ctx.oidc?.params?.grant_type ?? ctx.oidc?.body?.grant_type;
    if (Object.hasOwn(stats.token_requests, grantType)) stats.token_requests[grantType] += 1;
  } else if (route === 'revocation') {
    stats.revocations += 1;
  }
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

async function whoami(req, res) {
  const auth = req.headers.authorization ?? '';
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(auth);
  if (!match) {
    return send(res, 401, { error: 'INVALID_TOKEN', message: 'missing or malformed bearer token' },
      { 'www-authenticate': 'Bearer error="invalid_token"' });
  }
  let payload;
  try {
    ({ payload } = await jose.jwtVerify(match[1], JWKS, {
      issuer,
      audience: api,
      typ: 'at+jwt',
      algorithms: ['RS256'],
    }));
  } catch (err) {
    if (err instanceof jose.errors.JWTExpired) {
      return send(res, 401, { error: 'TOKEN_EXPIRED', message: 'access token expired' },
        { 'www-authenticate': 'Bearer error="invalid_token", error_description="expired"' });
    }
    return send(res, 401, { error: 'INVALID_TOKEN', message: `${err.code ?? err.name}: ${err.message}` },
      { 'www-authenticate': 'Bearer error="invalid_token"' });
  }
  const scope = typeof payload.scope === 'string' ? payload.scope : '';
  if (!scope.split(' ').includes(REQUIRED_SCOPE)) {
    return send(res, 403, {
      error: 'INSUFFICIENT_SCOPE',
      required_scope: REQUIRED_SCOPE,
      message: `token scope "${scope}" lacks ${REQUIRED_SCOPE}`,
    }, { 'www-authenticate': `Bearer error="insufficient_scope", scope="${REQUIRED_SCOPE}"` });
  }
  return send(res, 200, { sub: payload.sub, scope, client_id: payload.client_id });
}

apiServer.on('request', (req, res) => {
  const { pathname } = new URL(req.url, api);
  if (req.method === 'GET' && pathname === '/v1/whoami') {
    whoami(req, res).catch((err) => {
      log('whoami failed', err);
      send(res, 500, { error: 'INTERNAL', message: String(err) });
    });
  } else if (req.method === 'GET' && pathname === '/__rig/stats') {
    send(res, 200, stats);
  } else {
    send(res, 404, { error: 'NOT_FOUND', message: `${req.method} ${pathname}` });
  }
});

// ---- ready: one JSON line, then shutdown handling ----------------------------------------

let stopping = false;
function stop(reason) {
  if (stopping) return;
  stopping = true;
  log(`stopping (${reason})`);
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
})}\n`);
log(`issuer ${issuer}, api ${api}, access token TTL ${opts.accessTokenTTL}s${opts.dropIss ? ', dropping iss' : ''}`);
