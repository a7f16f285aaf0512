// For page tests: the whole app at a route, over a fake platform, and the user who clicks and types.
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { App } from "./App";
import { fakePlatform, type FakeOptions, type FakePlatform } from "./platform/fake";

/** Render the app at `hash` (e.g. "#/profiles/demo") over `platform` (a fresh fake by default). */
export function renderAt(hash: string, platform: FakePlatform | FakeOptions = {}) {
  window.location.hash = hash;
  const fake = "callsTo" in platform ? (platform as FakePlatform) : fakePlatform(platform as FakeOptions);
  const user = userEvent.setup();
  const view = render(<App platform={fake} />);
  return { fake, user, ...view };
}
