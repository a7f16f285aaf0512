// The Teams page against the fake platform: no team (how to connect one), a team whose OpenBao answers (its
// token and the shared profiles with version, who changed it and when, the secrets it holds by name only),
// and a team whose OpenBao does not answer (its error, with Try again, beside a team that does); a profile
// whose new version sends credentials to hosts not accepted (not in use, who wrote it, Accept).
import { cleanup, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import type { TeamStatus } from "../bindings/TeamStatus";
import { FAKE_TEAM_TOKEN } from "../platform/fake";
import { renderAt } from "../test-utils";

afterEach(() => {
  cleanup();
  window.location.hash = "";
});

const view = (name: string) => ({ name, addr: `https://bao.${name}.example:8200`, mount: "secret", path: `keyward/${name}`, tokenFrom: "keychain" });
const status = (name: string): TeamStatus => ({
  ...view(name),
  tokenName: "token-alice",
  tokenPolicies: ["default", "keyward-rotators"],
  tokenExpires: null,
  profiles: [
    {
      name: "billing",
      strategy: "client-credentials",
      version: 3,
      changedAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
      changedBy: "token-bob",
      versions: [1, 2, 3],
      secrets: ["clientSecret"],
      notAccepted: [],
    },
  ],
});

describe("the Teams page", () => {
  it("with no team, offers the connect form; a refused token is said, the right one connects", async () => {
    const { user, fake } = renderAt("#/teams");
    expect(await screen.findByRole("heading", { name: "No team connected here" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Teams" }).getAttribute("aria-current")).toBe("page");
    const form = screen.getByRole("form", { name: "Connect a team" });
    const connect = within(form).getByRole("button", { name: "Connect" });
    expect((connect as HTMLButtonElement).disabled, "name, address and token are needed").toBe(true);
    await user.type(within(form).getByLabelText(/Team name/), "payments");
    await user.type(within(form).getByLabelText(/OpenBao address/), "https://bao.example.net:8200");
    expect(within(form).getByLabelText("Path of the team's profiles").getAttribute("placeholder")).toBe("keyward/payments");
    const token = within(form).getByLabelText(/Your OpenBao token/);
    expect(token.getAttribute("type")).toBe("password");
    await user.type(token, "s.wrong");
    await user.click(connect);
    expect((await within(form).findByRole("alert")).textContent).toContain("does not accept your OpenBao token");

    await user.clear(token);
    await user.type(token, FAKE_TEAM_TOKEN);
    await user.click(connect);
    expect((await screen.findByRole("status")).textContent).toContain("Connected team payments as token-alice: it shares 0 profiles");
    expect(fake.callsTo("teamAdd").at(-1)).toEqual(["payments", "https://bao.example.net:8200", null, null, FAKE_TEAM_TOKEN]);
    const card = await screen.findByRole("region", { name: "payments" });
    expect((await within(card).findByText(/shares no profile yet/)).textContent).toContain("keyward team share PROFILE --team payments");
    expect(screen.queryByRole("form", { name: "Connect a team" })).toBeNull();
    expect(document.body.innerHTML.includes(FAKE_TEAM_TOKEN), "the token is not left on the page").toBe(false);
  });

  it("shows each team's token and shared profiles, and a team whose OpenBao fails with its error", async () => {
    const { user, fake } = renderAt("#/teams", {
      teams: [
        { view: view("payments"), status: status("payments") },
        { view: view("search"), status: { code: "network", message: "could not reach team search's OpenBao at https://bao.search.example:8200", remedy: { kind: "checkNetwork" } } },
      ],
    });
    const payments = await screen.findByRole("region", { name: "payments" });
    const table = await within(payments).findByRole("table", { name: "Profiles shared by team payments" });
    const row = within(table).getByRole("row", { name: /billing/ });
    expect(row.textContent).toContain("3");
    expect(row.textContent).toContain("2 h ago");
    expect(row.textContent).toContain("token-bob");
    expect(row.textContent).toContain("clientSecret");
    expect(within(row).getByRole("link", { name: "billing" }).getAttribute("href")).toBe("#/profiles/billing");
    expect(payments.textContent).toContain("Token token-alice, policies default, keyward-rotators; does not expire.");

    const search = screen.getByRole("region", { name: "search" });
    const alert = await within(search).findByRole("alert");
    expect(alert.textContent).toContain("could not reach team search's OpenBao");
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(fake.callsTo("teamStatus").filter(([t]) => t === "search")).toHaveLength(2);
    // Reload asks each team's OpenBao again.
    await user.click(screen.getByRole("button", { name: "Reload" }));
    await within(payments).findByRole("table", { name: "Profiles shared by team payments" });
    expect(fake.callsTo("teamStatus").filter(([t]) => t === "payments").length).toBeGreaterThanOrEqual(2);
  });

  it("a profile whose new version sends credentials to new hosts is said not in use, and Accept puts it back", async () => {
    const changed = status("payments");
    changed.profiles = [
      {
        name: "billing",
        strategy: "client-credentials",
        version: 4,
        changedAt: new Date(Date.now() - 60_000).toISOString(),
        changedBy: "token-mallory",
        versions: [3, 4],
        secrets: ["clientSecret"],
        notAccepted: [".evil.test", "collector.example"],
      },
    ];
    const { user, fake } = renderAt("#/teams", { teams: [{ view: view("payments"), status: changed }] });
    const payments = await screen.findByRole("region", { name: "payments" });
    const notice = await within(payments).findByRole("alert", { name: "New destinations for billing" });
    expect(notice.textContent).toContain("Version 4 of billing is not in use: it sends credentials somewhere new");
    expect(notice.textContent).toContain("written by token-mallory, also sends billing's credentials to .evil.test, collector.example, which you have not accepted");
    expect(notice.textContent).toContain("Check the new addresses with your team first");
    expect(notice.textContent).not.toMatch(/keyward /);
    await user.click(within(notice).getByRole("button", { name: "Accept the new destinations of billing" }));
    expect(fake.callsTo("teamAccept").at(-1)).toEqual(["payments", "billing"]);
    expect((await within(payments).findByRole("status")).textContent).toContain("Accepted: Keyward uses billing again, with its new destinations");
    expect(within(payments).queryByRole("alert", { name: "New destinations for billing" })).toBeNull();
  });
});
