// Builds bench/ui (the window's UI over the fake platform) with ui/'s own Vite and packages; bench/ui has no
// node_modules of its own, so the bare imports resolve into ui/node_modules.
import { fileURLToPath } from "node:url";

const ui = fileURLToPath(new URL("../../ui/node_modules/", import.meta.url));
export default {
  root: fileURLToPath(new URL(".", import.meta.url)),
  logLevel: "warn",
  resolve: {
    alias: [
      { find: /^react-dom(.*)$/, replacement: `${ui}react-dom$1` },
      { find: /^react(.*)$/, replacement: `${ui}react$1` },
      { find: /^@fontsource-variable\/(.*)$/, replacement: `${ui}@fontsource-variable/$1` },
    ],
  },
  build: { outDir: process.env.KW_BENCH_UI_OUT, emptyOutDir: true, target: "es2022", assetsInlineLimit: 0 },
};
