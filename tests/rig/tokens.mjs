// Tokens for the inspector's tests, each wrong in one way, signed with node's own crypto (not Keyward's):
//   node tests/rig/tokens.mjs DIR            writes DIR/jwks.json (kids test-rs, test-es), DIR/jwks-weak.json,
//                                            DIR/jwks-old.json and prints the tokens as one JSON line
//   node tests/rig/tokens.mjs DIR --serve    also serves /jwks on 127.0.0.1: jwks-old.json at the first
//                                            request, jwks.json after (a provider mid-rotation); prints
//                                            {"jwks_url": ...} as a second line and runs until stdin closes
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [dir, mode] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: node tests/rig/tokens.mjs DIR [--serve]\n');
  process.exit(2);
}
export const ISSUER = 'https://issuer.keyward.test';
export const AUDIENCE = 'api://keyward-test';

const b64 = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = (pair, kid, alg) => ({ ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' });

writeFileSync(join(dir, 'jwks.json'), JSON.stringify({
  keys: [jwk(rsa, 'test-rs', 'RS256'), jwk(ec, 'test-es', 'ES384'), { kty: 'oct', kid: 'unusable', k: 'c2VjcmV0' }, { kty: 'XYZ', kid: 'odd' }],
}));
writeFileSync(join(dir, 'jwks-weak.json'), JSON.stringify({ keys: [jwk(weak, 'test-weak', 'RS256')] }));
writeFileSync(join(dir, 'jwks-old.json'), JSON.stringify({ keys: [jwk(other, 'test-old', 'RS256')] }));

const now = Math.floor(Date.now() / 1000);
const base = { iss: ISSUER, aud: AUDIENCE, sub: 'alice', scope: 'read:users', iat: now, exp: now + 600 };

function jws(header, claims, key, alg = header.alg) {
  const input = `${b64(header)}.${b64(claims)}`;
  let sig;
  if (alg === 'none') sig = '';
  else if (alg.startsWith('HS')) sig = createHmac(`sha${alg.slice(2)}`, key).update(input).digest('base64url');
  else if (alg.startsWith('ES')) sig = sign(`sha${alg.slice(2)}`, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  else sig = sign(`sha${alg.slice(2)}`, Buffer.from(input), key).toString('base64url');
  return `${input}.${sig}`;
}

const rs = (claims, header = {}) => jws({ alg: 'RS256', typ: 'JWT', kid: 'test-rs', ...header }, claims, rsa.privateKey);
const valid = rs(base);
const [h, , s] = valid.split('.');
const tampered = `${h}.${b64({ ...base, sub: 'mallory' })}.${s}`;
const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' });
const tokens = {
  valid,
  es384: jws({ alg: 'ES384', typ: 'JWT', kid: 'test-es' }, base, ec.privateKey),
  tampered,
  expired: rs({ ...base, iat: now - 7200, exp: now - 3600 }),
  expired_within_leeway: rs({ ...base, exp: now - 30 }),
  not_yet_valid: rs({ ...base, nbf: now + 3600 }),
  issued_in_future: rs({ ...base, iat: now + 3600, exp: now + 7200 }),
  wrong_audience: rs({ ...base, aud: ['api://other', 'api://another'] }),
  wrong_issuer: rs({ ...base, iss: 'https://evil.example' }),
  wrong_key: jws({ alg: 'RS256', typ: 'JWT', kid: 'test-rs' }, base, other.privateKey),
  unknown_kid: rs(base, { kid: 'nobody' }),
  hs256_with_public_key: jws({ alg: 'HS256', typ: 'JWT', kid: 'test-rs' }, base, publicPem),
  alg_none: jws({ alg: 'none', typ: 'JWT' }, base, null),
  self_asserted_jku: rs(base, { jku: 'https://evil.example/jwks.json' }),
  wrong_alg_for_key: jws({ alg: 'RS384', typ: 'JWT', kid: 'test-rs' }, base, rsa.privateKey),
  weak_key: jws({ alg: 'RS256', typ: 'JWT', kid: 'test-weak' }, base, weak.privateKey),
  rotated: jws({ alg: 'RS256', typ: 'JWT', kid: 'test-rs' }, base, rsa.privateKey),
  no_exp: rs({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: now }),
};
process.stdout.write(`${JSON.stringify({ issuer: ISSUER, audience: AUDIENCE, tokens })}\n`);

if (mode === '--serve') {
  let served = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/jwks') { res.writeHead(404); res.end(); return; }
    served += 1;
    const file = served === 1 ? 'jwks-old.json' : 'jwks.json';
    res.writeHead(200, { 'content-type': 'application/json', 'x-served': String(served) });
    res.end(readFileSync(join(dir, file)));
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ jwks_url: `http://127.0.0.1:${server.address().port}/jwks` })}\n`);
  });
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
