// Dialects of the rig's non-standard token endpoint, POST {api}/custom/{dialect}/token (seed 004's knobs).
// Each dialect demands one thing and answers 400 invalid_request naming what it expected and what it got.
// Imported by provider.mjs and by tests (for the list of names).

export const CUSTOM_CLIENT_ID = 'custom-client';
export const CUSTOM_CLIENT_SECRET = 'custom-secret';
export const API_EXAMPLE = 'https://api.example.com';

const STANDARD_NAMES = { grant: 'grant_type', id: 'client_id', secret: 'client_secret', refresh: 'refresh_token' };
const CAMEL_NAMES = { grant: 'grantType', id: 'clientId', secret: 'clientSecret', refresh: 'refreshToken' };
const ALIASES = {
  grant_type: ['grantType', 'grant-type', 'granttype'],
  grantType: ['grant_type', 'grant-type'],
  client_id: ['clientId', 'client-id', 'clientID'],
  clientId: ['client_id', 'client-id', 'clientID'],
  client_secret: ['clientSecret', 'client-secret'],
  clientSecret: ['client_secret', 'client-secret'],
  refresh_token: ['refreshToken', 'refresh-token'],
  refreshToken: ['refresh_token', 'refresh-token'],
};

const base = {
  contentType: 'form', // 'form' | 'json'
  auth: 'basic', // 'basic' | 'body' | 'both' | 'basic-only'
  names: STANDARD_NAMES,
  grant: 'client_credentials',
  refreshGrant: null, // a grant value that takes a refresh token, or null
  require: {}, // extra body fields that must be present: name -> exact value, or a checker
  scopeAllowed: true, // an optional scope field is tolerated
  response: { token: 'access_token', expires: 'expires_in', expiry: 'relative' }, // expiry: relative|absolute|none
};

function scopeChecker(value) {
  const scopes = String(value).split(' ').filter(Boolean);
  if (!scopes.includes('read:users')) return `scope: expected read:users (space-separated scopes), got "${value}"`;
  return null;
}

/** name -> { demands (one line for docs and errors), ...spec } */
export const DIALECTS = {
  standard: {
    ...base,
    demands: 'form body with grant_type=client_credentials; client_id/client_secret in HTTP Basic only',
  },
  json: {
    ...base,
    contentType: 'json',
    demands: 'Content-Type: application/json body {"grant_type":"client_credentials"}; HTTP Basic',
  },
  camel: {
    ...base,
    auth: 'body',
    names: CAMEL_NAMES,
    refreshGrant: 'refresh',
    demands: 'form body grantType=client_credentials, clientId, clientSecret (no Authorization header); '
      + 'issues a refresh_token, refreshed with grantType=refresh&refreshToken=… (rotated)',
  },
  'basic-no-form': {
    ...base,
    auth: 'basic-only',
    scopeAllowed: false,
    demands: 'HTTP Basic and a form body with ONLY grant_type=client_credentials',
  },
  'no-basic': {
    ...base,
    auth: 'body',
    demands: 'no Authorization header; client_id and client_secret in the form body',
  },
  both: {
    ...base,
    auth: 'both',
    demands: 'HTTP Basic AND client_id/client_secret in the form body (seed 004\'s literal default)',
  },
  'custom-field': {
    ...base,
    require: { tenant: 'acme' },
    demands: 'standard + body field tenant=acme',
  },
  audience: {
    ...base,
    require: { audience: API_EXAMPLE },
    demands: `standard + body field audience=${API_EXAMPLE}`,
  },
  resource: {
    ...base,
    require: { resource: API_EXAMPLE },
    demands: `standard + body field resource=${API_EXAMPLE}`,
  },
  scopes: {
    ...base,
    require: { scope: scopeChecker },
    demands: 'standard + body field scope containing read:users',
  },
  'access-token-name': {
    ...base,
    response: { token: 'accessToken', expires: 'expires', expiry: 'relative' },
    demands: 'standard request; answers {"accessToken":…,"expires":TTL} instead of access_token/expires_in',
  },
  'no-expiry': {
    ...base,
    response: { ...base.response, expiry: 'none' },
    demands: 'standard request; answers without any expiry field',
  },
  'epoch-expiry': {
    ...base,
    response: { ...base.response, expiry: 'absolute' },
    demands: 'standard request; answers expires_in as an absolute Unix time (now + TTL)',
  },
};

export const DIALECT_NAMES = Object.keys(DIALECTS);

function mediaType(header) {
  return String(header ?? '').split(';')[0].trim().toLowerCase();
}

function parseBasic(header) {
  const m = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i === -1) return null;
  const dec = (s) => { try { return decodeURIComponent(s.replace(/\+/g, '%20')); } catch { return s; } };
  return { id: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) };
}

const describeAuthHeader = (h) => `Authorization: ${String(h).split(' ')[0]} …`;

/**
 * Checks one request against a dialect. body: the raw request body (string); headers: node's lowercased
 * headers. Returns { status, body } of an error, or { ok: true, grant: 'client_credentials'|'refresh',
 * params, scope, refreshToken }.
 */
export function checkCustomRequest(dialect, headers, rawBody) {
  const spec = DIALECTS[dialect];
  const problems = [];
  const invalid = () => ({
    status: 400,
    body: { error: 'invalid_request', error_description: `${dialect} dialect: ${problems.join('; ')}` },
  });

  // 1. content type and body
  const type = mediaType(headers['content-type']);
  const wantType = spec.contentType === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  if (type !== wantType) {
    problems.push(`expected Content-Type ${wantType}, got ${type || 'none'}`);
    return invalid();
  }
  let params;
  if (spec.contentType === 'json') {
    let parsed;
    try {
      parsed = JSON.parse(rawBody);
    } catch (err) {
      problems.push(`body is not valid JSON (${err.message})`);
      return invalid();
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      problems.push('expected a JSON object body');
      return invalid();
    }
    params = new Map(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  } else {
    params = new Map();
    for (const [k, v] of new URLSearchParams(rawBody)) {
      if (params.has(k)) problems.push(`field ${k} appears more than once`);
      params.set(k, v);
    }
  }

  const names = spec.names;
  const grantValue = params.get(names.grant);
  const isRefresh = spec.refreshGrant !== null && grantValue === spec.refreshGrant;

  // 2. client authentication placement
  const authHeader = headers.authorization;
  const basic = authHeader === undefined ? null : parseBasic(authHeader);
  const bodyCreds = params.has(names.id) || params.has(names.secret);
  if (authHeader !== undefined && basic === null) {
    problems.push(spec.auth === 'body'
      ? `expected no Authorization header, got ${describeAuthHeader(authHeader)}`
      : `expected Authorization: Basic base64(client_id:client_secret), got ${describeAuthHeader(authHeader)}`);
  }
  if (spec.auth === 'basic' || spec.auth === 'basic-only' || spec.auth === 'both') {
    if (authHeader === undefined) {
      problems.push(`expected HTTP Basic client authentication (Authorization: Basic …), got no Authorization header${
        bodyCreds ? ` (the client credentials came in the body as ${names.id}/${names.secret})` : ''}`);
    }
  }
  if (spec.auth === 'basic' && bodyCreds) {
    problems.push(`expected the client credentials only in HTTP Basic, got ${[names.id, names.secret]
      .filter((n) => params.has(n)).join(' and ')} in the body too (RFC 6749 §2.3.1: one method per request)`);
  }
  if (spec.auth === 'body' && basic !== null) {
    problems.push(`expected no Authorization header (client credentials go in the body as ${names.id}/${names.secret}), got Authorization: Basic`);
  }
  if (spec.auth === 'body' || spec.auth === 'both') {
    for (const n of [names.id, names.secret]) {
      if (!params.has(n)) {
        const alias = (ALIASES[n] ?? []).find((a) => params.has(a));
        problems.push(`expected body field ${n}, got ${alias ? `${alias} instead` : 'none'}`);
      }
    }
  }

  // 3. grant type
  if (grantValue === undefined) {
    const alias = (ALIASES[names.grant] ?? []).find((a) => params.has(a));
    problems.push(`expected body field ${names.grant}=${spec.grant}, got ${alias ? `${alias} instead` : 'none'}`);
  } else if (grantValue !== spec.grant && !isRefresh) {
    const accepted = spec.refreshGrant ? `${spec.grant} or ${spec.refreshGrant}` : spec.grant;
    problems.push(`expected ${names.grant}=${accepted}, got ${names.grant}=${grantValue}`);
  }

  // 4. the other fields: required ones, then anything unexpected
  const allowed = new Set([names.grant]);
  if (spec.auth === 'body' || spec.auth === 'both') { allowed.add(names.id); allowed.add(names.secret); }
  if (isRefresh) {
    allowed.add(names.refresh);
    if (!params.has(names.refresh)) {
      const alias = (ALIASES[names.refresh] ?? []).find((a) => params.has(a));
      problems.push(`expected body field ${names.refresh} with ${names.grant}=${spec.refreshGrant}, got ${alias ? `${alias} instead` : 'none'}`);
    }
  } else {
    for (const [field, want] of Object.entries(spec.require)) {
      allowed.add(field);
      const got = params.get(field);
      if (got === undefined) {
        problems.push(`expected body field ${field}${typeof want === 'string' ? `=${want}` : ''}, got none`);
      } else if (typeof want === 'string' && got !== want) {
        problems.push(`expected ${field}=${want}, got ${field}=${got}`);
      } else if (typeof want === 'function') {
        const p = want(got);
        if (p) problems.push(p);
      }
    }
  }
  if (spec.scopeAllowed) allowed.add('scope');
  const unexpected = [...params.keys()].filter((k) => !allowed.has(k)
    && !(spec.auth === 'basic' && (k === names.id || k === names.secret)));
  if (unexpected.length) {
    problems.push(`unexpected body field${unexpected.length > 1 ? 's' : ''} ${unexpected.join(', ')} (this dialect takes ${[...allowed].join(', ')})`);
  }
  if (problems.length) return invalid();

  // 5. the credentials themselves
  const presented = [];
  if (basic) presented.push(basic);
  if (spec.auth === 'body' || spec.auth === 'both') presented.push({ id: params.get(names.id), secret: params.get(names.secret) });
  for (const { id, secret } of presented) {
    if (id !== CUSTOM_CLIENT_ID || secret !== CUSTOM_CLIENT_SECRET) {
      const description = id !== CUSTOM_CLIENT_ID
        ? `client authentication failed: unknown client_id "${id}"`
        : `client authentication failed: wrong client secret for ${id}`;
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: description },
        headers: basic ? { 'www-authenticate': 'Basic realm="custom", error="invalid_client"' } : {},
      };
    }
  }

  let scope = 'read:users';
  if (params.has('scope') && !isRefresh) {
    const scopes = params.get('scope').split(' ').filter(Boolean);
    const unknown = scopes.filter((s) => s !== 'read:users' && s !== 'write:users');
    if (unknown.length) {
      return {
        status: 400,
        body: { error: 'invalid_scope', error_description: `unknown scope ${unknown.join(', ')} (known: read:users write:users)` },
      };
    }
    scope = scopes.join(' ');
  }
  return {
    ok: true,
    grant: isRefresh ? 'refresh' : 'client_credentials',
    scope,
    refreshToken: isRefresh ? params.get(names.refresh) : undefined,
  };
}

/** Shapes a token response the way the dialect answers. */
export function customTokenResponse(dialect, { accessToken, ttl, scope, refreshToken }) {
  const { response } = DIALECTS[dialect];
  const body = { [response.token]: accessToken, token_type: 'Bearer' };
  if (response.expiry === 'relative') body[response.expires] = ttl;
  if (response.expiry === 'absolute') body[response.expires] = Math.floor(Date.now() / 1000) + ttl;
  body.scope = scope;
  if (refreshToken) body.refresh_token = refreshToken;
  return body;
}
