// Code, commands and keys are shown as typed: the monospace font's ligatures and contextual alternates
// would turn a deploy command's "!=" into "≠" and "->" into an arrow, which a person then copies wrong.
import { describe, expect, it } from "vitest";

const sheets = import.meta.glob<string>("./styles/*.css", { query: "?raw", import: "default", eager: true });

describe("the monospace font", () => {
  it("has its ligatures off in every rule that sets it", () => {
    const offenders: string[] = [];
    for (const [file, css] of Object.entries(sheets)) {
      for (const rule of css.replace(/\/\*[\s\S]*?\*\//g, "").split("}")) {
        if (/font-family:\s*var\(--mono\)/.test(rule) && !/font-variant-ligatures:\s*none/.test(rule)) {
          offenders.push(`${file}: ${(rule.split("{")[0] ?? "").trim()}`);
        }
      }
    }
    expect(Object.keys(sheets).length).toBeGreaterThan(3);
    expect(offenders).toEqual([]);
  });
});
