// The audit log against the fake platform: newest first, actions in words, outcomes, search, and empty.
import { cleanup, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import type { AuditEvent } from "../bindings/AuditEvent";
import { renderAt } from "../test-utils";

afterEach(() => {
  cleanup();
  window.location.hash = "";
});

const event = (at: string, action: AuditEvent["action"], profile: string, outcome: AuditEvent["outcome"], detail?: string): AuditEvent => ({
  at,
  action,
  profile,
  outcome,
  detail: detail ?? null,
});

describe("Audit log", () => {
  const audit = [
    event("2026-11-20T10:00:00Z", "profile-added", "github", "ok"),
    event("2026-11-20T10:01:00Z", "login", "github", "ok", "signed in as alice"),
    event("2026-11-20T11:00:00Z", "token-refused", "github", "failed", "the token endpoint refused: invalid_grant"),
  ];

  it("lists events newest first with what, which profile, the outcome and the detail", async () => {
    renderAt("#/audit", { audit });

    const table = await screen.findByRole("table", { name: "Audit events" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => (r as HTMLTableRowElement).cells[1]?.textContent)).toEqual(["Token refused", "Login", "Profile added"]);
    expect(rows[0]!.textContent).toContain("Failed");
    expect(rows[1]!.textContent).toContain("signed in as alice");
    expect(screen.getByText("3 events · never a secret")).toBeTruthy();
  });

  it("shows a cancelled sign-in as cancelled, not as a failure", async () => {
    renderAt("#/audit", { audit: [event("2026-11-20T10:00:00Z", "login", "github", "cancelled")] });
    const table = await screen.findByRole("table", { name: "Audit events" });
    const row = within(table).getAllByRole("row")[1]!;
    expect(row.textContent).toContain("Cancelled");
    expect(row.textContent).not.toContain("Failed");
    expect(row.querySelector(".pill-none")).toBeTruthy();
  });

  it("filters by any column", async () => {
    const { user } = renderAt("#/audit", { audit });
    await user.type(await screen.findByRole("searchbox", { name: "Search the audit log" }), "failed");

    const rows = within(screen.getByRole("table", { name: "Audit events" })).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(1);
    await user.type(screen.getByRole("searchbox"), " nothing-like-this");
    expect(screen.getByRole("status").textContent).toContain("No event matches");
  });

  it("says what will appear when nothing was recorded yet", async () => {
    renderAt("#/audit", { audit: [] });
    expect(await screen.findByRole("region", { name: "Nothing recorded yet" })).toBeTruthy();
  });

  it("the sidebar marks the section and leads there", async () => {
    const { user } = renderAt("#/profiles", { audit });
    await user.click(await screen.findByRole("link", { name: "Audit log" }));
    expect(window.location.hash).toBe("#/audit");
    expect((await screen.findByRole("link", { name: "Audit log" })).getAttribute("aria-current")).toBe("page");
  });
});
