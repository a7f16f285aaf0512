// The fake platform's Inspector: tokens to paste (a signed JWT, an expired `alg: none` one, a SAML assertion)
// and the Inspection the core answers for each, in the core's own words (taken from `keyward inspect
// --json`), so pages and screenshots show what the app shows. Which answer comes is chosen as the core would:
// SAML when the input is XML or the options ask for it, a badInput error when it is no JWT, invalid for
// `alg: none` or a past `exp`, valid when a key source is given, unverified without one.
import type { AppError } from "../bindings/AppError";
import type { Check } from "../bindings/Check";
import type { Field } from "../bindings/Field";
import type { InspectOptions } from "../bindings/InspectOptions";
import type { Inspection } from "../bindings/Inspection";
import type { ProfileView } from "../bindings/ProfileView";
import type { Platform } from "./platform";
import { setting } from "./settings";

const nowSecs = () => Math.floor(Date.now() / 1000);
const b64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

export const FAKE_ISSUER = "https://login.example.com";
export const FAKE_AUDIENCE = "https://api.example.com";
export const FAKE_JWKS_URL = "https://login.example.com/.well-known/jwks.json";
export const FAKE_SP = "https://sp.example.com/metadata";
export const FAKE_IDP = "https://idp.example.com/saml";

/** Options that ask for nothing: decode, and check only what needs no key. */
export const NO_OPTIONS: InspectOptions = {
  profile: null,
  keys: null,
  issuer: null,
  audience: null,
  leeway: null,
  requireScopes: [],
  saml: false,
  idpCerts: [],
  idpMetadata: null,
};

function jwt(header: object, claims: object, signature = "c2lnbmF0dXJl"): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.${signature}`;
}

/** A signed RS256 token from FAKE_ISSUER for FAKE_AUDIENCE, good for another 50 minutes. */
export function fakeSignedJwt(expiresInSecs = 3000): string {
  const now = nowSecs();
  return jwt(
    { alg: "RS256", typ: "JWT", kid: "2025-k1" },
    { iss: FAKE_ISSUER, sub: "alice", aud: FAKE_AUDIENCE, exp: now + expiresInSecs, iat: now - 600, scope: "openid read:users" },
  );
}

/** An unsigned (`alg: none`) token that expired 10 minutes ago. */
export function fakeNoneJwt(): string {
  const now = nowSecs();
  return jwt({ alg: "none", typ: "JWT" }, { iss: FAKE_ISSUER, sub: "alice", aud: FAKE_AUDIENCE, exp: now - 600, iat: now - 4200 }, "");
}

/** A SAML assertion as an IdP signs it (shortened: the fake reads only its first character). */
export const FAKE_SAML_ASSERTION =
  '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a7f3c1" IssueInstant="…" Version="2.0">…</saml:Assertion>';

const iso = (secs: number) => new Date(secs * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
function distance(secs: number): string {
  const s = Math.abs(secs);
  const words = s < 60 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
  return secs >= 0 ? `in ${words}` : `${words} ago`;
}
const timeNote = (at: number) => `${iso(at)}, ${distance(at - nowSecs())}`;
const check = (name: string, status: Check["status"], reason: string): Check => ({ name, status, reason });

function decode(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/")));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function fields(object: Record<string, unknown>): Field[] {
  return Object.keys(object)
    .sort()
    .map((name) => {
      const value = object[name];
      const time = ["exp", "iat", "nbf"].includes(name) && typeof value === "number";
      return time ? { name, value, note: timeNote(value as number) } : { name, value };
    });
}

function keySourceWords(options: InspectOptions): string | null {
  const keys = options.keys;
  if (!keys) return null;
  if (keys.kind === "jwksUrl") return `the JWKS at ${keys.value}, fetched at ${iso(nowSecs())}`;
  if (keys.kind === "jwksDocument") return `the JWKS in ${keys.value.name}`;
  return `the JWKS of ${keys.value} (from its discovery document), fetched at ${iso(nowSecs())}`;
}

/** What the core answers for a JWT, as `keyward inspect --json` does. */
export function fakeJwtInspection(token: string, options: InspectOptions = NO_OPTIONS): Inspection {
  const parts = token.trim().split(".");
  const header = decode(parts[0] ?? "") ?? {};
  const claims = decode(parts[1] ?? "") ?? {};
  const now = nowSecs();
  const leeway = options.leeway ?? 60;
  const checks: Check[] = [];
  const alg = String(header.alg ?? "");
  const source = keySourceWords(options);
  if (alg === "none") {
    checks.push(check("alg", "fail", 'alg "none": the token is unsigned, so anyone could have written it'));
    checks.push(check("signature", "fail", "there is no signature to verify"));
  } else {
    checks.push(check("alg", "pass", `${alg}, pinned to the verifying key's type`));
    checks.push(
      source
        ? check("signature", "pass", `verified with kid ${String(header.kid ?? "(none)")} from ${source}`)
        : check(
            "signature",
            "skipped",
            "not checked: no key to check it with (give a JWKS URL or file, an issuer, or a profile); nothing below is proven",
          ),
    );
  }
  if (typeof claims.exp === "number") {
    const exp = claims.exp;
    if (exp + leeway < now) checks.push(check("exp", "fail", `expired ${distance(exp - now).replace(/ ago$/, "")} ago (at ${iso(exp)}), beyond the ${leeway} s leeway`));
    else checks.push(check("exp", "pass", `expires ${distance(exp - now)} (at ${iso(exp)})`));
  }
  if (typeof claims.iat === "number") checks.push(check("iat", "pass", `issued ${distance(claims.iat - now)} (at ${iso(claims.iat)})`));
  const wantIss = options.issuer ?? (options.keys?.kind === "issuer" ? options.keys.value : null);
  if (!wantIss) checks.push(check("iss", "skipped", "no issuer to compare with (give an issuer or a profile)"));
  else if (claims.iss === wantIss) checks.push(check("iss", "pass", `issued by ${wantIss}`));
  else checks.push(check("iss", "fail", `expected ${wantIss}, got ${String(claims.iss)}`));
  if (!options.audience) checks.push(check("aud", "skipped", "no expected audience given"));
  else if (claims.aud === options.audience) checks.push(check("aud", "pass", `for ${options.audience}`));
  else checks.push(check("aud", "fail", `expected ${options.audience}, got [${String(claims.aud)}]`));
  const granted = String(claims.scope ?? "").split(" ");
  for (const scope of options.requireScopes) {
    if (!granted.includes(scope)) checks.push(check("scope", "warn", `the token lacks the scope ${scope}`));
  }

  const failed = checks.find((c) => c.status === "fail");
  const verified = checks.some((c) => c.name === "signature" && c.status === "pass");
  const verdict = failed ? "invalid" : verified ? "valid" : "unverified";
  const summary = failed
    ? `Invalid: ${failed.name}: ${failed.reason}`
    : verified
      ? `Valid: the signature verified with a trusted key and every check passed`
      : "Not verified: the signature was not checked, so nothing in it is proven";
  return {
    kind: "jwt",
    verdict,
    summary,
    header: fields(header),
    claims: fields(claims),
    checks,
    expiresAt: typeof claims.exp === "number" ? claims.exp : null,
  };
}

/** What the core answers for FAKE_SAML_ASSERTION: verified when an IdP certificate or metadata is given. */
export function fakeSamlInspection(options: InspectOptions = NO_OPTIONS): Inspection {
  const now = nowSecs();
  const trusted = options.idpCerts.length > 0 || options.idpMetadata !== null;
  const certName = options.idpCerts[0]?.name ?? "idp.pem";
  const checks: Check[] = [
    check("wrapping", "pass", "one Assertion, every ID unique, signatures only on the Response and the Assertion"),
    trusted
      ? check("assertion-signature", "pass", `verified with ${certName} (CN=idp.example.com, SHA-256 4f:2a:…:9c); it covers this Assertion (ID _a7f3c1)`)
      : check("assertion-signature", "skipped", "not checked: no IdP certificate or metadata given; nothing below is proven"),
    trusted
      ? check("certificate", "pass", `${certName}: valid until ${iso(now + 200 * 86400)} (in 200 days); it signed`)
      : check("certificate", "skipped", "no IdP certificate given"),
    check("Issuer", options.issuer ? (options.issuer === FAKE_IDP ? "pass" : "fail") : "skipped", options.issuer ? (options.issuer === FAKE_IDP ? `issued by ${FAKE_IDP}` : `expected ${options.issuer}, got ${FAKE_IDP}`) : "no expected issuer given (an IdP entity ID, or metadata)"),
    check("NotBefore", "pass", `valid since ${distance(-120).replace(/^in /, "")} (at ${iso(now - 120)})`),
    check("NotOnOrAfter", "pass", `expires ${distance(240)} (at ${iso(now + 240)})`),
    check("SubjectConfirmation", "pass", `bearer, for https://sp.example.com/acs, until ${iso(now + 240)}`),
    options.audience
      ? check("Audience", options.audience === FAKE_SP ? "pass" : "fail", options.audience === FAKE_SP ? `for ${FAKE_SP}` : `expected ${options.audience}, got [${FAKE_SP}]`)
      : check("Audience", "skipped", "no expected audience given"),
    check("algorithm", "warn", "the digest is SHA-1 (http://www.w3.org/2000/09/xmldsig#sha1): ask the IdP for SHA-256"),
  ];
  const failed = checks.find((c) => c.status === "fail");
  const verdict = failed ? "invalid" : trusted ? "valid" : "unverified";
  return {
    kind: "saml",
    verdict,
    summary: failed
      ? `Invalid: ${failed.name}: ${failed.reason}`
      : trusted
        ? `Valid: the Assertion's signature verified with ${certName} and every check passed`
        : "Not verified: no signature was checked, so nothing in it is proven",
    header: [
      { name: "Assertion ID", value: "_a7f3c1" },
      { name: "IssueInstant", value: iso(now - 60), note: distance(-60) },
      { name: "Issuer", value: FAKE_IDP },
      { name: "Assertion signature", value: "rsa-sha256, exc-c14n, over #_a7f3c1", note: trusted ? "verified" : "not checked" },
    ],
    claims: [
      { name: "NameID", value: "alice@example.com", note: "format urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" },
      { name: "SubjectConfirmation", value: "urn:oasis:names:tc:SAML:2.0:cm:bearer" },
      { name: "Recipient", value: "https://sp.example.com/acs" },
      { name: "NotBefore", value: iso(now - 120), note: distance(-120) },
      { name: "NotOnOrAfter", value: iso(now + 240), note: distance(240) },
      { name: "Audience", value: [FAKE_SP] },
      { name: "AuthnInstant", value: iso(now - 90), note: distance(-90) },
      { name: "AuthnContextClassRef", value: "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport" },
      { name: "attribute:email", value: ["alice@example.com"], note: "FriendlyName mail" },
      { name: "attribute:groups", value: ["engineering", "on-call"] },
      { name: "attribute:displayName", value: ["Alice Example"] },
    ],
    checks,
    expiresAt: now + 240,
  };
}

const notAToken = (parts: number): AppError => ({
  code: "badInput",
  message: `this is not a JWT: a JWT is three base64url parts separated by dots, and this has ${parts}: an opaque token, which only its issuer can read (inspect it with a profile of that provider, which asks the provider: introspection)`,
  remedy: null,
});

/** The core's opaque.rs over a fake introspection endpoint: a token holding "revoked" is not active. */
function fakeOpaqueInspection(token: string, p: ProfileView, options: InspectOptions): Inspection {
  const now = nowSecs();
  const url = `${setting(p, "issuer") ?? FAKE_ISSUER}/token/introspection`;
  if (token.includes("revoked")) {
    const reason = `the issuer's introspection endpoint ${url} says it is not active: expired, revoked, or not a token of this provider (or of this client)`;
    return { kind: "opaque", verdict: "invalid", summary: `Invalid: ${reason} (active check)`, header: [], claims: [], checks: [{ name: "active", status: "fail", reason }], expiresAt: null };
  }
  const exp = now + 14 * 86_400;
  const scope = setting(p, "scopes") ?? "";
  const checks: Inspection["checks"] = [
    { name: "active", status: "pass", reason: `the issuer's introspection endpoint ${url} says it is active, issued to ${setting(p, "clientId") ?? "app"}` },
    { name: "exp", status: "pass", reason: `expires ${distance(exp - now)} (at ${iso(exp)})` },
  ];
  const missing = options.requireScopes.filter((s) => !scope.split(" ").includes(s));
  if (options.requireScopes.length > 0) {
    checks.push(
      missing.length === 0
        ? { name: "scope", status: "pass", reason: `carries ${options.requireScopes.join(" ")}` }
        : { name: "scope", status: "warn", reason: `lacks ${missing.join(" ")} (it carries [${scope}])` },
    );
  }
  return {
    kind: "opaque",
    verdict: "valid",
    summary: "Valid: its issuer says the token is active (introspection), and every check passed",
    header: [],
    claims: [
      { name: "active", value: true },
      { name: "client_id", value: setting(p, "clientId") ?? "app" },
      { name: "scope", value: scope },
      { name: "exp", value: exp, note: `${iso(exp)}, ${distance(exp - now)}` },
    ],
    checks,
    expiresAt: exp,
  };
}

/** The Inspector's two calls over the fake's profiles (`profile` throws notFound for an unknown name). */
export function fakeInspector(profile: (name: string) => ProfileView): Pick<Platform, "inspectToken" | "inspectProfile"> {
  return {
    async inspectToken(token, options) {
      const text = token.trim();
      if (!text) throw { code: "badInput", message: "there is no token to inspect: paste one, or drop a file", remedy: null } satisfies AppError;
      if (options.saml || options.idpCerts.length > 0 || options.idpMetadata || text.startsWith("<")) return fakeSamlInspection(options);
      const parts = text.split(".").length;
      if (options.profile && parts !== 3 && parts !== 5) return fakeOpaqueInspection(text, profile(options.profile), options);
      if (parts !== 3) throw notAToken(parts);
      return fakeJwtInspection(text, options);
    },
    async inspectProfile(name, options) {
      const p = profile(name);
      if (!p.hasAccessToken && !p.hasRefreshToken) {
        throw { code: "loginAgain", message: `${name} has no token: log in first`, remedy: { kind: "logIn", profile: name } } satisfies AppError;
      }
      const issuer = setting(p, "issuer") ?? FAKE_ISSUER;
      const keys = options.keys ?? { kind: "issuer", value: issuer };
      const now = nowSecs();
      const token = jwt(
        { alg: "RS256", typ: "JWT", kid: "2025-k1" },
        { iss: issuer, sub: p.token?.subject ?? "alice", aud: setting(p, "audience") ?? FAKE_AUDIENCE, exp: p.token?.expiresAt ?? now + 3000, iat: now - 600, scope: p.token?.scope ?? setting(p, "scopes") ?? "" },
      );
      return fakeJwtInspection(token, { ...options, keys, issuer: options.issuer ?? issuer, audience: options.audience ?? setting(p, "audience") ?? null });
    },
  };
}
