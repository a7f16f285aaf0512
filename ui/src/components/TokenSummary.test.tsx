// The scopes of a token as the token response states them, next to what the profile asked: the demo
// provider (like many) lists only the API scope `read:users` when `openid offline_access read:users` were
// asked and granted; the ID token and the refresh token show the OpenID ones in effect.
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import type { ProfileView } from "../bindings/ProfileView";
import { fakeProfile, fakeToken } from "../platform/fake-data";
import { TokenSummary } from "./TokenSummary";

afterEach(cleanup);

function signedIn(scopes: string, granted: string | null, { subject = "alice" as string | null, refresh = true } = {}): ProfileView {
  return fakeProfile("demo", {
    scopes,
    hasAccessToken: true,
    hasRefreshToken: refresh,
    status: "ready",
    token: fakeToken(subject, 3600, granted),
  });
}

/** The facts as "term: value" lines. */
function facts(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dt of screen.getAllByRole("term")) out[dt.textContent ?? ""] = dt.nextElementSibling?.textContent?.replace(/\s+/g, " ").trim() ?? "";
  return out;
}

/** The line under the facts that says what the granted list leaves unsaid. */
const note = () => document.querySelector("dl.facts + p")?.textContent ?? null;

describe("Scopes granted", () => {
  it("shows what the token response lists; OpenID scopes not listed but in effect, separately", () => {
    render(<TokenSummary profile={signedIn("openid offline_access read:users", "read:users")} />);

    const f = facts();
    expect(f["Scopes granted"]).toBe("read:users");
    expect(f["Asked but not granted"]).toBeUndefined();
    expect(note()).toBe(
      "openid and offline_access are not in the token response's list (many providers leave OpenID scopes out of it) " +
        "but in effect: an ID token and a refresh token came back.",
    );
  });

  it("names the asked scopes that were not granted", () => {
    render(<TokenSummary profile={signedIn("openid offline_access read:users write:users", "read:users", { refresh: false })} />);

    const f = facts();
    expect(f["Scopes granted"]).toBe("read:users");
    expect(f["Asked but not granted"]).toBe("offline_access write:users");
    expect(note()).toMatch(/^openid is not in the token response's list \(.*\) but in effect: an ID token came back\.$/);
  });

  it("openid without an ID token was not granted; a claims scope not echoed is said to be unknown", () => {
    render(<TokenSummary profile={signedIn("openid email read:users", "read:users", { subject: null })} />);

    const f = facts();
    expect(f["Asked but not granted"]).toBe("openid");
    expect(note()).toBe("Whether email was granted, the token response does not say (OpenID scopes are often left out of it).");
  });

  it("a response that lists no scope means the scopes asked (RFC 6749)", () => {
    render(<TokenSummary profile={signedIn("openid read:users", null)} />);

    expect(facts()["Scopes granted"]).toBe("openid read:users");
    expect(note()).toBe("The token response listed no scopes, which in OAuth 2.0 means the ones asked.");
  });

  it("says nothing is known when neither the response nor the profile names scopes", () => {
    render(<TokenSummary profile={signedIn("", null)} />);

    expect(facts()["Scopes granted"]).toBe("The provider did not say");
    expect(note()).toBeNull();
  });
});

describe("Sign-in valid (the refresh token's own expiry)", () => {
  it("says until when, and warns in its last 3 days", () => {
    const now = Math.floor(Date.now() / 1000);
    const thirty = signedIn("read:users", "read:users");
    thirty.token = { ...thirty.token!, refreshExpiresAt: now + 30 * 86400 };
    render(<TokenSummary profile={thirty} />);
    expect(facts()["Sign-in valid"]).toMatch(/^until /);
    expect(facts()["Sign-in valid"]).not.toMatch(/log in again/);
    cleanup();

    const soon = signedIn("read:users", "read:users");
    soon.token = { ...soon.token!, refreshExpiresAt: now + 2 * 3600 };
    render(<TokenSummary profile={soon} />);
    expect(facts()["Sign-in valid"]).toMatch(/ends in .*log in again before then/);
  });

  it("is not shown when the provider did not say", () => {
    render(<TokenSummary profile={signedIn("read:users", "read:users")} />);
    expect(facts()["Sign-in valid"]).toBeUndefined();
  });
});
