// The form as data: labels, which fields come first, editing's prefill, and the shape sent to the core.
import { describe, expect, it } from "vitest";

import { FAKE_STRATEGIES, fakeProfile } from "../platform/fake-data";
import { fieldLabel, formFromProfile, isPrimary, parseParams, toProfileForm, toggleScope } from "./forms";

const pkce = FAKE_STRATEGIES.find((s) => s.id === "pkce")!;
const cc = FAKE_STRATEGIES.find((s) => s.id === "client-credentials")!;

describe("profile form", () => {
  it("labels fields as people read them", () => {
    expect(fieldLabel({ name: "clientId" }, "pkce")).toBe("Client ID");
    expect(fieldLabel({ name: "url" }, "client-credentials")).toBe("Token endpoint");
    expect(fieldLabel({ name: "url" }, "jwt-login")).toBe("Login endpoint");
    expect(fieldLabel({ name: "spEntityId" }, "saml-bearer")).toBe("SP entity ID");
    expect(fieldLabel({ name: "apiKeyPlacement" }, "api-key")).toBe("API key placement");
  });

  it("puts required fields, those before them, scopes and machine secrets first", () => {
    expect(pkce.fields.filter((f) => isPrimary(f, pkce)).map((f) => f.name)).toEqual(["issuer", "clientId", "scopes"]);
    expect(cc.fields.filter((f) => isPrimary(f, cc)).map((f) => f.name)).toEqual(["url", "clientId", "clientSecret", "scopes"]);
  });

  it("sends trimmed, non-empty fields and secrets, authorize parameters by name, and clears removed ones", () => {
    const before = fakeProfile("p", { authorizeParams: { prompt: "consent", audience: "api" } });
    const form = toProfileForm(
      { name: " p ", strategy: "pkce", fields: { clientId: " app ", scopes: "" }, secrets: { clientSecret: "" }, params: "prompt=login\n\n" },
      before,
    );
    expect(form).toEqual({
      name: "p",
      strategy: "pkce",
      fields: { clientId: "app", "authorizeParams.prompt": "login", "authorizeParams.audience": "" },
      secrets: {},
    });
  });

  it("prefills an edit from the profile's settings, never a secret", () => {
    const p = fakeProfile("p", { issuer: "https://id.example.com", redirectPort: 8765, authorizeParams: { prompt: "consent" } });
    expect(formFromProfile(p, pkce)).toEqual({
      name: "p",
      strategy: "pkce",
      fields: { issuer: "https://id.example.com", clientId: "p-client", scopes: "openid read:users", redirectPort: "8765" },
      secrets: {},
      params: "prompt=consent",
    });
  });

  it("refuses a parameter line without NAME=VALUE, and toggles scopes in place", () => {
    expect(parseParams("prompt=consent\nbroken").problem).toBe('"broken" is not NAME=VALUE');
    expect(toggleScope("openid read:users", "offline_access")).toBe("openid read:users offline_access");
    expect(toggleScope("openid read:users", "openid")).toBe("read:users");
  });
});
