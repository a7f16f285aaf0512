// What the fake platform starts with: the core's own strategies (generated JSON, never a copy), and helpers
// to make profiles, tokens and keys for tests and previews.
import strategiesJson from "../bindings/strategies.json";
import type { KeyView } from "../bindings/KeyView";
import type { ProfileView } from "../bindings/ProfileView";
import type { StrategyInfo } from "../bindings/StrategyInfo";
import type { TokenMeta } from "../bindings/TokenMeta";

/** The core's strategies and their fields, as `cargo test` writes them next to the bindings. */
export const FAKE_STRATEGIES = strategiesJson as StrategyInfo[];

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
