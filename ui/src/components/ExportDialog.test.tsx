// The Export dialog and Import against the fake platform: the profile preselected, the format's options,
// the include-secrets warning, the request sent to the backend, the notice of what was saved, a closed save
// dialog as nothing happening, an error's remedy as a button, the keyboard; and Import refreshing the list.
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { fakePlatform } from "../platform/fake";
import { fakeProfile, fakeSignedIn } from "../platform/fake-data";
import { renderAt } from "../test-utils";

afterEach(() => {
  cleanup();
  window.location.hash = "";
});

// user-event moves through a radio group with the arrow keys by selecting its radios by name with
// CSS.escape, which jsdom lacks: a small stand-in (browsers have the real one).
const css = globalThis as { CSS?: { escape?: (s: string) => string } };
if (!css.CSS?.escape) css.CSS = { ...css.CSS, escape: (s: string) => s.replace(/[^\w-]/g, (c) => `\\${c}`) };

const m2m = () =>
  fakeProfile("billing", {
    strategy: "client-credentials",
    url: "https://auth.example.com/oauth/token",
    apiBaseUrl: "https://api.example.com",
    hasClientSecret: true,
    hasAccessToken: true,
    status: "ready",
    token: { expiresAt: Math.floor(Date.now() / 1000) + 3600, issuedAt: Math.floor(Date.now() / 1000) - 60, scope: "read:users", subject: null, tokenType: "Bearer" },
  });
const profiles = () => [m2m(), fakeSignedIn("github", "alice@example.com", 3600), fakeProfile("maps", { strategy: "api-key", hasApiKey: true })];

async function openFromProfile(name = "billing", fake = fakePlatform({ profiles: profiles() })) {
  const view = renderAt(`#/profiles/${name}`, fake);
  await view.user.click(await screen.findByRole("button", { name: "Export…" }));
  const dialog = await screen.findByRole("dialog", { name: "Export credentials" });
  await within(dialog).findByRole("checkbox", { name: "github" });
  return { ...view, dialog };
}

describe("the Export dialog", () => {
  it("opens from a profile's page with that profile ticked, the others not, and Postman environment chosen", async () => {
    const { dialog } = await openFromProfile("billing");
    const box = within(dialog);
    expect((box.getByRole("checkbox", { name: "billing" }) as HTMLInputElement).checked).toBe(true);
    expect((box.getByRole("checkbox", { name: "github" }) as HTMLInputElement).checked).toBe(false);
    expect((box.getByRole("checkbox", { name: "maps" }) as HTMLInputElement).checked).toBe(false);
    // Each profile says what it is; each format what it is for.
    expect(box.getByRole("checkbox", { name: "billing" }).getAttribute("aria-describedby")).toBeTruthy();
    const formats = within(box.getByRole("group", { name: "Format" })).getAllByRole("radio");
    expect(formats.map((r) => r.getAttribute("aria-labelledby") && document.getElementById(r.getAttribute("aria-labelledby")!)?.textContent)).toEqual([
      "Postman environment",
      "Postman collection",
      ".env file",
      "curl command",
      "Bruno environment",
    ]);
    expect((box.getByRole("radio", { name: "Postman environment" }) as HTMLInputElement).checked).toBe(true);
    expect(box.getByRole("radio", { name: ".env file" }).getAttribute("aria-describedby")).toBeTruthy();
    expect(box.getByText(/NAME=value lines for node, compose, python-dotenv/)).toBeTruthy();
    // Focus is inside the dialog.
    expect(dialog.contains(document.activeElement)).toBe(true);
  });

  it("shows the warning only while Include long-lived secrets is ticked", async () => {
    const { user, dialog } = await openFromProfile();
    const box = within(dialog);
    expect(box.queryByRole("note", { name: "Warning" })).toBeNull();

    await user.click(box.getByRole("checkbox", { name: "Include long-lived secrets" }));
    const warning = box.getByRole("note", { name: "Warning" });
    expect(warning.textContent).toContain("Whoever can read this file can mint new credentials");

    await user.click(box.getByRole("checkbox", { name: "Include long-lived secrets" }));
    expect(box.queryByRole("note", { name: "Warning" })).toBeNull();
  });

  it("sends the request as chosen: profiles, format, the .env dialect, the secret policy", async () => {
    const { user, fake, dialog } = await openFromProfile();
    const box = within(dialog);
    await user.click(box.getByRole("checkbox", { name: "maps" }));
    expect(box.queryByLabelText("Read by")).toBeNull();
    await user.click(box.getByRole("radio", { name: ".env file" }));
    await user.selectOptions(box.getByLabelText("Read by"), "python");
    await user.click(box.getByRole("checkbox", { name: "Include long-lived secrets" }));
    await user.click(box.getByRole("button", { name: "Export…" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(fake.callsTo("exportProfiles")).toEqual([
      [{ format: "dotenv", profiles: ["billing", "maps"], includeSecrets: true, fromEnv: false, dialect: "python" }],
    ]);
  });

  it("offers curl its own options and never asks it for long-lived secrets", async () => {
    const { user, fake, dialog } = await openFromProfile();
    const box = within(dialog);
    await user.click(box.getByRole("checkbox", { name: "Include long-lived secrets" }));
    await user.click(box.getByRole("radio", { name: "curl command" }));
    expect(box.queryByRole("checkbox", { name: "Include long-lived secrets" })).toBeNull();
    expect(box.queryByRole("note", { name: "Warning" })).toBeNull();
    await user.click(box.getByRole("checkbox", { name: "Read the credential from the environment" }));
    await user.type(box.getByLabelText(/URL to call/), "https://api.example.com/v1/users");
    await user.click(box.getByRole("button", { name: "Export…" }));

    await waitFor(() => expect(fake.callsTo("exportProfiles")).toHaveLength(1));
    expect(fake.callsTo("exportProfiles")[0]).toEqual([
      { format: "curl", profiles: ["billing"], includeSecrets: false, fromEnv: true, url: "https://api.example.com/v1/users" },
    ]);
  });

  it("closes when saved, and the page says where, which secrets were left out, and when the credential expires", async () => {
    const { user, dialog } = await openFromProfile();
    await user.click(within(dialog).getByRole("button", { name: "Export…" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    const notice = await screen.findByRole("status");
    expect(notice.textContent).toContain("Saved the Postman environment of billing");
    expect(notice.textContent).toContain("/home/you/Documents/billing.postman_environment.json");
    expect(notice.textContent).toMatch(/Left out \(long-lived secrets\): clientSecret\./);
    expect(notice.textContent).not.toContain("Included:");
    expect(notice.textContent).toMatch(/The exported credential expires at \d{4}-\d\d-\d\dT/);
    // Focus went back to the button that opened the dialog.
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Export…" }));

    await user.click(within(notice).getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByText(/Saved the Postman environment/)).toBeNull();
  });

  it("says which secrets went in when asked for", async () => {
    const { user, dialog } = await openFromProfile();
    await user.click(within(dialog).getByRole("checkbox", { name: "Include long-lived secrets" }));
    await user.click(within(dialog).getByRole("button", { name: "Export…" }));

    const notice = await screen.findByText(/Saved the Postman environment/);
    const text = notice.closest("[role=status]")!.textContent!;
    expect(text).toMatch(/Included: clientSecret, marked as secrets/);
    expect(text).toContain("Whoever can read the file can mint new credentials");
    expect(text).not.toContain("Left out");
  });

  it("treats a closed save dialog as nothing happening: the dialog stays as it was, no notice, no error", async () => {
    const fake = fakePlatform({ profiles: profiles() });
    fake.override("exportProfiles", async () => null);
    const { user, dialog } = await openFromProfile("billing", fake);
    await user.click(within(dialog).getByRole("radio", { name: "Bruno environment" }));
    await user.click(within(dialog).getByRole("button", { name: "Export…" }));

    await waitFor(() => expect(fake.callsTo("exportProfiles")).toHaveLength(1));
    await waitFor(() => expect((within(dialog).getByRole("button", { name: "Export…" }) as HTMLButtonElement).disabled).toBe(false));
    expect(screen.getByRole("dialog", { name: "Export credentials" })).toBe(dialog);
    expect((within(dialog).getByRole("radio", { name: "Bruno environment" }) as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.queryByText(/Saved the/)).toBeNull();
    expect(dialog.contains(document.activeElement)).toBe(true);
  });

  it("shows an error with its remedy as a button that does it", async () => {
    const { user, fake, dialog } = await openFromProfile("github");
    await user.click(within(dialog).getByRole("radio", { name: "curl command" }));
    await user.click(within(dialog).getByRole("button", { name: "Export…" }));

    const alert = await within(dialog).findByRole("alert");
    expect(alert.textContent).toContain("which URL should the curl command for github call?");
    expect(alert.getAttribute("data-remedy")).toBe("editField");
    expect(alert.textContent).not.toMatch(/keyward |run /);
    await user.click(within(alert).getByRole("button", { name: /^Edit / }));
    await waitFor(() => expect(window.location.hash).toBe("#/profiles/github/edit/apiBaseUrl"));
    expect(fake.callsTo("exportProfiles")).toHaveLength(1);
  });

  it("offers Try again for a locked keychain, and exports on it", async () => {
    const fake = fakePlatform({ profiles: profiles() });
    fake.failNext("exportProfiles", { code: "keychain", message: "the keychain is locked", remedy: { kind: "unlockKeychain" } });
    const { user, dialog } = await openFromProfile("billing", fake);
    await user.click(within(dialog).getByRole("button", { name: "Export…" }));

    const alert = await within(dialog).findByRole("alert");
    expect(alert.textContent).toContain("Unlock your keychain");
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(fake.callsTo("exportProfiles")).toHaveLength(2);
    expect(await screen.findByText(/Saved the Postman environment/)).toBeTruthy();
  });

  it("cannot export with no profile ticked", async () => {
    const { user, fake, dialog } = await openFromProfile();
    await user.click(within(dialog).getByRole("checkbox", { name: "billing" }));
    const exportButton = within(dialog).getByRole("button", { name: "Export…" }) as HTMLButtonElement;
    expect(exportButton.disabled).toBe(true);
    await user.keyboard("{Enter}");
    expect(fake.callsTo("exportProfiles")).toHaveLength(0);
  });

  it("works from the keyboard: Tab stays inside, Enter exports, Escape closes", async () => {
    const { user, fake, dialog } = await openFromProfile();
    const first = within(dialog).getByRole("checkbox", { name: "billing" });
    expect(document.activeElement).toBe(first);

    // Shift+Tab from the first control goes round to the last (Export…), Tab from there back to the first.
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Export…" }));
    await user.tab();
    expect(document.activeElement).toBe(first);
    // Through the profiles to the format group, entered at its checked radio; arrows move the choice.
    await user.tab();
    await user.tab();
    await user.tab();
    expect(document.activeElement).toBe(within(dialog).getByRole("radio", { name: "Postman environment" }));
    await user.keyboard("{ArrowDown}");
    expect((within(dialog).getByRole("radio", { name: "Postman collection" }) as HTMLInputElement).checked).toBe(true);

    await user.keyboard("{Enter}");
    await waitFor(() => expect(fake.callsTo("exportProfiles")).toHaveLength(1));
    expect(fake.callsTo("exportProfiles")[0]![0]).toMatchObject({ format: "collection", profiles: ["billing"] });
    expect(await screen.findByText(/Saved the Postman collection of billing/)).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Export…" }));
    await screen.findByRole("dialog", { name: "Export credentials" });
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(fake.callsTo("exportProfiles")).toHaveLength(1);
  });

  it("opens from the profiles list with nothing ticked when there are several, and exports those picked", async () => {
    const { user, fake } = renderAt("#/profiles", { profiles: profiles() });
    await screen.findByRole("list", { name: "Profiles" });
    await user.click(screen.getByRole("button", { name: "Export…" }));
    const dialog = await screen.findByRole("dialog", { name: "Export credentials" });
    const boxes = await within(dialog).findAllByRole("checkbox", { name: /^(billing|github|maps)$/ });
    expect(boxes.map((b) => (b as HTMLInputElement).checked)).toEqual([false, false, false]);

    await user.click(within(dialog).getByRole("checkbox", { name: "github" }));
    await user.click(within(dialog).getByRole("checkbox", { name: "billing" }));
    await user.click(within(dialog).getByRole("button", { name: "Export…" }));
    const notice = await screen.findByText(/Saved the Postman environment of billing, github/);
    expect(notice.closest("[role=status]")!.textContent).toContain("/home/you/Documents/keyward.postman_environment.json");
    expect(fake.callsTo("exportProfiles")[0]![0]).toMatchObject({ profiles: ["billing", "github"] });
  });
});

describe("Import", () => {
  it("imports a Postman environment, refreshes the list and says what it made", async () => {
    const { user, fake } = renderAt("#/profiles", { profiles: profiles() });
    await screen.findByRole("list", { name: "Profiles" });
    expect(screen.queryByText("petstore")).toBeNull();
    const listed = fake.callsTo("listProfiles").length;

    await user.click(screen.getByRole("button", { name: "Import…" }));
    const notice = await screen.findByText(/Imported 1 profile from the Postman environment/);
    const text = notice.closest("[role=status]")!.textContent!;
    expect(text).toContain("petstore (API key)");
    expect(text).toContain("apiKey in your keychain");
    expect(text).toContain("Not used: petId.");
    await waitFor(() => expect(fake.callsTo("listProfiles").length).toBeGreaterThan(listed));
    expect(await within(screen.getByRole("list", { name: "Profiles" })).findByText("petstore")).toBeTruthy();
  });

  it("does nothing when the file picker is closed, and shows a refused file as an error", async () => {
    const fake = fakePlatform({ profiles: profiles() });
    fake.override("importPostmanFile", async () => null);
    const { user } = renderAt("#/profiles", fake);
    await screen.findByRole("list", { name: "Profiles" });
    await user.click(screen.getByRole("button", { name: "Import…" }));
    await waitFor(() => expect(fake.callsTo("importPostmanFile")).toHaveLength(1));
    await waitFor(() => expect((screen.getByRole("button", { name: "Import…" }) as HTMLButtonElement).disabled).toBe(false));
    expect(screen.queryByRole("status", { name: /Imported/ })).toBeNull();
    expect(screen.queryByText(/Imported/)).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();

    fake.failNext("importPostmanFile", {
      code: "badInput",
      message: "big.json is not a Postman environment: it is larger than 1 MiB, more than any environment holds",
      remedy: null,
    });
    await user.click(screen.getByRole("button", { name: "Import…" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("big.json is not a Postman environment");
  });
});
