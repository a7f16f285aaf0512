// Vite builds ui/ into ui/dist, which the app embeds (tauri.conf.json: build.frontendDist). No React plugin:
// Vite 8 compiles TSX itself (automatic JSX runtime); the plugin would only add fast refresh in dev.
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Tauri's dev window loads http://localhost:5173 (build.devUrl): the port must not wander.
  server: { port: 5173, strictPort: true },
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Small assets are inlined as data: URIs; the CSP allows data: only for images, so keep fonts as files.
    assetsInlineLimit: 0,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    // A test walks through a whole flow with user-event (the rotation wizard types, confirms and waits on five
    // steps): about 2 s here, but past vitest's 5 s default on a loaded 2-core CI runner, where one timed out.
    testTimeout: 30_000,
    // Vitest empties CSS by default; the focus test reads the stylesheets (as ?raw text) to check the cascade.
    css: { include: [/src\/styles\/.*\.css/] },
  },
});
