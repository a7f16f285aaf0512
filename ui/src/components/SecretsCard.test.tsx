// A revealed secret counts down to when it hides again, second by second, on a fake clock. Clicks are
// fireEvent's: user-event waits on a real timer that Testing Library advances for Jest's fake clock only.
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { PlatformProvider } from "../lib/platform-context";
import { fakePlatform } from "../platform/fake";
import { fakeProfile } from "../platform/fake-data";
import { SecretsCard } from "./SecretsCard";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** Click, then let the platform's answer arrive (a resolved promise; no time passes). */
async function click(name: string) {
  fireEvent.click(screen.getByRole("button", { name }));
  await act(() => vi.advanceTimersByTimeAsync(0));
}

function renderCard() {
  const profile = fakeProfile("m2m", { strategy: "client-credentials", hasClientSecret: true });
  render(
    <PlatformProvider platform={fakePlatform({ profiles: [profile] })}>
      <SecretsCard profile={profile} />
    </PlatformProvider>,
  );
}

describe("a revealed secret", () => {
  it("shows the seconds until it hides, updated every second, then hides", async () => {
    renderCard();
    await click("Reveal client secret");

    const timer = screen.getByRole("timer", { name: "Client secret hides in 30 seconds" });
    expect(timer.textContent).toBe("Hides in 30 s");
    await act(() => vi.advanceTimersByTimeAsync(3_000));
    expect(timer.textContent).toBe("Hides in 27 s");
    expect(timer.getAttribute("aria-label")).toBe("Client secret hides in 27 seconds");
    expect(screen.getByLabelText("Client secret revealed")).toBeTruthy();

    await act(() => vi.advanceTimersByTimeAsync(27_000));
    expect(screen.queryByLabelText("Client secret revealed")).toBeNull();
    expect(screen.queryByRole("timer")).toBeNull();
    expect(screen.getByRole("button", { name: "Reveal client secret" })).toBeTruthy();
  });

  it("stops counting when hidden by hand", async () => {
    renderCard();
    await click("Reveal client secret");
    await click("Hide client secret");

    expect(screen.queryByRole("timer")).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
  });
});
