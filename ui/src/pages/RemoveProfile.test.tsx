// Removing a profile from its page, against the fake platform: a signed-in one can be logged out first (its
// tokens revoked, then the profile removed), a failed logout keeps it and says so, and the list confirms the
// removal with a status line that goes away.
import { act, cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { FLASH_MS } from "../lib/flash";
import { fakeProfile, fakeSignedIn } from "../platform/fake-data";
import { renderAt } from "../test-utils";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const dialog = () => screen.getByRole("alertdialog", { name: "Remove github?" });

describe("Remove", () => {
  it("offers Log out and remove for a signed-in profile: it revokes, removes, and the list says so", async () => {
    const { user, fake } = renderAt("#/profiles/github", { profiles: [fakeSignedIn("github", "alice", 3600), fakeProfile("keep")] });
    await user.click(await screen.findByRole("button", { name: "Remove" }));

    expect(dialog().textContent).toContain("they stay valid at the provider until they expire");
    expect(within(dialog()).getByRole("button", { name: "Remove" })).toBeTruthy();
    await user.click(within(dialog()).getByRole("button", { name: "Log out and remove" }));

    await waitFor(() => expect(window.location.hash).toBe("#/profiles"));
    expect(fake.calls.map((c) => c.method).filter((m) => m === "logout" || m === "removeProfile")).toEqual(["logout", "removeProfile"]);
    expect(fake.callsTo("logout")).toEqual([["github"]]);
    const status = await screen.findByRole("status");
    expect(status.textContent).toBe("Removed github. The provider revoked its refresh token first.");
    expect(await screen.findByText("1 profile")).toBeTruthy();
  });

  it("a failed logout keeps the profile and says so; Remove still removes it without revoking", async () => {
    const { user, fake } = renderAt("#/profiles/github", { profiles: [fakeSignedIn("github", "alice", 3600)] });
    fake.failNext("logout", { code: "network", message: "could not reach the revocation endpoint", remedy: { kind: "checkNetwork" } });
    await user.click(await screen.findByRole("button", { name: "Remove" }));
    await user.click(within(dialog()).getByRole("button", { name: "Log out and remove" }));

    const alert = await within(dialog()).findByRole("alert");
    expect(alert.textContent).toContain("could not reach the revocation endpoint");
    expect(dialog().textContent).toContain("Logging out failed, so github was kept.");
    expect(fake.callsTo("removeProfile")).toHaveLength(0);
    expect(fake.profiles.has("github")).toBe(true);
    expect(window.location.hash).toBe("#/profiles/github");
    expect(dialog().contains(document.activeElement)).toBe(true);

    await user.click(within(dialog()).getByRole("button", { name: "Remove" }));
    await waitFor(() => expect(window.location.hash).toBe("#/profiles"));
    expect(fake.callsTo("removeProfile")).toEqual([["github"]]);
    expect(fake.callsTo("logout")).toHaveLength(1);
    expect((await screen.findByRole("status")).textContent).toBe("Removed github.");
  });

  it("a profile without tokens has only Remove; the list's confirmation goes away after a few seconds", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { user, fake } = renderAt("#/profiles/github", { profiles: [fakeProfile("github"), fakeProfile("keep")] });
    await user.click(await screen.findByRole("button", { name: "Remove" }));

    expect(within(dialog()).queryByRole("button", { name: "Log out and remove" })).toBeNull();
    expect(dialog().textContent).not.toContain("stay valid");
    await user.click(within(dialog()).getByRole("button", { name: "Remove" }));

    expect((await screen.findByRole("status")).textContent).toBe("Removed github.");
    expect(fake.callsTo("logout")).toHaveLength(0);
    await act(() => vi.advanceTimersByTimeAsync(FLASH_MS));
    expect(screen.queryByRole("status")).toBeNull();
    expect(screen.getByText("1 profile")).toBeTruthy();
  });

  it("the confirmation shows once: back on the list later, it is gone", async () => {
    const { user } = renderAt("#/profiles/github", { profiles: [fakeProfile("github"), fakeProfile("keep")] });
    await user.click(await screen.findByRole("button", { name: "Remove" }));
    await user.click(within(dialog()).getByRole("button", { name: "Remove" }));
    expect((await screen.findByRole("status")).textContent).toBe("Removed github.");

    window.location.hash = "#/profiles/keep";
    await screen.findByRole("heading", { name: "keep" });
    window.location.hash = "#/profiles";
    expect(await screen.findByText("1 profile")).toBeTruthy();
    expect(screen.queryByText("Removed github.")).toBeNull();
  });
});
