// The window's pieces of issues 8 and 9 over the fake platform: the background refresh's events update the
// list and the profile page without a reload (a failure shows its remedy button), the "Rotation due" badge
// and the profile page's offer to rotate, Generate API key with its reveal-once dialog (the key gone from
// the page after Close), and Make certificate with Copy and Save.
import { act, cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { fakeKey, fakeProfile, fakeSignedIn, fakeToken } from "../platform/fake-data";
import { FAKE_NEW_API_KEY } from "../platform/fake";
import { renderAt } from "../test-utils";

afterEach(() => {
  cleanup();
  window.location.hash = "";
});

const due = (profile: string, isDue: boolean) => ({
  profile,
  kind: "api-key" as const,
  since: "2026-01-01T00:00:00Z",
  ageDays: isDue ? 335 : 3,
  periodDays: 90,
  due: isDue,
  reason: isDue ? "335 days old, past the 90-day rotation period" : "3 days old; due in 87 days",
});

describe("background refresh", () => {
  it("the list shows refreshing, then the new expiry, without reloading", async () => {
    const { fake } = renderAt("#/profiles", { profiles: [fakeSignedIn("github", "alice", 30)] });
    const row = await screen.findByRole("listitem", { name: "github" });
    await waitFor(() => expect(fake.callsTo("watchCredentials").length).toBeGreaterThan(0));
    const lists = fake.callsTo("listProfiles").length;

    act(() => fake.emit({ kind: "credentialChanged", name: "github", state: "refreshing" }));
    expect(within(row).getByText("Refreshing…")).toBeTruthy();
    const renewed = fakeSignedIn("github", "alice", 3 * 3600);
    act(() => fake.emit({ kind: "credentialChanged", name: "github", state: "fresh", profile: renewed }));
    await waitFor(() => expect(row.textContent).toMatch(/3 h|2 h 59/));
    expect(within(row).queryByText("Refreshing…")).toBeNull();
    expect(fake.callsTo("listProfiles").length, "no reload: the event carried the profile").toBe(lists);
  });

  it("a failed refresh is marked in the list and shown on the profile page with Log in again", async () => {
    const { fake, user } = renderAt("#/profiles/github", { profiles: [fakeSignedIn("github", "alice", 30)] });
    await screen.findByRole("heading", { name: "github", level: 1 });
    await waitFor(() => expect(fake.callsTo("watchCredentials").length).toBeGreaterThan(0));
    act(() =>
      fake.emit({
        kind: "refreshFailed",
        name: "github",
        error: { code: "loginAgain", message: "the provider refused the refresh token: log in again", remedy: { kind: "logIn", profile: "github" } },
      }),
    );
    const notice = await screen.findByLabelText("Background refresh failed");
    expect(notice.textContent).toContain("refused the refresh token");
    await user.click(within(notice).getByRole("button", { name: "Log in again" }));
    await waitFor(() => expect(fake.callsTo("login").length).toBe(1));
  });

  it("the profile page reloads when its token was refreshed in the background", async () => {
    const { fake } = renderAt("#/profiles/github", { profiles: [fakeSignedIn("github", "alice", 30)] });
    await screen.findByRole("heading", { name: "github", level: 1 });
    await waitFor(() => expect(fake.callsTo("watchCredentials").length).toBeGreaterThan(0));
    const shows = fake.callsTo("showProfile").length;
    const renewed = { ...fakeSignedIn("github", "alice", 3600), token: fakeToken("alice", 3600) };
    act(() => fake.emit({ kind: "credentialChanged", name: "github", state: "fresh", profile: renewed }));
    await waitFor(() => expect(fake.callsTo("showProfile").length).toBeGreaterThan(shows));
    // Another profile's news leaves this page alone.
    const after = fake.callsTo("showProfile").length;
    act(() => fake.emit({ kind: "credentialChanged", name: "other", state: "fresh" }));
    expect(fake.callsTo("showProfile").length).toBe(after);
  });
});

describe("rotation due", () => {
  it("the list badges only the credentials past their period, in words", async () => {
    renderAt("#/profiles", {
      profiles: [fakeProfile("old", { strategy: "api-key", hasApiKey: true }), fakeProfile("young", { strategy: "api-key", hasApiKey: true })],
      due: [due("old", true), due("young", false)],
    });
    const old = await screen.findByRole("listitem", { name: "old" });
    await waitFor(() => expect(within(old).getByText("Rotation due")).toBeTruthy());
    expect(within(screen.getByRole("listitem", { name: "young" })).queryByText("Rotation due")).toBeNull();
  });

  it("the profile page offers to start the rotation wizard", async () => {
    const { user } = renderAt("#/profiles/old", {
      profiles: [fakeProfile("old", { strategy: "api-key", hasApiKey: true, status: "ready" })],
      due: [due("old", true)],
    });
    const offer = await screen.findByRole("status", { name: "Rotation due" });
    expect(offer.textContent).toContain("335 days old");
    await user.click(within(offer).getByRole("button", { name: "Start rotation…" }));
    await waitFor(() => expect(screen.queryByRole("status", { name: "Rotation due" })).toBeNull());
    expect(document.querySelector(".rotation, [aria-label*='otation']")).toBeTruthy();
  });
});

describe("team profiles", () => {
  it("are marked as shared, with their team, in the list and on their page", async () => {
    const { user } = renderAt("#/profiles", {
      profiles: [fakeProfile("billing", { strategy: "client-credentials", team: "payments" }), fakeProfile("mine", { strategy: "api-key" })],
    });
    const billing = await screen.findByRole("listitem", { name: "billing" });
    const badge = within(billing).getByText("Shared · payments");
    expect(badge.getAttribute("title")).toContain("team payments's OpenBao");
    expect(within(screen.getByRole("listitem", { name: "mine" })).queryByText(/Shared/)).toBeNull();
    await user.click(within(billing).getByRole("link", { name: "billing" }));
    expect((await screen.findByText(/shared through team payments/)).textContent).toContain("its OpenBao holds the settings");
  });
});

describe("Generate API key", () => {
  it("shows the key once with Copy, then only what describes it", async () => {
    const { user, fake } = renderAt("#/keys", { keys: [] });
    const form = await screen.findByRole("form", { name: "Generate API key" });
    await user.type(within(form).getByLabelText(/Profile name/), "billing");
    await user.type(within(form).getByLabelText("Prefix"), "rk_live_");
    await user.type(within(form).getByLabelText("Scopes"), "read:users write:users");
    await user.type(within(form).getByLabelText("Expires after (days)"), "90");
    await user.click(within(form).getByRole("button", { name: "Generate API key" }));

    const dialog = await screen.findByRole("dialog", { name: "Your new API key for billing" });
    expect(within(dialog).getByLabelText("New API key").textContent).toMatch(/^rk_live_FAKEcanary/);
    expect(fake.callsTo("apiKeyNew")[0]).toEqual([
      "billing",
      { prefix: "rk_live_", scopes: ["read:users", "write:users"], placement: null, expiresIn: 90 * 86_400, apiBaseUrl: null, replace: false },
    ]);
    await user.click(within(dialog).getByRole("button", { name: "Copy" }));
    expect(await within(dialog).findByText(/cleared in 60 seconds/)).toBeTruthy();
    expect(fake.callsTo("copyApiKey"), "copied by the backend, by name, never the value").toEqual([["billing"]]);

    await user.click(within(dialog).getByRole("button", { name: "Close" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    const after = screen.getByLabelText("The new API key");
    expect(after.textContent).toContain("3f9a0c1e");
    expect(after.textContent).toContain("read:users write:users");
    expect(document.body.textContent, "the key is gone from the page").not.toContain(FAKE_NEW_API_KEY.slice(8));
  });

  it("a refused name shows the core's reason and no dialog", async () => {
    const { user } = renderAt("#/keys", { keys: [], profiles: [fakeProfile("github")] });
    const form = await screen.findByRole("form", { name: "Generate API key" });
    await user.type(within(form).getByLabelText(/Profile name/), "github");
    await user.click(within(form).getByRole("button", { name: "Generate API key" }));
    expect((await screen.findByRole("alert")).textContent).toContain("pkce profile");
    expect(screen.queryByRole("dialog")).toBeNull();
  });
});

describe("Make certificate", () => {
  it("makes a certificate for a key pair, shows its PEM, copies and saves it from the backend", async () => {
    const { user, fake } = renderAt("#/keys", { keys: [fakeKey("signing")] });
    const form = await screen.findByRole("form", { name: "Make certificate" });
    const subject = within(form).getByLabelText("Subject");
    await user.clear(subject);
    await user.type(subject, "CN=idp-client,O=Example");
    await user.clear(within(form).getByLabelText("Valid for (days)"));
    await user.type(within(form).getByLabelText("Valid for (days)"), "30");
    await user.click(within(form).getByRole("button", { name: "Make certificate" }));

    const pem = await screen.findByLabelText("Certificate (PEM)");
    expect(pem.textContent).toContain("BEGIN CERTIFICATE");
    expect(fake.callsTo("keyCert")).toEqual([["signing", "CN=idp-client,O=Example", 30]]);
    await user.click(screen.getByRole("button", { name: "Copy certificate" }));
    expect(await screen.findByText("Certificate copied to the clipboard.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Save certificate…" }));
    expect(await screen.findByText("Saved to /home/you/signing.crt.pem.")).toBeTruthy();
  });

  it("a subject that is no distinguished name is refused with the reason", async () => {
    const { user } = renderAt("#/keys", { keys: [fakeKey("signing")] });
    const form = await screen.findByRole("form", { name: "Make certificate" });
    await user.clear(within(form).getByLabelText("Subject"));
    await user.type(within(form).getByLabelText("Subject"), "just words");
    await user.click(within(form).getByRole("button", { name: "Make certificate" }));
    expect((await within(form).findByRole("alert")).textContent).toContain("distinguished name");
    expect(screen.queryByLabelText("Certificate (PEM)")).toBeNull();
  });
});
