// The window's UI (ui/src/App) over the fake platform holding ?n= profiles, for bench/ui_scale.mjs: the
// same React tree and stylesheets as the app, with the Tauri platform replaced by the in-memory one (the
// list's cost is the UI's; the core's `profile list` is measured on its own). Marks the start of the render
// in window.__kwRenderStart.
import "@fontsource-variable/inter/wght.css";
import "@fontsource-variable/jetbrains-mono/wght.css";
import "../../ui/src/styles/base.css";
import "../../ui/src/styles/profiles.css";
import "../../ui/src/styles/detail.css";
import "../../ui/src/styles/login.css";
import "../../ui/src/styles/forms.css";
import "../../ui/src/styles/tables.css";
import "../../ui/src/styles/export.css";
import "../../ui/src/styles/inspector.css";
import "../../ui/src/styles/rotation.css";

import { createElement, StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "../../ui/src/App";
import { fakePlatform } from "../../ui/src/platform/fake";
import { fakeProfile, fakeSignedIn } from "../../ui/src/platform/fake-data";

const n = Number(new URLSearchParams(location.search).get("n") ?? "1000");
const kinds = ["pkce", "client-credentials", "api-key", "private-key-jwt"];
const profiles = Array.from({ length: n }, (_, i) => {
  const name = `svc-${String(i).padStart(4, "0")}`;
  // A mix like a real config: a third signed in (with a token and its expiry), the rest of each strategy.
  return i % 3 === 0 ? fakeSignedIn(name, `user${i}@example.com`, 600 + i) : fakeProfile(name, { strategy: kinds[i % 4] } as never);
});
const root = document.getElementById("root");
if (!root) throw new Error("index.html lost its #root");
(window as unknown as { __kwRenderStart: number }).__kwRenderStart = performance.now();
createRoot(root).render(createElement(StrictMode, null, createElement(App, { platform: fakePlatform({ profiles }) })));
