// What the list says about a profile's credential, per kind of strategy: the words a person acts on.
import { describe, expect, it } from "vitest";

import type { ProfileView } from "../bindings/ProfileView";
import { detailsOf, expiryText, kindOf, matches, nextCommand, scopesOf, statusLabel, statusOf } from "./profiles";

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
    ...extra,
  } as ProfileView;
}

const token = (expiresAt: number | null, subject: string | null = null) => ({
  hasAccessToken: true,
  token: { expiresAt, issuedAt: NOW - 100, scope: null, subject, tokenType: "Bearer" },
});

function describeStatus(p: ProfileView) {
  const s = statusOf(p, NOW);
  return { label: statusLabel(kindOf(p), s), expiry: expiryText(kindOf(p), s, NOW), next: nextCommand(p, s) };
}

describe("profile status", () => {
  it("a signed-in PKCE profile names its user and when the token runs out", () => {
    expect(describeStatus(view("pkce", token(NOW + 90 * 60, "alice")))).toEqual({
      label: "Signed in as alice",
      expiry: "Token expires in 1 h 30 min",
      next: null,
    });
  });

  it("an expired token with a refresh token renews by itself: no action asked", () => {
    const s = describeStatus(view("pkce", { ...token(NOW - 7200, "alice"), hasRefreshToken: true }));
    expect(s).toEqual({ label: "Signed in as alice", expiry: "Token expired 2 h ago · renews on next use", next: null });
  });

  it("an expired token without a refresh token asks the person to log in again", () => {
    expect(describeStatus(view("pkce", token(NOW - 60)))).toEqual({
      label: "Session expired",
      expiry: "Token expired 1 min ago",
      next: "keyward login p",
    });
  });

  it("a profile never logged in says how to log in", () => {
    expect(describeStatus(view("jwt-login"))).toEqual({ label: "Not signed in", expiry: "", next: "keyward login p" });
  });

  it("machine credentials fetch tokens unattended: an expired one is renewed, none yet says keyward token", () => {
    expect(describeStatus(view("client-credentials", token(NOW - 60))).label).toBe("Token cached");
    expect(describeStatus(view("client-credentials", token(NOW - 60))).next).toBeNull();
    expect(describeStatus(view("private-key-jwt"))).toEqual({ label: "No token yet", expiry: "", next: "keyward token p" });
  });

  it("an API key profile tells whether the key is in the keychain, with no expiry", () => {
    expect(describeStatus(view("api-key", { hasApiKey: true }))).toEqual({ label: "API key stored", expiry: "", next: null });
    expect(describeStatus(view("api-key")).next).toBe("keyward apikey set p --stdin");
  });

  it("a token without expiry says so rather than inventing one", () => {
    expect(describeStatus(view("pkce", token(null))).expiry).toBe("Token has no expiry");
  });
});

describe("search", () => {
  const p = view("pkce", { name: "github", issuer: "https://id.example.com", clientId: "native-app", scopes: "openid read:users" });

  it("needs every word, in any field, any case", () => {
    expect(matches(p, "GitHub READ:users")).toBe(true);
    expect(matches(p, "github write:users")).toBe(false);
    expect(matches(p, "   ")).toBe(true);
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
