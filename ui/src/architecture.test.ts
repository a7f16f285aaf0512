// The UI's layering, checked: imports run downhill (pages → components → lib → platform, bindings below
// all), and only src/platform imports @tauri-apps/*, so every other layer runs against a fake in tests.
import { describe, expect, it } from "vitest";

const sources = import.meta.glob<string>(["./**/*.{ts,tsx}", "!./**/*.test.{ts,tsx}", "!./bindings/**"], {
  query: "?raw",
  import: "default",
  eager: true,
});

/** Higher layers may import lower ones; the entry (main.tsx, App.tsx) sits on top. */
const RANK: Record<string, number> = { bindings: 0, platform: 1, lib: 2, components: 3, pages: 4, entry: 5 };

function layerOf(path: string): string {
  const top = path.replace(/^\.\//, "").split("/")[0]!;
  return top in RANK ? top : "entry";
}

function resolve(from: string, spec: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const seg of spec.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== ".") parts.push(seg);
  }
  return parts.join("/");
}

const imports = Object.entries(sources).flatMap(([file, text]) =>
  [...text.matchAll(/(?:^|;)\s*(?:import|export)\b[^'"]*?from\s+["']([^"']+)["']|(?:^|;)\s*import\s+["']([^"']+)["']/gm)].map(
    (m) => ({ file, spec: (m[1] ?? m[2])! }),
  ),
);

describe("ui architecture", () => {
  it("finds the sources it checks", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(10);
    expect(imports.length).toBeGreaterThan(20);
  });

  it("imports @tauri-apps only in src/platform", () => {
    const offenders = imports.filter((i) => i.spec.startsWith("@tauri-apps/") && layerOf(i.file) !== "platform");
    expect(offenders).toEqual([]);
  });

  it("imports only downhill or within a layer", () => {
    const upward = imports
      .filter((i) => i.spec.startsWith("."))
      .map((i) => ({ ...i, to: layerOf(resolve(i.file, i.spec)) }))
      .filter((i) => RANK[i.to]! > RANK[layerOf(i.file)]!);
    expect(upward).toEqual([]);
  });
});
