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

/** How a profile gets its credential, which decides what its status says. */
export type Kind =
  /** A person signs in (`keyward login`): PKCE, email and password, a session. */
  | "interactive"
  /** Tokens come unattended (`keyward token`): client credentials, private_key_jwt, custom, SAML bearer. */
  | "machine"
  /** A static API key, no token. */
  | "apiKey";

const INTERACTIVE = new Set<string>(["pkce", "jwt-login", "session"]);

export function kindOf(p: ProfileView): Kind {
  if (p.strategy === "api-key") return "apiKey";
  return INTERACTIVE.has(p.strategy) ? "interactive" : "machine";
}

/** Where a profile's credential stands, from its `has<Property>` flags and token metadata. */
export type Status =
  /** An access token that is still good (or an API key in the keychain: `expiresAt` null). */
  | { state: "ready"; subject: string | null; expiresAt: number | null }
  /** The access token ran out or none is cached, and Keyward gets a new one on next use unattended: with
   * the refresh token, or (machine strategies) with the client's own credentials. */
  | { state: "renewable"; subject: string | null; expiredAt: number | null }
  /** The access token ran out and only the person can renew it: log in again. */
  | { state: "expired"; subject: string | null; expiredAt: number }
  /** No credential yet. */
  | { state: "none" };

function tokenOf(p: ProfileView): TokenMeta | null {
  // The core leaves `token` out when there is none.
  return p.hasAccessToken ? (p.token ?? null) : null;
}

export function statusOf(p: ProfileView, nowSecs: number): Status {
  const kind = kindOf(p);
  if (kind === "apiKey") return p.hasApiKey ? { state: "ready", subject: null, expiresAt: null } : { state: "none" };
  const token = tokenOf(p);
  const subject = token?.subject ?? null;
  if (token && (token.expiresAt === null || token.expiresAt > nowSecs)) {
    return { state: "ready", subject, expiresAt: token.expiresAt };
  }
  if (p.hasRefreshToken || (kind === "machine" && token)) {
    return { state: "renewable", subject, expiredAt: token?.expiresAt ?? null };
  }
  if (token && token.expiresAt !== null) return { state: "expired", subject, expiredAt: token.expiresAt };
  return { state: "none" };
}

/** The status in a few words, for the pill: "Signed in as alice", "Not signed in", "API key stored". */
export function statusLabel(kind: Kind, s: Status): string {
  switch (s.state) {
    case "ready":
    case "renewable":
      if (kind === "apiKey") return "API key stored";
      if (kind === "machine") return "Token cached";
      return s.subject ? `Signed in as ${s.subject}` : "Signed in";
    case "expired":
      return "Session expired";
    case "none":
      return kind === "interactive" ? "Not signed in" : kind === "machine" ? "No token yet" : "No API key";
  }
}

/** One line on the token's lifetime: "Token expires in 42 min", "Token expired 3 h ago · renews on next use". */
export function expiryText(kind: Kind, s: Status, nowSecs: number): string {
  switch (s.state) {
    case "ready":
      if (kind === "apiKey") return "";
      return s.expiresAt === null ? "Token has no expiry" : `Token expires in ${duration(s.expiresAt - nowSecs)}`;
    case "renewable":
      return s.expiredAt === null
        ? "Renews on next use"
        : `Token expired ${duration(nowSecs - s.expiredAt)} ago · renews on next use`;
    case "expired":
      return `Token expired ${duration(nowSecs - s.expiredAt)} ago`;
    case "none":
      return "";
  }
}

/** What to run when the profile has no usable credential (none yet, or a session that expired). */
export function nextCommand(p: ProfileView, s: Status): string | null {
  if (s.state !== "none" && s.state !== "expired") return null;
  switch (kindOf(p)) {
    case "interactive":
      return `keyward login ${p.name}`;
    case "machine":
      return `keyward token ${p.name}`;
    case "apiKey":
      return `keyward apikey set ${p.name} --stdin`;
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

/** The facts the list shows under a profile's name: where it gets its credential (the issuer, else the token
 * URL's origin), its client, and for an API key where the key goes. Each is text, never markup. */
export function detailsOf(p: ProfileView): { label: string | null; value: string }[] {
  const details: { label: string | null; value: string }[] = [];
  const provider = p.issuer ?? originOf(p.url ?? p.authorizeUrl);
  if (provider) details.push({ label: null, value: provider });
  if (p.clientId) details.push({ label: "client", value: p.clientId });
  if (kindOf(p) === "apiKey") details.push({ label: "sent as", value: p.apiKeyPlacement ?? "bearer" });
  return details;
}

function originOf(url: string | null | undefined): string | null {
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
