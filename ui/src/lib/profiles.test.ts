// What the window says about a profile's credential, per kind of strategy: the core's status in the words
// a person acts on, and the token's expiry by the window's clock.
import { describe, expect, it } from "vitest";

import type { ProfileView } from "../bindings/ProfileView";
import { detailsOf, expiryText, matches, scopesOf, statusLabel, statusTone } from "./profiles";

const NOW = 1_800_000_000;

function view(strategy: string, extra: Partial<ProfileView> = {}): ProfileView {
  return {
    name: "p",
    strategy,
    hasClientSecret: false,
    hasRefreshToken: false,
    hasAccessToken: false,
    hasApiKey: false,
    hasPassword: false,
    status: "incomplete",
    ...extra,
  } as ProfileView;
}

const token = (expiresAt: number | null, subject: string | null = null) => ({
  hasAccessToken: true,
  token: { expiresAt, issuedAt: NOW - 100, scope: null, subject, tokenType: "Bearer" },
});

const say = (p: ProfileView) => ({ label: statusLabel(p), tone: statusTone(p), expiry: expiryText(p, NOW) });

describe("profile status", () => {
  it("a signed-in PKCE profile names its user and when the token runs out", () => {
    expect(say(view("pkce", { ...token(NOW + 90 * 60, "alice"), status: "ready" }))).toEqual({
      label: "Signed in as alice",
      tone: "ok",
      expiry: "Token expires in 1 h 30 min",
    });
  });

  it("an expired token the core can renew says so: no action asked", () => {
    const s = say(view("pkce", { ...token(NOW - 7200, "alice"), hasRefreshToken: true, status: "renewable" }));
    expect(s).toEqual({ label: "Signed in as alice", tone: "ok", expiry: "Token expired 2 h ago · renews on next use" });
  });

  it("an expired token nothing can renew is a session that expired: log in again", () => {
    expect(say(view("pkce", { ...token(NOW - 60), status: "signInRequired" }))).toEqual({
      label: "Session expired",
      tone: "warn",
      expiry: "Token expired 1 min ago",
    });
  });

  it("words an expiry as every other relative time in the window: 61 min, not 1 h 1 min", () => {
    expect(expiryText(view("pkce", { ...token(NOW - 61 * 60), status: "signInRequired" }), NOW)).toBe("Token expired 61 min ago");
    expect(expiryText(view("pkce", { ...token(NOW + 25 * 3600), status: "ready" }), NOW)).toBe("Token expires in 25 h");
  });

  it("a profile never logged in is not signed in, quietly", () => {
    expect(say(view("pkce", { status: "signInRequired" }))).toEqual({ label: "Not signed in", tone: "none", expiry: "" });
  });

  it("machine credentials get tokens unattended: ready, or on demand, or incomplete", () => {
    expect(statusLabel(view("client-credentials", { ...token(NOW + 60), status: "ready" }))).toBe("Token ready");
    expect(statusLabel(view("client-credentials", { hasClientSecret: true, status: "renewable" }))).toBe("Gets a token when used");
    expect(say(view("private-key-jwt", { status: "incomplete" }))).toEqual({ label: "Setup incomplete", tone: "warn", expiry: "" });
  });

  it("SAML waits for an assertion; logins with a password log in by themselves", () => {
    expect(statusLabel(view("saml-bearer", { status: "assertionRequired" }))).toBe("Needs a SAML assertion");
    expect(statusLabel(view("jwt-login", { hasPassword: true, status: "renewable" }))).toBe("Logs in when used");
    expect(statusLabel(view("session", { status: "incomplete" }))).toBe("Password missing");
  });

  it("an API key profile tells whether the key is in the keychain, with no expiry", () => {
    expect(say(view("api-key", { hasApiKey: true, status: "ready" }))).toEqual({ label: "API key stored", tone: "ok", expiry: "" });
    expect(statusLabel(view("api-key", { status: "incomplete" }))).toBe("No API key");
  });

  it("a token without expiry says so rather than inventing one", () => {
    expect(expiryText(view("pkce", { ...token(null), status: "ready" }), NOW)).toBe("Token has no expiry");
  });
});

describe("search", () => {
  const p = view("pkce", { name: "github", issuer: "https://id.example.com", clientId: "native-app", scopes: "openid read:users" });

  it("needs every word, in any field, any case, the strategy's title too", () => {
    expect(matches(p, "GitHub READ:users")).toBe(true);
    expect(matches(p, "github write:users")).toBe(false);
    expect(matches(p, "   ")).toBe(true);
    expect(matches(p, "browser", "Log in through the browser")).toBe(true);
  });

  it("splits scopes and drops repeats", () => {
    expect(scopesOf(view("pkce", { scopes: " openid  openid read:users " }))).toEqual(["openid", "read:users"]);
  });
});

describe("details", () => {
  it("show the issuer, else the token URL's origin, the client, and an API key's placement", () => {
    expect(detailsOf(view("pkce", { issuer: "https://id.example.com", clientId: "app" }))).toEqual([
      { label: null, value: "https://id.example.com" },
      { label: "client", value: "app" },
    ]);
    expect(detailsOf(view("client-credentials", { url: "https://auth.example.com/oauth/token" }))).toEqual([
      { label: null, value: "https://auth.example.com" },
    ]);
    expect(detailsOf(view("api-key", { apiKeyPlacement: "header:X-Api-Key" }))).toEqual([
      { label: "sent as", value: "header:X-Api-Key" },
    ]);
  });
});
