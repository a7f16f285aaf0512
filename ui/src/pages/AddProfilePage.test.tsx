// Add credential against the fake platform: the strategy first, then only its fields with the core's help,
// problems under each field as the user types (the core's checkForm), Discover, save, and a failed save.
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { fakeProfile } from "../platform/fake-data";
import { renderAt } from "../test-utils";

afterEach(() => {
  cleanup();
  window.location.hash = "";
});

describe("Add credential", () => {
  it("asks for the strategy first, with each strategy's title and help from the core", async () => {
    renderAt("#/add");

    const cards = await screen.findByRole("list", { name: "Strategies" });
    const titles = within(cards).getAllByRole("button").map((b) => b.querySelector(".strategy-card-title")?.textContent);
    expect(titles).toEqual([
      "Log in (authorization code + PKCE)",
      "Client credentials",
      "Client credentials with a signed JWT",
      "Custom token endpoint",
      "SAML 2.0 bearer assertion",
      "API key",
      "Email + password (JWT)",
      "Email + password (session cookie)",
    ]);
    expect(within(cards).getByRole("button", { name: /^Client credentials(?! with)/ }).getAttribute("aria-describedby")).toBe(
      "strategy-client-credentials-help",
    );
    expect(screen.queryByRole("form")).toBeNull();
  });

  it("keeps the keyboard's focus in the form: on its first field when a card is chosen, on that card after Change", async () => {
    const { user } = renderAt("#/add");
    (await screen.findByRole("button", { name: /^Client credentials(?! with)/ })).focus();
    await user.keyboard("{Enter}");

    expect(document.activeElement).toBe(screen.getByLabelText(/^Name/));
    screen.getByRole("button", { name: "Change" }).focus();
    await user.keyboard("{Enter}");
    expect(document.activeElement).toBe(screen.getByRole("button", { name: /^Client credentials(?! with)/ }));

    await user.keyboard("{ArrowRight}");
    await user.keyboard(" ");
    expect(screen.getByRole("form", { name: "New credential" }).contains(document.activeElement)).toBe(true);
    expect(document.activeElement).toBe(screen.getByLabelText(/^Name/));
  });

  it("shows only the chosen strategy's fields, secrets as password inputs, help under each", async () => {
    const { user } = renderAt("#/add");
    await user.click(await screen.findByRole("button", { name: /^Client credentials(?! with)/ }));

    const form = screen.getByRole("form", { name: "New credential" });
    const secret = within(form).getByLabelText(/Client secret/);
    expect(secret.getAttribute("type")).toBe("password");
    expect(within(form).getByLabelText(/Token endpoint/)).toBeTruthy();
    expect(within(form).queryByLabelText(/Issuer/)).toBeNull();
    expect(form.textContent).toContain("The client ID the provider issued for this integration.");
  });

  it("checks the form with the core as the user types, showing each problem under its field", async () => {
    const { user, fake } = renderAt("#/add", { profiles: [fakeProfile("taken")] });
    await user.click(await screen.findByRole("button", { name: /^Client credentials(?! with)/ }));

    const name = screen.getByLabelText(/^Name/);
    await user.type(name, "taken");
    await screen.findByText(/a profile named "taken" already exists/);
    expect(name.getAttribute("aria-invalid")).toBe("true");
    expect(name.getAttribute("aria-describedby")).toContain("field-name-error");

    // Whatever the core says of a field shows under that field (the fake has no rules of its own).
    fake.override("checkForm", async (form) =>
      form.fields.url?.startsWith("ftp") ? [{ field: "url", message: "an http(s) URL" }] : [],
    );
    await user.type(screen.getByLabelText(/Token endpoint/), "ftp://x");
    await screen.findByText("an http(s) URL");
    // Untouched required fields are not shouted about before the user tries to save.
    expect(screen.queryByText("required for this strategy")).toBeNull();
    expect(fake.callsTo("checkForm").length).toBeGreaterThan(0);
    const [lastForm, editing] = fake.callsTo("checkForm").at(-1)!;
    expect(lastForm).toMatchObject({ name: "taken", strategy: "client-credentials", fields: { url: "ftp://x" } });
    expect(editing).toBe(false);
  });

  it("on Save with problems, shows them all and saves nothing", async () => {
    const { user, fake } = renderAt("#/add");
    await user.click(await screen.findByRole("button", { name: /^Client credentials(?! with)/ }));
    await user.type(screen.getByLabelText(/^Name/), "m2m");
    await waitFor(() => expect(fake.callsTo("checkForm").length).toBeGreaterThan(0));

    await user.click(screen.getByRole("button", { name: "Add credential" }));
    expect(await screen.findByText(/fields need a fix before saving/)).toBeTruthy();
    expect(screen.getAllByText("required for this strategy").length).toBe(3);
    expect(fake.callsTo("addProfile")).toHaveLength(0);
  });

  it("saves the profile with its secret and opens its page", async () => {
    const { user, fake } = renderAt("#/add");
    await user.click(await screen.findByRole("button", { name: /^Client credentials(?! with)/ }));
    await user.type(screen.getByLabelText(/^Name/), "m2m");
    await user.type(screen.getByLabelText(/Token endpoint/), "https://auth.example.com/token");
    await user.type(screen.getByLabelText(/Client ID/), "cc-basic");
    await user.type(screen.getByLabelText(/Client secret/), "s3cret");
    await user.type(screen.getByLabelText(/^Scopes$/), "read:users");
    // The core has seen the whole form (its check runs a moment after the last keystroke).
    await waitFor(() => expect(fake.callsTo("checkForm").at(-1)?.[0]).toMatchObject({ fields: { scopes: "read:users" } }));

    await user.click(screen.getByRole("button", { name: "Add credential" }));
    await waitFor(() => expect(window.location.hash).toBe("#/profiles/m2m"));
    expect(fake.callsTo("addProfile")[0]![0]).toEqual({
      name: "m2m",
      strategy: "client-credentials",
      fields: { url: "https://auth.example.com/token", clientId: "cc-basic", scopes: "read:users" },
      secrets: { clientSecret: "s3cret" },
    });
    expect(await screen.findByRole("heading", { level: 1, name: "m2m" })).toBeTruthy();
    expect(fake.callsTo("testProfile").length, "a machine credential is tried before it is saved").toBe(1);
  });

  it("a refused test saves nothing, points at the field, and can be saved anyway", async () => {
    const { user, fake } = renderAt("#/add");
    await user.click(await screen.findByRole("button", { name: /^Client credentials(?! with)/ }));
    await user.type(screen.getByLabelText(/^Name/), "m2m");
    await user.type(screen.getByLabelText(/Token endpoint/), "https://auth.example.com/token");
    await user.type(screen.getByLabelText(/Client ID/), "cc-basic");
    await user.type(screen.getByLabelText(/Client secret/), "wrong");
    expect((screen.getByLabelText("Get a token first, to test it") as HTMLInputElement).checked).toBe(true);
    fake.failNext("testProfile", {
      code: "refused",
      message: "the token endpoint refused: invalid_client (client authentication failed)",
      remedy: { kind: "editField", profile: "m2m", field: "clientSecret" },
    });
    await user.click(screen.getByRole("button", { name: "Add credential" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("invalid_client");
    expect(fake.callsTo("addProfile")).toEqual([]);
    await user.click(within(alert).getByRole("button", { name: "Edit client secret" }));
    expect(document.activeElement?.id).toBe("field-clientSecret");
    await user.click(within(alert).getByRole("button", { name: "Save without the test" }));
    await waitFor(() => expect(window.location.hash).toBe("#/profiles/m2m"));
    expect(fake.callsTo("addProfile").length).toBe(1);
  });

  it("says what to do when saving fails, by the error's code", async () => {
    const { user, fake } = renderAt("#/add");
    fake.failNext("addProfile", { code: "keychain", message: "the Secret Service is locked", remedy: { kind: "unlockKeychain" } });
    await user.click(await screen.findByRole("button", { name: /API key/ }));
    await user.type(screen.getByLabelText(/^Name/), "maps");
    await user.type(screen.getByLabelText(/^API key required/), "k-123");
    await waitFor(() => expect(fake.callsTo("checkForm").at(-1)?.[0]).toMatchObject({ secrets: { apiKey: "k-123" } }));

    await user.click(screen.getByRole("button", { name: "Add credential" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Unlock your keychain");
    expect(alert.textContent).toContain("the Secret Service is locked");
    expect(window.location.hash).toBe("#/add");
  });

  it("Discover fills a PKCE profile from its issuer: the canonical issuer, endpoints and OpenID scopes", async () => {
    const { user, fake } = renderAt("#/add");
    await user.click(await screen.findByRole("button", { name: /authorization code \+ PKCE/ }));
    await user.type(screen.getByLabelText(/Issuer/), "https://id.example.com/");
    await user.click(screen.getByRole("button", { name: "Discover" }));

    expect(await screen.findByText(/its endpoints are filled in/)).toBeTruthy();
    expect(fake.callsTo("discover")).toEqual([["https://id.example.com/"]]);
    expect((screen.getByLabelText(/Issuer/) as HTMLInputElement).value).toBe("https://id.example.com");
    expect((screen.getByLabelText(/^Scopes$/) as HTMLInputElement).value).toBe("openid offline_access");
    expect((screen.getByLabelText(/Token endpoint/) as HTMLInputElement).value).toBe("https://id.example.com/token");

    // The scopes the provider supports, as toggles.
    const chips = screen.getByRole("group", { name: "Scopes the provider supports" });
    await user.click(within(chips).getByRole("button", { name: "read:users" }));
    expect((screen.getByLabelText(/^Scopes$/) as HTMLInputElement).value).toBe("openid offline_access read:users");
    expect(within(chips).getByRole("button", { name: "read:users" }).getAttribute("aria-pressed")).toBe("true");
  });

  it("a failed discovery says what went wrong under the issuer", async () => {
    const { user, fake } = renderAt("#/add");
    fake.failNext("discover", { code: "network", message: "could not reach https://nowhere.example", remedy: { kind: "checkNetwork" } });
    await user.click(await screen.findByRole("button", { name: /authorization code \+ PKCE/ }));
    await user.type(screen.getByLabelText(/Issuer/), "https://nowhere.example");
    await user.click(screen.getByRole("button", { name: "Discover" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("A server could not be reached");
  });
});

describe("Edit", () => {
  it("fills the form from the profile, keeps stored secrets when left empty, and saves", async () => {
    const profile = fakeProfile("m2m", {
      strategy: "client-credentials",
      url: "https://auth.example.com/token",
      clientId: "cc-basic",
      hasClientSecret: true,
    });
    const { user, fake } = renderAt("#/profiles/m2m/edit", { profiles: [profile] });

    const url = (await screen.findByLabelText(/Token endpoint/)) as HTMLInputElement;
    expect(url.value).toBe("https://auth.example.com/token");
    expect((screen.getByLabelText(/Client secret/) as HTMLInputElement).placeholder).toContain("leave empty to keep it");
    await user.clear(screen.getByLabelText(/^Scopes$/));
    await user.type(screen.getByLabelText(/^Scopes$/), "read:users write:users");
    await waitFor(() => expect(fake.callsTo("checkForm").at(-1)?.[1]).toBe(true));

    await user.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(window.location.hash).toBe("#/profiles/m2m"));
    expect(fake.callsTo("editProfile")[0]![0]).toMatchObject({
      name: "m2m",
      fields: { scopes: "read:users write:users", clientId: "cc-basic" },
      secrets: {},
    });
  });
});
