// The credential panel's notices stay true as time passes, on a fake clock: the copy notice counts down to
// the clipboard's clearing and then says it was cleared; "it expires in…" never outlives the token. Clicks
// are fireEvent's: user-event waits on real timers.
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { ProfileView } from "../bindings/ProfileView";
import { PlatformProvider } from "../lib/platform-context";
import { fakePlatform, type FakePlatform } from "../platform/fake";
import { fakeProfile, fakeSignedIn, fakeToken } from "../platform/fake-data";
import { CredentialPanel } from "./CredentialPanel";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function renderPanel(profile: ProfileView, fake: FakePlatform = fakePlatform({ profiles: [profile] })) {
  render(
    <PlatformProvider platform={fake}>
      <CredentialPanel profile={profile} onChanged={() => {}} fixes={{}} />
    </PlatformProvider>,
  );
  return fake;
}

/** Click, then let the platform's answer arrive (a resolved promise; no time passes). */
async function click(name: string) {
  fireEvent.click(screen.getByRole("button", { name }));
  await act(() => vi.advanceTimersByTimeAsync(0));
}

const notice = () => screen.getByRole("status");

describe("the copy notice", () => {
  it("counts down to the clipboard's clearing, then says it was cleared", async () => {
    const fake = renderPanel(fakeSignedIn("github", "alice", 3600));
    await click("Copy access token");

    expect(fake.callsTo("copyAccessToken")).toEqual([["github"]]);
    expect(notice().textContent).toContain("Access token copied to the clipboard. It is cleared in 60 s");
    const timer = within(notice()).getByRole("timer", { name: "Clipboard clears in 60 seconds" });
    expect(timer.textContent).toBe("1:00");

    await act(() => vi.advanceTimersByTimeAsync(18_000));
    expect(timer.textContent).toBe("0:42");
    expect(timer.getAttribute("aria-label")).toBe("Clipboard clears in 42 seconds");

    await act(() => vi.advanceTimersByTimeAsync(42_000));
    expect(notice().textContent).toContain("Access token cleared from the clipboard 60 s after copying");
    expect(notice().textContent).not.toContain("It is cleared in");
    expect(screen.queryByRole("timer")).toBeNull();
  });

  it("a second copy starts the countdown again", async () => {
    renderPanel(fakeSignedIn("github", "alice", 3600));
    await click("Copy access token");
    await act(() => vi.advanceTimersByTimeAsync(50_000));
    await click("Copy access token");

    expect(screen.getByRole("timer", { name: "Clipboard clears in 60 seconds" })).toBeTruthy();
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(screen.getByRole("timer", { name: "Clipboard clears in 30 seconds" })).toBeTruthy();
  });

  it("says API key for an API key", async () => {
    renderPanel(fakeProfile("stripe", { strategy: "api-key", hasApiKey: true, status: "ready" }));
    await click("Copy API key");

    expect(notice().textContent).toContain("API key copied to the clipboard");
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(notice().textContent).toContain("API key cleared from the clipboard");
  });
});

describe("the token notice", () => {
  it("says when the token expires, and that it has expired once it has", async () => {
    const m2m = fakeProfile("m2m", { strategy: "client-credentials", url: "https://auth.example.com/token", hasClientSecret: true });
    const fake = fakePlatform({ profiles: [m2m] });
    fake.override("getToken", async () => fakeToken(null, 120));
    renderPanel(m2m, fake);
    await click("Get token");

    expect(notice().textContent).toBe("Got a valid access token; it expires in 2 min.");
    await act(() => vi.advanceTimersByTimeAsync(135_000));
    expect(notice().textContent).toBe("Got a valid access token; it has expired since (15 s ago).");
  });
});
