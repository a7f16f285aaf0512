// The window over the fake platform, for screenshots of issue 8/9's pieces in headless Chromium
// (ui/shots/take.mjs): `?scene=` picks the state the fake starts in.
import "@fontsource-variable/inter/wght.css";
import "@fontsource-variable/jetbrains-mono/wght.css";
import "../src/styles/base.css";
import "../src/styles/profiles.css";
import "../src/styles/detail.css";
import "../src/styles/login.css";
import "../src/styles/forms.css";
import "../src/styles/tables.css";
import "../src/styles/export.css";
import "../src/styles/inspector.css";
import "../src/styles/rotation.css";

import { createRoot } from "react-dom/client";

import { App } from "../src/App";
import { fakeKey, fakeProfile, fakeSignedIn } from "../src/platform/fake-data";
import { fakePlatform } from "../src/platform/fake";

const due = {
  profile: "billing",
  kind: "api-key" as const,
  since: "2026-01-10T09:00:00Z",
  ageDays: 326,
  due: true,
  reason: "326 days old, past the 90-day rotation period",
};
const fake = fakePlatform({
  profiles: [
    fakeSignedIn("github", "alice", 240),
    fakeSignedIn("okta-admin", "alice@example.com", 3000),
    fakeProfile("billing", { strategy: "api-key", hasApiKey: true, status: "ready", apiKeyPlacement: "header:X-API-Key" }),
  ],
  keys: [fakeKey("signing"), fakeKey("idp", "RS384")],
  due: [due],
});
(window as unknown as { fake: typeof fake }).fake = fake;
createRoot(document.getElementById("root")!).render(<App platform={fake} />);
