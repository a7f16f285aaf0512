// What the profiles page shows about a profile: whether it is signed in, its token's expiry, and whether it
// matches the search. Pure functions of a ProfileView and the time, so they are tested without a window.
import type { ProfileView } from "../bindings/ProfileView";
import type { Strategy } from "../bindings/Strategy";
import type { TokenMeta } from "../bindings/TokenMeta";
import { duration } from "./time";

/** Strategy names as people read them, for the strategies of DESIGN.md. Keyed by string, not by the generated
 * `Strategy` union, so that the core adding a strategy never breaks the UI's build: an unknown one shows its id.
 * (The core's `strategies` metadata has titles; once a command serves it, this table goes.) */
const STRATEGY_LABELS: Readonly<Record<string, { short: string; long: string }>> = {
  pkce: { short: "PKCE", long: "Authorization code + PKCE" },
  "client-credentials": { short: "Client credentials", long: "Client credentials" },
  "private-key-jwt": { short: "Private key JWT", long: "Client credentials with private_key_jwt" },
  "custom-oauth": { short: "Custom OAuth", long: "Custom OAuth token endpoint" },
  "saml-bearer": { short: "SAML bearer", long: "SAML 2.0 bearer assertion (RFC 7522)" },
  "api-key": { short: "API key", long: "API key" },
  "jwt-login": { short: "JWT login", long: "Email and password login with a JWT" },
  session: { short: "Session", long: "Cookie session login" },
};

export function strategyLabel(s: Strategy): string {
  return STRATEGY_LABELS[s]?.long ?? s;
}

export function strategyShort(s: Strategy): string {
  return STRATEGY_LABELS[s]?.short ?? s;
}

/** Strategies where a person signs in (`keyward login`); the others fetch their tokens unattended
 * (`keyward token`). */
const INTERACTIVE = new Set<string>(["pkce", "jwt-login", "session"]);

/** The command that gets this profile a credential. */
export function credentialCommand(p: ProfileView): string {
  return INTERACTIVE.has(p.strategy) ? `keyward login ${p.name}` : `keyward token ${p.name}`;
}

/** Where a profile's sign-in stands, from its `has<Property>` flags and token metadata. */
export type SignIn =
  /** An access token that is still good. */
  | { state: "signedIn"; subject: string | null; expiresAt: number | null }
  /** The access token ran out, or none is cached, but a refresh token gets a new one on next use. */
  | { state: "refreshable"; subject: string | null; expiredAt: number | null }
  /** The access token ran out and nothing can renew it: log in again. */
  | { state: "expired"; subject: string | null; expiredAt: number }
  | { state: "signedOut" };

function tokenOf(p: ProfileView): TokenMeta | null {
  // The core leaves `token` out when there is none.
  return p.hasAccessToken ? (p.token ?? null) : null;
}

export function signIn(p: ProfileView, nowSecs: number): SignIn {
  const token = tokenOf(p);
  const subject = token?.subject ?? null;
  if (token && (token.expiresAt === null || token.expiresAt > nowSecs)) {
    return { state: "signedIn", subject, expiresAt: token.expiresAt };
  }
  if (p.hasRefreshToken) return { state: "refreshable", subject, expiredAt: token?.expiresAt ?? null };
  if (token && token.expiresAt !== null) return { state: "expired", subject, expiredAt: token.expiresAt };
  return { state: "signedOut" };
}

/** One line on the token's lifetime: "Expires in 42 min", "Expired 3 h ago", "No expiry given". */
export function expiryText(s: SignIn, nowSecs: number): string {
  switch (s.state) {
    case "signedIn":
      return s.expiresAt === null ? "Token has no expiry" : `Token expires in ${duration(s.expiresAt - nowSecs)}`;
    case "refreshable":
      return s.expiredAt === null
        ? "Renews on next use"
        : `Token expired ${duration(nowSecs - s.expiredAt)} ago · renews on next use`;
    case "expired":
      return `Token expired ${duration(nowSecs - s.expiredAt)} ago`;
    case "signedOut":
      return "";
  }
}

/** The search: every word of `query` must occur (case-insensitive) in the profile's name, strategy, issuer,
 * client ID, scopes or signed-in subject. */
export function matches(p: ProfileView, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [
    p.name,
    p.strategy,
    strategyLabel(p.strategy),
    p.issuer,
    p.authorizeUrl,
    p.url,
    p.clientId,
    p.scopes,
    tokenOf(p)?.subject,
  ]
    .filter((v): v is string => typeof v === "string")
    .join("\n")
    .toLowerCase();
  return words.every((w) => haystack.includes(w));
}

/** Where the profile gets its tokens, for the list: the issuer, else the token URL's host. */
export function providerOf(p: ProfileView): string | null {
  if (p.issuer) return p.issuer;
  const url = p.url ?? p.authorizeUrl;
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The scopes the profile asks for, one each, without repeats. */
export function scopesOf(p: ProfileView): string[] {
  return [...new Set((p.scopes ?? "").split(/\s+/).filter(Boolean))];
}
