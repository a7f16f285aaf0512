// What the window says about a profile: its credential status (the core's `status`, in words per kind of
// strategy), its token's expiry by the window's clock, and whether it matches the search. Pure functions of
// a ProfileView and the time, so they are tested without a window.
import type { ProfileView } from "../bindings/ProfileView";
import type { TokenMeta } from "../bindings/TokenMeta";
import { relative } from "./time";
import { setting } from "../platform/settings";

/** How a profile gets its credential, which decides what its status says and what its page offers. */
export type Kind =
  /** A person signs in in the browser (PKCE). */
  | "signIn"
  /** Email and password, stored: logs in by itself (jwt-login, session). */
  | "password"
  /** Tokens come unattended from the client's own credentials (client credentials, private_key_jwt, custom). */
  | "machine"
  /** A SAML assertion from the IdP is exchanged by hand. */
  | "saml"
  /** A static API key, no token. */
  | "apiKey";

export function kindOf(p: Pick<ProfileView, "strategy">): Kind {
  switch (p.strategy) {
    case "pkce":
      return "signIn";
    case "jwt-login":
    case "session":
      return "password";
    case "saml-bearer":
      return "saml";
    case "api-key":
      return "apiKey";
    default:
      return "machine";
  }
}

export function tokenOf(p: ProfileView): TokenMeta | null {
  // The core leaves `token` out when there is none.
  return p.hasAccessToken ? (p.token ?? null) : null;
}

export type Tone = "ok" | "warn" | "none";

/** The status in a few words, for the pill: "Signed in as alice", "Not signed in", "API key stored". */
export function statusLabel(p: ProfileView): string {
  const kind = kindOf(p);
  const subject = tokenOf(p)?.subject;
  switch (p.status) {
    case "ready":
    case "renewable":
      if (kind === "apiKey") return "API key stored";
      if (kind === "signIn" || (kind === "password" && p.status === "ready")) {
        return subject ? `Signed in as ${subject}` : "Signed in";
      }
      if (kind === "password") return "Logs in when used";
      return p.status === "ready" ? "Token ready" : "Gets a token when used";
    case "signInRequired":
      return tokenOf(p) ? "Session expired" : "Not signed in";
    case "assertionRequired":
      return "Needs a SAML assertion";
    case "incomplete":
      if (kind === "apiKey") return "No API key";
      if (kind === "password") return "Password missing";
      return "Setup incomplete";
  }
}

export function statusTone(p: ProfileView): Tone {
  switch (p.status) {
    case "ready":
    case "renewable":
      return "ok";
    case "incomplete":
      return "warn";
    case "signInRequired":
      return tokenOf(p) ? "warn" : "none";
    case "assertionRequired":
      return "none";
  }
}

/** One line on the token's lifetime: "Token expires in 42 min", "Token expired 3 h ago · renews on next use". */
export function expiryText(p: ProfileView, nowSecs: number): string {
  if (kindOf(p) === "apiKey") return "";
  const token = tokenOf(p);
  if (!token) return "";
  if (token.expiresAt === null) return "Token has no expiry";
  if (token.expiresAt > nowSecs) return `Token expires ${relative(token.expiresAt - nowSecs)}`;
  const ago = `Token expired ${relative(token.expiresAt - nowSecs)}`;
  return p.status === "renewable" || p.status === "ready" ? `${ago} · renews on next use` : ago;
}

/** The search: every word of `query` must occur (case-insensitive) in the profile's name, strategy, issuer,
 * client ID, scopes or signed-in subject. */
export function matches(p: ProfileView, query: string, strategyTitle = ""): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [p.name, p.strategy, strategyTitle, setting(p, "issuer"), setting(p, "authorizeUrl"), setting(p, "url"), setting(p, "clientId"), setting(p, "scopes"), tokenOf(p)?.subject]
    .filter((v): v is string => typeof v === "string")
    .join("\n")
    .toLowerCase();
  return words.every((w) => haystack.includes(w));
}

/** The facts the list shows under a profile's name: where it gets its credential (the issuer, else the token
 * URL's origin), its client, and for an API key where the key goes. Each is text, never markup. */
export function detailsOf(p: ProfileView): { label: string | null; value: string }[] {
  const details: { label: string | null; value: string }[] = [];
  const provider = setting(p, "issuer") ?? originOf(setting(p, "url") ?? setting(p, "authorizeUrl"));
  if (provider) details.push({ label: null, value: provider });
  const client = setting(p, "clientId");
  const email = setting(p, "email");
  if (client) details.push({ label: "client", value: client });
  if (email) details.push({ label: "as", value: email });
  if (kindOf(p) === "apiKey") details.push({ label: "sent as", value: setting(p, "apiKeyPlacement") ?? "bearer" });
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

/** Scopes split, without repeats: the profile's (what it asks for) or a token's (what was granted). */
export function splitScopes(scopes: string | null | undefined): string[] {
  return [...new Set((scopes ?? "").split(/\s+/).filter(Boolean))];
}

export function scopesOf(p: ProfileView): string[] {
  return splitScopes(setting(p, "scopes"));
}

/** OpenID Connect's own scopes: they govern the ID token, its claims and the refresh token, and many
 * providers leave them out of the token response's `scope` (which then lists the API's scopes only). */
export const OPENID_SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access"];

/** The scopes of a profile's token next to the ones the profile asks for. */
export interface ScopeReport {
  /** The token response's `scope`, as it says; null when it listed none. */
  listed: string[] | null;
  /** When the response listed none: OAuth 2.0 (RFC 6749 §5.1) then means the scopes asked were granted. */
  asAsked: string[];
  /** OpenID scopes asked and not listed, but shown granted by what came back (`shownBy`: "an ID token"). */
  inEffect: { scope: string; shownBy: string }[];
  /** OpenID scopes asked and not listed, with nothing to tell either way (claims scopes such as email). */
  unconfirmed: string[];
  /** Asked and not granted: not listed, and not an OpenID scope shown in effect. */
  notGranted: string[];
}

export function scopeReport(p: ProfileView): ScopeReport | null {
  const token = tokenOf(p);
  if (!token) return null;
  const asked = scopesOf(p);
  const listed = token.scope === null ? null : splitScopes(token.scope);
  const report: ScopeReport = { listed, asAsked: listed === null ? asked : [], inEffect: [], unconfirmed: [], notGranted: [] };
  if (listed === null) return report;
  for (const scope of asked.filter((s) => !listed.includes(s))) {
    if (scope === "openid" && token.subject) {
      report.inEffect.push({ scope, shownBy: "an ID token" });
    } else if (scope === "offline_access" && p.hasRefreshToken) {
      report.inEffect.push({ scope, shownBy: "a refresh token" });
    } else if (OPENID_SCOPES.includes(scope) && scope !== "openid" && scope !== "offline_access") {
      report.unconfirmed.push(scope);
    } else {
      report.notGranted.push(scope);
    }
  }
  return report;
}
