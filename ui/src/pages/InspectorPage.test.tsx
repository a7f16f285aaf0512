// The Inspector against the fake platform (whose answers are the core's, from `keyward inspect --json`): the
// verdict banner for a valid, an invalid (alg none, expired), an unverified and a SAML token, the checks
// with their words, the tables, the live countdown, a badInput error that keeps the pasted text, files
// dropped or chosen (capped at 1 MiB), and Inspect token on a profile's page, whose token never reaches
// the page.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { InspectOptions } from "../bindings/InspectOptions";
import { fakeProfile, fakeSignedIn } from "../platform/fake-data";
import { FAKE_AUDIENCE, FAKE_JWKS_URL, FAKE_SAML_ASSERTION, FAKE_SP, fakeNoneJwt, fakeSignedJwt } from "../platform/fake-inspect";
import { renderAt } from "../test-utils";
import { Countdown } from "./InspectorPage";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  window.location.hash = "";
});

const checkRow = (name: string) =>
  within(screen.getByRole("list", { name: "Checks" }))
    .getAllByRole("listitem")
    .find((li) => li.querySelector(".check-name")?.textContent === name)!;

async function paste(user: ReturnType<typeof renderAt>["user"], text: string) {
  await user.click(await screen.findByLabelText("JWT, opaque token, SAML assertion or SAMLResponse"));
  await user.paste(text);
}

describe("the Inspector", () => {
  it("shows a token verified with a JWKS as Valid, green, with its checks, tables and countdown, and moves focus to the verdict", async () => {
    const { user, fake } = renderAt("#/inspect");
    await paste(user, fakeSignedJwt(3000));
    await user.selectOptions(screen.getByLabelText("Keys for a JWT"), "jwksUrl");
    await user.type(screen.getByLabelText("JWKS URL"), FAKE_JWKS_URL);
    await user.type(screen.getByLabelText("Expected audience"), FAKE_AUDIENCE);
    await user.click(screen.getByRole("button", { name: "Inspect" }));

    const banner = await screen.findByRole("region", { name: /^Valid/ });
    expect(banner.className).toContain("verdict-valid");
    expect(banner.textContent).toContain("every check passed");
    await waitFor(() => expect(document.activeElement).toBe(banner));
    expect(screen.getByRole("status").textContent).toMatch(/^Valid\. Valid: /);
    expect(checkRow("signature").textContent).toMatch(/^PASS.*verified with kid 2025-k1 from the JWKS at https:\/\/login\.example\.com/);
    expect(checkRow("aud").textContent).toContain(`PASS`);
    expect(within(screen.getByRole("table", { name: "Header" })).getByText("RS256")).toBeTruthy();
    const claims = screen.getByRole("table", { name: "Claims" });
    expect(within(claims).getByText("alice")).toBeTruthy();
    expect(within(claims).getByRole("row", { name: /^exp / }).textContent).toMatch(/in 50 min/);
    expect(within(banner).getByRole("timer").textContent).toMatch(/^Expires in (49:[0-5]\d|50:00)/);

    const [, options] = fake.callsTo("inspectToken")[0] as [string, InspectOptions];
    expect(options).toMatchObject({ keys: { kind: "jwksUrl", value: FAKE_JWKS_URL }, audience: FAKE_AUDIENCE, leeway: null, saml: false });
  });

  it("shows an unsigned, expired token as Invalid, red, with FAIL alg, FAIL exp and how long ago it expired", async () => {
    const { user } = renderAt("#/inspect");
    await paste(user, fakeNoneJwt());
    await user.click(screen.getByRole("button", { name: "Inspect" }));

    const banner = await screen.findByRole("region", { name: /^Invalid/ });
    expect(banner.className).toContain("verdict-invalid");
    expect(banner.textContent).toContain('alg "none"');
    expect(checkRow("alg").textContent).toMatch(/^FAIL/);
    expect(checkRow("signature").textContent).toMatch(/^FAIL.*no signature/);
    expect(checkRow("exp").textContent).toMatch(/^FAIL.*expired 10 min ago/);
    expect(within(banner).getByRole("timer").textContent).toMatch(/^Expired 10 min ago/);
  });

  it("never shows a token checked without a key as green: Not verified, amber, the signature SKIPPED with why", async () => {
    const { user } = renderAt("#/inspect");
    await paste(user, fakeSignedJwt());
    await user.click(screen.getByRole("button", { name: "Inspect" }));

    const banner = await screen.findByRole("region", { name: /^Not verified/ });
    expect(banner.className).toContain("verdict-unverified");
    expect(banner.className).not.toContain("verdict-valid");
    expect(checkRow("signature").textContent).toMatch(/^SKIP.*no key to check it with/);
    expect(checkRow("iss").textContent).toMatch(/^SKIP/);
  });

  it("verifies a SAML assertion with two IdP certificates (a rollover) and lists its attributes in their own table", async () => {
    const { user, fake } = renderAt("#/inspect");
    await paste(user, FAKE_SAML_ASSERTION);
    const certs = [new File(["-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n"], "idp-2025.pem"), new File(["-----BEGIN CERTIFICATE-----\nMIIC…\n"], "idp-2026.pem")];
    await user.upload(screen.getByLabelText("Add IdP certificate"), certs);
    expect(await screen.findByText("idp-2026.pem")).toBeTruthy();
    await user.type(screen.getByLabelText("Expected audience"), FAKE_SP);
    await user.click(screen.getByRole("button", { name: "Inspect" }));

    const banner = await screen.findByRole("region", { name: /^Valid/ });
    expect(banner.textContent).toContain("SAML assertion");
    expect(checkRow("assertion-signature").textContent).toMatch(/^PASS.*verified with idp-2025\.pem/);
    expect(checkRow("algorithm").textContent).toMatch(/^WARN.*SHA-1/);
    const attributes = screen.getByRole("table", { name: "Attributes" });
    const groups = within(attributes).getByRole("row", { name: /^groups/ });
    expect(within(groups).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["engineering", "on-call"]);
    expect(within(screen.getByRole("table", { name: "Subject and conditions" })).getByText("alice@example.com")).toBeTruthy();
    expect(within(screen.getByRole("table", { name: "Subject and conditions" })).queryByText(/^attribute:/)).toBeNull();

    const [, options] = fake.callsTo("inspectToken")[0] as [string, InspectOptions];
    expect(options.idpCerts.map((c) => c.name)).toEqual(["idp-2025.pem", "idp-2026.pem"]);
    expect(options.idpCerts[0]?.text).toContain("BEGIN CERTIFICATE");
  });

  it("says what is wrong with input that is no token, and keeps the pasted text to fix", async () => {
    const { user } = renderAt("#/inspect");
    await paste(user, "opaque-abc123");
    await user.click(screen.getByRole("button", { name: "Inspect" }));

    const alert = await screen.findByRole("alert");
    expect(alert.dataset.code).toBe("badInput");
    expect(alert.textContent).toContain("this is not a JWT: a JWT is three base64url parts separated by dots, and this has 1");
    expect((screen.getByLabelText("JWT, opaque token, SAML assertion or SAMLResponse") as HTMLTextAreaElement).value).toBe("opaque-abc123");
    expect(document.querySelector("section.verdict")).toBeNull();
  });

  it("asks an opaque token's provider through the chosen profile: active is Valid, revoked is Invalid; without one, says what to choose", async () => {
    const github = fakeProfile("github", { issuer: "https://login.example.com", clientId: "native-app", scopes: "openid read:users" });
    const { user, fake } = renderAt("#/inspect", { profiles: [github, fakeProfile("plain", { strategy: "api-key", issuer: null })] });
    await paste(user, "Zm9vYmFyYmF6cXV4cXV1eA");
    await user.click(screen.getByRole("button", { name: "Inspect" }));
    expect((await screen.findByRole("alert")).textContent).toContain("an opaque token, which only its issuer can read");

    const choose = screen.getByLabelText("Profile of its provider");
    expect(within(choose).getAllByRole("option").map((o) => o.textContent)).toEqual(["None", "github"]);
    await user.selectOptions(choose, "github");
    await user.type(screen.getByLabelText("Required scopes"), "write:users");
    await user.click(screen.getByRole("button", { name: "Inspect" }));
    const banner = await screen.findByRole("region", { name: /^Valid/ });
    expect(banner.textContent).toContain("Opaque token, by introspection");
    expect(checkRow("active").textContent).toMatch(/^PASS.*introspection endpoint https:\/\/login\.example\.com\/token\/introspection says it is active, issued to native-app/);
    expect(checkRow("scope").textContent).toMatch(/^WARN.*lacks write:users/);
    expect(within(screen.getByRole("table", { name: "What its issuer said" })).getByText("native-app")).toBeTruthy();
    expect((fake.callsTo("inspectToken").at(-1) as [string, InspectOptions])[1].profile).toBe("github");

    await user.clear(screen.getByLabelText("JWT, opaque token, SAML assertion or SAMLResponse"));
    await paste(user, "revoked-Zm9vYmFy");
    await user.click(screen.getByRole("button", { name: "Inspect" }));
    expect((await screen.findByRole("region", { name: /^Invalid/ })).className).toContain("verdict-invalid");
    expect(checkRow("active").textContent).toMatch(/^FAIL.*not active/);
  });

  it("reads a token file dropped onto the box, and refuses a file over 1 MiB with the reason", async () => {
    renderAt("#/inspect");
    const box = (await screen.findByLabelText("JWT, opaque token, SAML assertion or SAMLResponse")) as HTMLTextAreaElement;
    const token = fakeSignedJwt();
    fireEvent.drop(box, { dataTransfer: { files: [new File([`${token}\n`], "token.txt")] } });
    await waitFor(() => expect(box.value).toBe(token));
    expect(screen.getByText("Read token.txt.")).toBeTruthy();

    fireEvent.drop(box, { dataTransfer: { files: [new File(["x".repeat((1 << 20) + 1)], "huge.txt")] } });
    expect((await screen.findByRole("alert")).textContent).toContain("huge.txt is 1.0 MiB: the Inspector reads files of at most 1 MiB");
    expect(box.value).toBe(token);
  });

  it("refuses a leeway that is not a whole number of seconds before asking the backend", async () => {
    const { user, fake } = renderAt("#/inspect");
    await paste(user, fakeSignedJwt());
    await user.type(screen.getByLabelText("Leeway (seconds)"), "1m");
    expect(screen.getByText("A whole number of seconds, such as 60.")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Inspect" }) as HTMLButtonElement).disabled).toBe(true);
    await user.clear(screen.getByLabelText("Leeway (seconds)"));
    await user.type(screen.getByLabelText("Leeway (seconds)"), "120");
    await user.click(screen.getByRole("button", { name: "Inspect" }));
    await screen.findByRole("region", { name: /^Not verified/ });
    expect((fake.callsTo("inspectToken")[0]?.[1] as InspectOptions).leeway).toBe(120);
  });

  it("inspects a profile's current token from its page in the backend: the token never reaches the window", async () => {
    const { user, fake } = renderAt("#/profiles/github", { profiles: [fakeSignedIn("github", "alice", 1800)] });
    await user.click(await screen.findByRole("link", { name: "Inspect token" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Inspector" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Profile github" })).toBeTruthy();
    const banner = await screen.findByRole("region", { name: /^Valid/ });
    expect(banner.textContent).toContain("The current access token of profile github");
    expect(fake.callsTo("inspectProfile")).toHaveLength(1);
    expect(fake.callsTo("inspectProfile")[0]?.[0]).toBe("github");
    expect(fake.callsTo("inspectToken")).toHaveLength(0);
    expect(screen.queryByLabelText("JWT, opaque token, SAML assertion or SAMLResponse")).toBeNull();
    expect(checkRow("signature").textContent).toContain("the JWKS of https://github.example.com (from its discovery document)");
    // Nothing on the page is a token: no JWT (base64url of '{"' begins "eyJ") in its text or its fields.
    expect(document.body.textContent).not.toMatch(/eyJ/);
    for (const el of document.querySelectorAll("input, textarea")) expect((el as HTMLInputElement).value).not.toMatch(/eyJ/);

    await user.type(screen.getByLabelText("Expected audience"), "https://other.example.com");
    await user.click(screen.getByRole("button", { name: "Inspect again" }));
    await screen.findByRole("region", { name: /^Invalid/ });
    expect((fake.callsTo("inspectProfile")[1]?.[1] as InspectOptions).audience).toBe("https://other.example.com");
  });

  it("offers Inspect token only on profiles that have a token", async () => {
    renderAt("#/profiles/new", { profiles: [fakeProfile("new")] });
    await screen.findByRole("heading", { level: 1, name: "new" });
    expect(screen.queryByRole("link", { name: "Inspect token" })).toBeNull();
  });

  it("has the Inspector in the sidebar, marked current on its page", async () => {
    renderAt("#/inspect");
    const link = await screen.findByRole("link", { name: "Inspector" });
    expect(link.getAttribute("aria-current")).toBe("page");
  });
});

describe("the expiry countdown", () => {
  it("ticks every second, then says how long ago the token expired", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-01-01T12:00:00Z"));
    const now = Math.floor(Date.now() / 1000);
    render(<Countdown expiresAt={now + 62} />);
    const timer = screen.getByRole("timer");
    expect(timer.textContent).toMatch(/^Expires in 1:02/);
    act(() => vi.advanceTimersByTime(1000));
    expect(timer.textContent).toMatch(/^Expires in 1:01/);
    act(() => vi.advanceTimersByTime(2000));
    expect(timer.textContent).toMatch(/^Expires in 0:59/);
    act(() => vi.advanceTimersByTime(60_000));
    expect(timer.textContent).toMatch(/^Expired just now/);
    act(() => vi.advanceTimersByTime(10_000));
    expect(timer.textContent).toMatch(/^Expired 11 s ago/);
    expect(timer.querySelector("time")?.getAttribute("dateTime")).toBe("2026-01-01T12:01:02.000Z");
  });
});
