// The profiles page against a fake Platform: the list, the search, the empty state, the error state and the
// keyboard. The fake stands in for the Tauri backend; everything above src/platform runs for real.
import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";

import type { AppError } from "../bindings/AppError";
import type { ProfileView } from "../bindings/ProfileView";
import { App } from "../App";
import { fakePlatform, type FakePlatform } from "../platform/fake";

const now = () => Math.floor(Date.now() / 1000);

function profile(name: string, extra: Partial<ProfileView> = {}): ProfileView {
  // No `token` key: the core leaves it out when there is none.
  const view = {
    name,
    strategy: "pkce",
    issuer: `https://${name}.example.com`,
    clientId: `${name}-client`,
    scopes: "openid read:users",
    hasClientSecret: false,
    hasRefreshToken: false,
    hasAccessToken: false,
    status: "signInRequired",
    ...extra,
  };
  return view as ProfileView;
}

const signedIn = (name: string, subject: string, expiresInSecs: number): ProfileView =>
  profile(name, {
    hasAccessToken: true,
    hasRefreshToken: true,
    status: "ready",
    token: { expiresAt: now() + expiresInSecs, issuedAt: now() - 60, scope: "openid", subject, tokenType: "Bearer" },
  });

function renderWith(platform: FakePlatform) {
  render(<App platform={platform} />);
  return platform;
}

/** The profile rows: the list's own items. */
const rows = () =>
  Array.from(screen.getByRole("list", { name: "Profiles" }).children).filter((el): el is HTMLLIElement => el.tagName === "LI");

afterEach(() => {
  cleanup();
  window.location.hash = "";
});

describe("profiles page", () => {
  it("lists every profile with its strategy, issuer, signed-in user and token expiry", async () => {
    renderWith(fakePlatform({ profiles: [signedIn("github", "alice@example.com", 42 * 60), profile("stripe")] }));

    await screen.findByRole("list", { name: "Profiles" });
    expect(rows()).toHaveLength(2);
    const [github, stripe] = rows();
    expect(github!.textContent).toContain("github");
    expect(github!.textContent).toContain("PKCE login");
    expect(github!.textContent).toContain("https://github.example.com");
    expect(github!.textContent).toContain("Signed in as alice@example.com");
    expect(Array.from(github!.querySelectorAll(".scope"), (s) => s.textContent?.trim())).toEqual(["openid", "read:users"]);
    // 42 min minus the seconds the test took: the text must say when the token runs out.
    expect(github!.textContent).toMatch(/Token expires in 4[12] min/);
    expect(stripe!.textContent).toContain("Not signed in");
    expect(screen.getByText("2 profiles")).toBeTruthy();
  });

  it("says the session expired when the token ran out and nothing can renew it", async () => {
    const expired = profile("old", {
      hasAccessToken: true,
      token: { expiresAt: now() - 3 * 3600, issuedAt: now() - 4 * 3600, scope: null, subject: "bob", tokenType: "Bearer" },
    });
    renderWith(fakePlatform({ profiles: [expired] }));

    await screen.findByRole("list", { name: "Profiles" });
    const [row] = rows();
    expect(row!.textContent).toContain("Session expired");
    expect(row!.textContent).toContain("Token expired 3 h ago");
  });

  it("filters by name, issuer, client and subject as the user types, and clears with Escape", async () => {
    const user = userEvent.setup();
    renderWith(
      fakePlatform({
        profiles: [signedIn("github", "alice@example.com", 3600), profile("stripe"), profile("internal-api")],
      }),
    );
    const search = await screen.findByRole("searchbox", { name: "Search profiles" });

    await user.type(search, "alice");
    expect(rows().map((r) => r.querySelector(".profile-name")!.textContent)).toEqual(["github"]);
    expect(screen.getByText("1 of 3 profiles")).toBeTruthy();

    await user.clear(search);
    await user.type(search, "STRIPE.example");
    expect(rows()).toHaveLength(1);

    await user.clear(search);
    await user.type(search, "nothing-like-this");
    expect(screen.queryByRole("list", { name: "Profiles" })).toBeNull();
    expect(screen.getByRole("status").textContent).toContain("No profile matches");

    await user.type(search, "{Escape}");
    expect(rows()).toHaveLength(3);
  });

  it("shows how to add a profile when there is none: the Add credential button, or the CLI", async () => {
    renderWith(fakePlatform({ profiles: [] }));

    const empty = await screen.findByRole("region", { name: "No profiles yet" });
    expect(empty.textContent).toContain("keyward profile add");
    expect(within(empty).getByRole("link", { name: "Add credential" }).getAttribute("href")).toBe("#/add");
    expect(screen.queryByRole("searchbox")).toBeNull();
  });

  it("opens a profile's page with a click or with Enter on its row", async () => {
    const user = userEvent.setup();
    window.location.hash = "#/profiles";
    renderWith(fakePlatform({ profiles: [profile("a"), profile("b")] }));

    await screen.findByRole("list", { name: "Profiles" });
    await user.click(rows()[1]!);
    expect(window.location.hash).toBe("#/profiles/b");
    expect(await screen.findByRole("heading", { level: 1, name: "b" })).toBeTruthy();

    window.location.hash = "#/profiles";
    const search = await screen.findByRole("searchbox", { name: "Search profiles" });
    await user.click(search);
    await user.keyboard("{ArrowDown}{Enter}");
    expect(window.location.hash).toBe("#/profiles/a");
  });

  it("shows the backend's message and advice chosen by the error code, and retries", async () => {
    const user = userEvent.setup();
    const locked: AppError = { code: "keychain", message: "the Secret Service is locked", remedy: { kind: "unlockKeychain" } };
    const platform = renderWith(fakePlatform({ error: locked }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain(locked.message);
    expect(alert.textContent).toContain("Unlock your keychain");
    expect(alert.getAttribute("data-code")).toBe("keychain");

    platform.answer({ profiles: [profile("github")] });
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("list", { name: "Profiles" })).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("offers no Add credential or Import while the keychain is locked, says why, and brings them back on Try again", async () => {
    const user = userEvent.setup();
    const locked: AppError = { code: "keychain", message: "the Secret Service is locked", remedy: { kind: "unlockKeychain" } };
    const platform = renderWith(fakePlatform({ error: locked }));

    const alert = await screen.findByRole("alert");
    expect(screen.queryByRole("link", { name: "Add credential" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Import/ })).toBeNull();
    expect(screen.queryByText(/Add credential/, { selector: "a, button" })).toBeNull();
    expect(alert.textContent).toContain("Add credential and Import… come back once the keychain answers");
    expect(within(alert).getByRole("button", { name: "Try again" })).toBeTruthy();

    platform.answer({ profiles: [] });
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    await screen.findByRole("region", { name: "No profiles yet" });
    expect(screen.getByRole("button", { name: "Import…" })).toBeTruthy();
    expect(screen.getAllByRole("link", { name: "Add credential" }).length).toBeGreaterThan(0);
  });

  it("still offers Add credential and Import when the list fails for another reason than the keychain", async () => {
    renderWith(fakePlatform({ error: { code: "badInput", message: "unknown field `isuer`", remedy: null } }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).not.toContain("come back once the keychain answers");
    expect(screen.getByRole("link", { name: "Add credential" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Import…" })).toBeTruthy();
  });

  it("advises by code, not by message: the same text under another code gives other advice", async () => {
    renderWith(fakePlatform({ error: { code: "badInput", message: "keychain locked", remedy: null } }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Keyward could not read its profiles");
    expect(alert.textContent).not.toContain("Unlock your keychain");
  });

  it("renders profile text as text, never as HTML", async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    renderWith(fakePlatform({ profiles: [profile("x", { issuer: evil, scopes: evil })] }));

    await screen.findByRole("list", { name: "Profiles" });
    const [row] = rows();
    expect(row!.textContent).toContain(evil);
    expect(row!.querySelector("img")).toBeNull();
  });

  it("moves focus through the list with the arrow keys, Home and End, from the search box down", async () => {
    const user = userEvent.setup();
    renderWith(fakePlatform({ profiles: [profile("a"), profile("b"), profile("c")] }));
    const search = await screen.findByRole("searchbox", { name: "Search profiles" });

    await user.click(search);
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement).toBe(rows()[0]);
    await user.keyboard("{ArrowDown}{ArrowDown}{ArrowDown}");
    expect(document.activeElement).toBe(rows()[2]);
    await user.keyboard("{ArrowUp}");
    expect(document.activeElement).toBe(rows()[1]);
    await user.keyboard("{Home}");
    expect(document.activeElement).toBe(rows()[0]);
    await user.keyboard("{End}");
    expect(document.activeElement).toBe(rows()[2]);
    // One row in the tab order (roving tabindex): Tab leaves the list instead of walking every row.
    expect(rows().filter((r) => r.tabIndex === 0)).toEqual([rows()[2]]);
  });
});
