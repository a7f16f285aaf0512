// The app's entry: the Tauri platform, the fonts and styles, the shell and its pages.
import "@fontsource-variable/inter/wght.css";
import "@fontsource-variable/jetbrains-mono/wght.css";
import "./styles/base.css";
import "./styles/profiles.css";
import "./styles/detail.css";
import "./styles/login.css";
import "./styles/forms.css";
import "./styles/tables.css";
import "./styles/export.css";
import "./styles/inspector.css";
import "./styles/rotation.css";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { tauriPlatform } from "./platform/tauri";

const root = document.getElementById("root");
if (!root) throw new Error("index.html lost its #root");
createRoot(root).render(
  <StrictMode>
    <App platform={tauriPlatform} />
  </StrictMode>,
);
