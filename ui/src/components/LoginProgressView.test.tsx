// The login view tells the truth about the browser: a tick only when its launch worked, and when it could
// not be started or nothing reached Keyward from it, the "Browser did not open?" part opens by itself with
// the address and a Copy button that copies in the backend.
import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";

import type { LoginProgress } from "../bindings/LoginProgress";
import { PlatformProvider } from "../lib/platform-context";
import { advance, type LoginState } from "../lib/use-login";
import { fakePlatform, type FakePlatform } from "../platform/fake";
import { fakeProfile } from "../platform/fake-data";
import { renderAt } from "../test-utils";
import { LoginProgressView } from "./LoginProgressView";

afterEach(cleanup);

const URL = "https://idp.example.com/auth?client_id=native-app&state=s&code_challenge=c";

/** The state after these steps, folded as the hook folds them. */
function after(...steps: LoginProgress[]): LoginState {
  return steps.reduce<LoginState | null>((s, step) => advance(s, "demo", step, 0), null)!;
}

const opening: LoginProgress = { step: "openingBrowser", url: URL };
const waiting: LoginProgress = { step: "waitingForUser", redirectUri: "http://127.0.0.1:4000/callback", timeoutSecs: 120 };

function renderView(state: LoginState, fake: FakePlatform = fakePlatform({ profiles: [fakeProfile("demo")] })) {
  render(
    <PlatformProvider platform={fake}>
      <LoginProgressView progress={state} onCancel={() => {}} cancelling={false} />
    </PlatformProvider>,
  );
  return { fake, user: userEvent.setup() };
}

const browserStep = () => screen.getAllByRole("listitem")[0]!;
const disclosure = () => screen.getByText("Browser did not open?").closest("details")!;

describe("the browser step", () => {
  it("has no tick while the browser is being started", () => {
    renderView(after(opening));
    expect(browserStep().textContent).not.toContain("✓");
    expect(browserStep().getAttribute("aria-current")).toBe("step");
    expect(disclosure().open).toBe(false);
  });

  it("is ticked once the launch worked, the address waiting behind the closed disclosure", () => {
    renderView(after(opening, waiting));
    expect(browserStep().textContent).toContain("✓");
    expect(browserStep().className).toContain("step-done");
    expect(disclosure().open).toBe(false);
    expect(within(disclosure()).getByText(URL)).toBeTruthy();
  });

  it("says the browser did not open, with why, and opens the disclosure by itself", () => {
    const reason = '$BROWSER entry "nope": No such file or directory (os error 2)';
    renderView(after(opening, { step: "browserFailed", url: URL, reason }, waiting));
    expect(browserStep().textContent).not.toContain("✓");
    expect(browserStep().textContent).toContain("Your browser did not open");
    expect(disclosure().open).toBe(true);
    expect(disclosure().textContent).toContain(reason);
    expect(within(disclosure()).getByText(URL)).toBeTruthy();
  });

  it("loses its tick when nothing reached Keyward, and opens the disclosure by itself", () => {
    renderView(after(opening, waiting, { step: "browserSilent", url: URL, afterSecs: 8 }));
    expect(browserStep().textContent).not.toContain("✓");
    expect(browserStep().textContent).toContain("Your browser has not connected yet");
    expect(disclosure().open).toBe(true);
  });

  it("is ticked again when the browser connects after all", () => {
    renderView(after(opening, waiting, { step: "browserSilent", url: URL, afterSecs: 8 }, { step: "browserConnected" }));
    expect(browserStep().textContent).toContain("✓");
    expect(browserStep().textContent).toContain("Opening your browser");
  });
});

describe("Copy address", () => {
  it("copies in the backend (the platform's copyLoginUrl for this profile) and says so", async () => {
    const fake = fakePlatform({ profiles: [fakeProfile("demo")] });
    const { user } = renderView(after(opening, { step: "browserFailed", url: URL, reason: "no browser" }, waiting), fake);
    await user.click(within(disclosure()).getByRole("button", { name: "Copy address" }));
    expect(fake.callsTo("copyLoginUrl")).toEqual([["demo"]]);
    // The fake has no login waiting here: the view says the copy failed rather than pretend.
    expect((await within(disclosure()).findByRole("alert")).textContent).toContain("Could not copy");
  });

  it("works through a real login on the profile page: a silent browser opens the disclosure, Copy copies", async () => {
    const fake = fakePlatform({ profiles: [fakeProfile("demo")] });
    fake.loginMode = "hold";
    fake.browserMode = "silent";
    const { user } = renderAt("#/profiles/demo", fake);
    await user.click(await screen.findByRole("button", { name: "Log in" }));
    const progress = await screen.findByRole("region", { name: "Login progress" });
    await waitFor(() => expect(within(progress).getByText("Browser did not open?").closest("details")!.open).toBe(true));
    expect(within(progress).queryByText("✓")).toBeNull();
    await user.click(within(progress).getByRole("button", { name: "Copy address" }));
    expect(await within(progress).findByText("Address copied.")).toBeTruthy();
    expect(fake.callsTo("copyLoginUrl")).toEqual([["demo"]]);
    fake.finishLogin();
    await waitFor(() => expect(screen.queryByRole("region", { name: "Login progress" })).toBeNull());
  });
});

describe("advance", () => {
  it("keeps a failure that arrived together with the next step (nothing is lost to batching)", () => {
    const state = after(opening, { step: "browserFailed", url: URL, reason: "no browser" }, waiting);
    expect(state).toMatchObject({ profile: "demo", step: "waitingForUser", browser: "failed", url: URL, reason: "no browser" });
    expect(state.deadline).toBe(120_000);
  });

  it("takes the code exchange as proof that the browser was there", () => {
    expect(after(opening, waiting, { step: "browserSilent", url: URL, afterSecs: 8 }, { step: "exchangingCode" }).browser).toBe(
      "connected",
    );
  });
});
