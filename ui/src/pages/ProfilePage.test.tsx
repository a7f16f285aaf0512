// A profile's page against the fake platform: the signed-in view, Log in with its progress, Cancel and a
// declined consent, Copy, Get token, Try a request (as text; 401/403 with their fix), Show request, Reveal,
// SAML, Log out and Remove.
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { fakeProfile, fakeSignedIn } from "../platform/fake-data";
import { renderAt } from "../test-utils";

afterEach(() => {
  cleanup();
  window.location.hash = "";
  window.localStorage.clear();
});

const credential = () => screen.getByRole("region", { name: /Sign-in|Access token|API key/ });

describe("a signed-in profile", () => {
  it("shows who is signed in, the scopes granted and the expiry counting down", async () => {
    renderAt("#/profiles/github", { profiles: [fakeSignedIn("github", "alice@example.com", 59 * 60 + 30)] });

    await screen.findByRole("heading", { level: 1, name: "github" });
    const card = credential();
    expect(within(card).getAllByText("Signed in as alice@example.com").length).toBeGreaterThan(0);
    expect(card.textContent).toContain("read:users");
    expect(card.querySelector("time.countdown")?.textContent).toMatch(/^59:(2|3)\d$/);
    expect(within(card).getByRole("button", { name: "Copy access token" })).toBeTruthy();
    expect(within(card).getByRole("button", { name: "Log in again" })).toBeTruthy();
  });

  it("copies the access token in the backend and says when the clipboard clears; the page never holds it", async () => {
    const { user, fake } = renderAt("#/profiles/github", { profiles: [fakeSignedIn("github", "alice", 3600)] });
    await user.click(await screen.findByRole("button", { name: "Copy access token" }));

    expect((await screen.findByRole("status")).textContent).toContain("cleared in 60 s");
    expect(fake.callsTo("copyAccessToken")).toEqual([["github"]]);
  });

  it("logs out and says what happened at the provider", async () => {
    const { user } = renderAt("#/profiles/github", { profiles: [fakeSignedIn("github", "alice", 3600)] });
    await user.click(await screen.findByRole("button", { name: "Log out" }));

    expect((await screen.findByRole("status")).textContent).toContain("the provider revoked the refresh token");
    await waitFor(() => expect(within(credential()).getByRole("button", { name: "Log in" })).toBeTruthy());
  });
});

describe("Log in", () => {
  it("walks through the steps and ends signed in", async () => {
    const { user, fake } = renderAt("#/profiles/demo", { profiles: [fakeProfile("demo")] });
    fake.loginMode = "hold";
    await user.click(await screen.findByRole("button", { name: "Log in" }));

    const progress = await screen.findByRole("region", { name: "Login progress" });
    await waitFor(() => expect(within(progress).getByText(/Waiting for you/).closest("li")?.getAttribute("aria-current")).toBe("step"));
    expect(progress.textContent).toMatch(/\d:\d\d left/);
    expect(within(progress).getByText("Opening your browser").closest("li")?.className).toContain("step-done");
    fake.finishLogin();

    await waitFor(() => expect(screen.queryByRole("region", { name: "Login progress" })).toBeNull());
    expect(within(credential()).getAllByText("Signed in as alice").length).toBeGreaterThan(0);
    expect(fake.callsTo("login")[0]![0]).toBe("demo");
  });

  it("Cancel ends a login waiting for the browser; nothing is stored", async () => {
    const { user, fake } = renderAt("#/profiles/demo", { profiles: [fakeProfile("demo")] });
    fake.loginMode = "hold";
    await user.click(await screen.findByRole("button", { name: "Log in" }));
    await user.click(await screen.findByRole("button", { name: "Cancel login" }));

    expect(await screen.findByText("Login cancelled. Nothing was stored.")).toBeTruthy();
    expect(fake.callsTo("cancelLogin")).toEqual([["demo"]]);
    expect(screen.queryByRole("alert")).toBeNull();
    expect(within(credential()).getByText("Not signed in")).toBeTruthy();
  });

  it("a declined consent says so and offers to log in again", async () => {
    const { user, fake } = renderAt("#/profiles/demo", { profiles: [fakeProfile("demo")] });
    fake.loginMode = "decline";
    await user.click(await screen.findByRole("button", { name: "Log in" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Consent was declined");
    expect(alert.textContent).toContain("you declined consent at the provider");
    fake.loginMode = "approve";
    await user.click(within(alert).getByRole("button", { name: "Log in again" }));
    await waitFor(() => expect(within(credential()).getAllByText("Signed in as alice").length).toBeGreaterThan(0));
    expect(fake.callsTo("login")).toHaveLength(2);
  });

  it("a sign-in as another account replaces nothing until asked", async () => {
    const { user, fake } = renderAt("#/profiles/demo", { profiles: [fakeSignedIn("demo", "alice", 3600)] });
    fake.failNext("login", {
      code: "refused",
      message: "the sign-in came back as bob, but profile demo holds the tokens of alice; they were not replaced",
      remedy: { kind: "replaceUser", profile: "demo", subject: "bob" },
    });
    await user.click(await screen.findByRole("button", { name: "Log in again" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Nothing was replaced.");
    await user.click(within(alert).getByRole("button", { name: "Sign in as bob instead" }));
    await waitFor(() => expect(fake.callsTo("login").length).toBe(2));
    expect(fake.callsTo("login").map((args) => args[2])).toEqual([false, true]);
  });

  it("a keychain error says to unlock it", async () => {
    const { user, fake } = renderAt("#/profiles/demo", { profiles: [fakeProfile("demo")] });
    fake.failNext("login", { code: "keychain", message: "the keychain is locked", remedy: { kind: "unlockKeychain" } });
    await user.click(await screen.findByRole("button", { name: "Log in" }));

    expect((await screen.findByRole("alert")).textContent).toContain("Unlock your keychain");
  });
});

describe("machine credentials", () => {
  const m2m = () =>
    fakeProfile("m2m", { strategy: "client-credentials", url: "https://auth.example.com/token", hasClientSecret: true, status: "renewable" });

  it("Get token fetches one and says when it expires", async () => {
    const { user, fake } = renderAt("#/profiles/m2m", { profiles: [m2m()] });
    await user.click(await screen.findByRole("button", { name: "Get token" }));

    expect((await screen.findByRole("status")).textContent).toMatch(/Got a valid access token; it expires in (59|60) min/);
    expect(fake.callsTo("getToken")).toEqual([["m2m", false]]);
    await waitFor(() => expect(within(credential()).getByText("Token ready")).toBeTruthy());
  });

  it("Show request shows the token request with its secrets masked", async () => {
    const { user } = renderAt("#/profiles/m2m", { profiles: [m2m()] });
    await user.click(await screen.findByRole("button", { name: "Show request" }));

    const request = await screen.findByRole("region", { name: "Dry run" });
    expect(request.textContent).toContain("POST https://auth.example.com/token");
    expect(request.textContent).toContain("Basic ***");
    expect(request.textContent).toContain("grant_type=client_credentials");
  });

  it("Reveal shows a stored secret on request, and Hide hides it again", async () => {
    const { user, fake } = renderAt("#/profiles/m2m", { profiles: [m2m()] });
    await user.click(await screen.findByRole("button", { name: "Reveal client secret" }));

    const value = (await screen.findByLabelText("Client secret revealed")) as HTMLInputElement;
    expect(value.value).toBe("revealed-clientSecret-of-m2m");
    expect(fake.callsTo("revealSecret")).toEqual([["m2m", "clientSecret"]]);
    await user.click(screen.getByRole("button", { name: "Hide client secret" }));
    expect(screen.queryByLabelText("Client secret revealed")).toBeNull();
  });
});

describe("Try a request", () => {
  it("sends the request from the backend and shows status, headers and body as text", async () => {
    const { user, fake } = renderAt("#/profiles/github", { profiles: [fakeSignedIn("github", "alice", 3600)] });
    const evil = '<img src=x onerror="window.__pwned=1">';
    fake.override("callApi", async () => ({
      response: { status: 200, headers: [["content-type", "text/html"]], body: evil, truncated: false },
      problem: null,
    }));
    await user.type(await screen.findByLabelText("Request URL"), "https://api.example.com/v1/whoami");
    await user.click(screen.getByRole("button", { name: "Send" }));

    const response = await screen.findByRole("region", { name: "Response" });
    expect(within(response).getByText("200 OK")).toBeTruthy();
    expect(response.textContent).toContain(evil);
    expect(response.querySelector("img")).toBeNull();
    expect(fake.callsTo("callApi")[0]).toEqual([
      "github",
      { method: "GET", url: "https://api.example.com/v1/whoami", headers: [], body: null },
    ]);
  });

  it("sends headers typed as Name: value lines, and a body for POST", async () => {
    const { user, fake } = renderAt("#/profiles/github", { profiles: [fakeSignedIn("github", "alice", 3600)] });
    await user.selectOptions(await screen.findByLabelText("Method"), "POST");
    await user.type(screen.getByLabelText("Request URL"), "https://api.example.com/v1/users");
    await user.click(screen.getByText("Headers and body"));
    await user.type(screen.getByLabelText("Headers"), "Accept: application/json");
    await user.type(screen.getByLabelText("Body"), "name=bob");
    await user.click(screen.getByRole("button", { name: "Send" }));

    await screen.findByRole("region", { name: "Response" });
    expect(fake.callsTo("callApi")[0]![1]).toEqual({
      method: "POST",
      url: "https://api.example.com/v1/users",
      headers: [["Accept", "application/json"]],
      body: "name=bob",
    });
  });

  it("a 403 for a missing scope offers one button that adds the scope and signs in again", async () => {
    const { user, fake } = renderAt("#/profiles/github", { profiles: [fakeSignedIn("github", "alice", 3600)] });
    fake.loginMode = "hold";
    fake.override("callApi", async () => ({
      response: { status: 403, headers: [], body: '{"error":"INSUFFICIENT_SCOPE","required_scope":"write:users"}', truncated: false },
      problem: {
        code: "insufficientScope",
        message: "the API answered 403 INSUFFICIENT_SCOPE: the token lacks the scope write:users",
        remedy: { kind: "addScope", profile: "github", scope: "write:users" },
      },
    }));
    await user.type(await screen.findByLabelText("Request URL"), "https://api.example.com/v1/users");
    await user.click(screen.getByRole("button", { name: "Send" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("A scope is missing");
    expect(alert.textContent).toContain("Add the scope write:users to the profile, then log in again.");
    expect(alert.textContent).not.toMatch(/keyward (login|profile)/);
    expect(within(await screen.findByRole("region", { name: "Response" })).getByText("403 Forbidden")).toBeTruthy();
    await user.click(within(alert).getByRole("button", { name: "Add write:users and log in" }));

    await waitFor(() => expect(fake.callsTo("login").length).toBe(1));
    const [form] = fake.callsTo("editProfile")[0] as [{ fields: Record<string, string> }];
    expect(form.fields.scopes).toBe("openid read:users write:users");
    expect((await screen.findAllByText(/Opening your browser/)).length).toBeGreaterThan(0);
  });

  it("a refused client secret offers to edit it, and the form opens at that field", async () => {
    const { user, fake } = renderAt("#/profiles/m2m", {
      profiles: [fakeProfile("m2m", { strategy: "client-credentials", url: "https://auth.example.com/token", hasClientSecret: true })],
    });
    fake.failNext("getToken", {
      code: "refused",
      message: "the token endpoint refused: invalid_client (client authentication failed)",
      remedy: { kind: "editField", profile: "m2m", field: "clientSecret" },
    });
    await user.click(await screen.findByRole("button", { name: "Get token" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Check the profile's client secret.");
    expect(credential().querySelector(".pill")?.textContent, "the status turns to failed, not a green pill").toBe(
      "Refused by the server",
    );
    await user.click(within(alert).getByRole("button", { name: "Edit client secret" }));
    expect(window.location.hash).toBe("#/profiles/m2m/edit/clientSecret");
    await waitFor(() => expect(document.activeElement?.id).toBe("field-clientSecret"));
  });

  it("starts from the profile's API base URL", async () => {
    renderAt("#/profiles/demo", { profiles: [fakeProfile("demo", { apiBaseUrl: "http://127.0.0.1:47811/v1/whoami" })] });
    expect(((await screen.findByLabelText("Request URL")) as HTMLInputElement).value).toBe("http://127.0.0.1:47811/v1/whoami");
  });

  it("remembers the last URL tried, until the API base URL changes: then it starts from the new one", async () => {
    const at = (apiBaseUrl: string) => renderAt("#/profiles/demo", { profiles: [fakeProfile("demo", { apiBaseUrl })] });
    const { user } = at("http://127.0.0.1:47811/v1/whoami");
    const box = (await screen.findByLabelText("Request URL")) as HTMLInputElement;
    await user.clear(box);
    await user.type(box, "http://127.0.0.1:47811/v1/users");
    cleanup();
    at("http://127.0.0.1:47811/v1/whoami");
    expect(((await screen.findByLabelText("Request URL")) as HTMLInputElement).value).toBe("http://127.0.0.1:47811/v1/users");
    cleanup();
    at("http://127.0.0.1:50123/v1/whoami");
    expect(((await screen.findByLabelText("Request URL")) as HTMLInputElement).value).toBe("http://127.0.0.1:50123/v1/whoami");
  });

  it("a host the profile is not for gets nothing, and one click allows it", async () => {
    const { user, fake } = renderAt("#/profiles/github", { profiles: [fakeSignedIn("github", "alice", 3600)] });
    fake.failNext("callApi", {
      code: "badInput",
      message: "profile github sends its credential only to example.com and its subdomains; evil.test is not one of them, so nothing was sent",
      remedy: { kind: "allowHost", profile: "github", host: "evil.test" },
    });
    await user.type(await screen.findByLabelText("Request URL"), "https://evil.test/steal");
    await user.click(screen.getByRole("button", { name: "Send" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Nothing was sent.");
    await user.click(within(alert).getByRole("button", { name: "Allow evil.test" }));
    await waitFor(() => expect(fake.callsTo("editProfile").length).toBe(1));
    const [form] = fake.callsTo("editProfile")[0] as [{ fields: Record<string, string> }];
    expect(form.fields.apiHosts).toBe("evil.test");
    expect((await screen.findByRole("status")).textContent).toContain("evil.test may now receive this profile's credential");
  });

  it("a network failure says the server could not be reached", async () => {
    const { user, fake } = renderAt("#/profiles/github", { profiles: [fakeSignedIn("github", "alice", 3600)] });
    fake.failNext("callApi", {
      code: "network",
      message: "could not reach the API: nothing answers at that address (the connection was refused)",
      remedy: { kind: "checkNetwork" },
    });
    await user.type(await screen.findByLabelText("Request URL"), "https://down.example.com");
    await user.click(screen.getByRole("button", { name: "Send" }));

    expect((await screen.findByRole("alert")).textContent).toContain("A server could not be reached");
  });
});

describe("SAML bearer", () => {
  it("exchanges a pasted assertion and shows the settings for the IdP admin", async () => {
    const saml = fakeProfile("redcore", { strategy: "saml-bearer", url: "https://auth.example.com/token", status: "assertionRequired" });
    const { user, fake } = renderAt("#/profiles/redcore", { profiles: [saml] });

    const settings = await screen.findByLabelText("Settings for your IdP admin");
    expect(settings.textContent).toContain("https://api.example.com/saml/metadata");
    await user.type(screen.getByLabelText("Assertion from your IdP"), "<saml:Assertion/>");
    await user.click(screen.getByRole("button", { name: "Exchange for a token" }));

    expect((await screen.findByRole("status")).textContent).toContain("Exchanged");
    expect(fake.callsTo("exchangeAssertion")).toEqual([["redcore", "<saml:Assertion/>"]]);
  });
});

describe("Remove", () => {
  it("asks first, then removes the profile and returns to the list", async () => {
    const { user, fake } = renderAt("#/profiles/old", { profiles: [fakeProfile("old"), fakeProfile("keep")] });
    await user.click(await screen.findByRole("button", { name: "Remove" }));

    const dialog = screen.getByRole("alertdialog", { name: "Remove old?" });
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Cancel" }));
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(fake.callsTo("removeProfile")).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Remove" }));
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Remove" }));
    await waitFor(() => expect(window.location.hash).toBe("#/profiles"));
    expect(fake.callsTo("removeProfile")).toEqual([["old"]]);
    expect(await screen.findByText("1 profile")).toBeTruthy();
  });
});

describe("a profile that cannot be loaded", () => {
  it("says it was not found", async () => {
    renderAt("#/profiles/ghost", { profiles: [] });
    expect((await screen.findByRole("alert")).textContent).toContain("Profile not found");
  });
});
