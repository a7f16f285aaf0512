// What the fake platform starts with: strategies shaped like the core's (a few of them, with the fields the
// pages care about), and helpers to make profiles, tokens and keys for tests and previews.
import type { FieldInfo } from "../bindings/FieldInfo";
import type { KeyView } from "../bindings/KeyView";
import type { ProfileView } from "../bindings/ProfileView";
import type { StrategyInfo } from "../bindings/StrategyInfo";
import type { TokenMeta } from "../bindings/TokenMeta";

const f = (name: string, type: FieldInfo["type"], required: boolean, help: string, choices: string[] = []): FieldInfo => ({
  name,
  type,
  required,
  help,
  choices,
});

export const FAKE_STRATEGIES: StrategyInfo[] = [
  {
    id: "pkce",
    title: "Log in (authorization code + PKCE)",
    short: "PKCE login",
    help: "Signs you in through your browser and keeps the tokens fresh. For APIs that act on behalf of a user.",
    signIn: true,
    fields: [
      f("issuer", "url", false, "The provider's issuer URL; endpoints are read from its discovery document."),
      f("clientId", "text", true, "The client ID of your app registration (a public, native client)."),
      f("scopes", "scopes", false, 'Space-separated scopes, e.g. "openid offline_access read:users".'),
      f("clientSecret", "secret", false, "Only if the provider gave your desktop app a client secret."),
      f("authorizeUrl", "url", false, "Authorization endpoint, for providers without discovery."),
      f("url", "url", false, "Token endpoint, for providers without discovery."),
      f("redirectPort", "port", false, "Loopback port for the redirect; empty or 0 = any free port."),
      f("redirectHost", "choice", false, "Host in the redirect URI.", ["127.0.0.1", "localhost", "[::1]"]),
      f("authorizeParams", "map", false, "Extra authorize parameters (prompt, login_hint, acr_values…)."),
    ],
  },
  {
    id: "client-credentials",
    title: "Client credentials",
    short: "Client credentials",
    help: "A client ID and secret exchanged for an access token. For server-to-server integrations.",
    signIn: false,
    fields: [
      f("url", "url", true, "The token endpoint, e.g. https://auth.example.com/oauth/token."),
      f("clientId", "text", true, "The client ID the provider issued for this integration."),
      f("clientSecret", "secret", true, "The client secret; stored in the OS keychain."),
      f("clientAuth", "choice", false, "How the secret is sent.", ["client-secret-basic", "client-secret-post"]),
      f("scopes", "scopes", false, 'Space-separated scopes to request, e.g. "read:users".'),
      f("audience", "text", false, "The API's identifier, for providers that want an audience parameter."),
    ],
  },
  {
    id: "saml-bearer",
    title: "SAML 2.0 bearer assertion",
    short: "SAML bearer",
    help: "Exchanges a signed assertion from your IdP for an access token.",
    signIn: false,
    fields: [
      f("url", "url", true, "The token endpoint that takes SAML 2.0 bearer assertions (RFC 7522)."),
      f("clientId", "text", false, "A client ID, if the token endpoint wants one."),
      f("spEntityId", "text", false, "The SP entity ID to give your IdP admin."),
    ],
  },
  {
    id: "api-key",
    title: "API key",
    short: "API key",
    help: "A long-lived key from the provider's dashboard, sent as a bearer token, a header or a query parameter.",
    signIn: false,
    fields: [
      f("apiKey", "secret", true, "The API key the provider showed you once; stored in the OS keychain."),
      f("apiKeyPlacement", "placement", false, "Where the key goes: bearer, header:X-API-Key, or query:api_key."),
    ],
  },
];

const nowSecs = () => Math.floor(Date.now() / 1000);

/** A profile as the core shows it, never logged in unless `extra` says so. */
export function fakeProfile(name: string, extra: Partial<ProfileView> = {}): ProfileView {
  const strategy = extra.strategy ?? "pkce";
  return {
    name,
    strategy,
    issuer: strategy === "pkce" ? `https://${name}.example.com` : undefined,
    clientId: `${name}-client`,
    scopes: "openid read:users",
    hasClientSecret: false,
    hasRefreshToken: false,
    hasAccessToken: false,
    hasApiKey: false,
    hasPassword: false,
    status: strategy === "pkce" ? "signInRequired" : "renewable",
    ...extra,
  } as ProfileView;
}

export function fakeToken(subject: string | null, expiresInSecs: number | null, scope: string | null = "read:users"): TokenMeta {
  return {
    expiresAt: expiresInSecs === null ? null : nowSecs() + expiresInSecs,
    issuedAt: nowSecs() - 60,
    scope,
    subject,
    tokenType: "Bearer",
  };
}

/** A signed-in PKCE profile. */
export function fakeSignedIn(name: string, subject: string, expiresInSecs: number): ProfileView {
  return fakeProfile(name, {
    hasAccessToken: true,
    hasRefreshToken: true,
    status: "ready",
    token: fakeToken(subject, expiresInSecs, "openid read:users"),
  });
}

export function fakeKey(name: string, alg: KeyView["alg"] = "ES384"): KeyView {
  return {
    name,
    alg,
    kid: `kid-${name}`,
    publicJwk: { kty: alg.startsWith("ES") ? "EC" : "RSA", kid: `kid-${name}`, alg, use: "sig" },
    createdAt: "2026-11-20T10:00:00Z",
  };
}
