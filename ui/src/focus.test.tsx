// Keyboard focus, checked across the app: every control the Tab key reaches shows a focus ring, and the first
// stop is a skip link to the page. jsdom computes no styles, so the ring is checked with a small cascade over
// the app's own stylesheets (in main.tsx's order): for each control Tab reaches on each page, the `outline`
// that wins (by !important, specificity, then order) must be a solid ring at least 2 px wide. An outline,
// because a box-shadow ring is what a control's own shadow (buttons, inputs, cards) silently replaced.
import { cleanup, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import main from "./main.tsx?raw";
import { fakeKey, fakeProfile, fakeSignedIn } from "./platform/fake-data";
import { renderAt } from "./test-utils";

afterEach(() => {
  cleanup();
  window.location.hash = "";
});

const sheets = import.meta.glob<string>("./styles/*.css", { query: "?raw", import: "default", eager: true });

type Specificity = [number, number, number];
interface Declaration {
  property: string;
  selector: string;
  value: string;
  important: boolean;
  specificity: Specificity;
  order: number;
}

/** The stylesheets in the order main.tsx imports them (the cascade's order). */
function stylesheets(): string[] {
  const order = [...main.matchAll(/import\s+["']\.\/(styles\/[^"']+\.css)["']/g)].map((m) => `./${m[1]}`);
  expect(order.length).toBe(Object.keys(sheets).length);
  return order.map((path) => sheets[path]!);
}

/** Split at top-level commas (not those inside `:not(a, b)`). */
function splitList(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      out.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(list.slice(start).trim());
  return out.filter(Boolean);
}

function specificity(selector: string): Specificity {
  let [ids, classes, types] = [0, 0, 0];
  let rest = selector.replace(/:(not|is|has|where)\(([^()]*)\)/g, (_, fn: string, args: string) => {
    if (fn !== "where") {
      const [a, b, c] = splitList(args)
        .map(specificity)
        .reduce((x, y) => (compare(x, y) >= 0 ? x : y));
      [ids, classes, types] = [ids + a, classes + b, types + c];
    }
    return "";
  });
  if (rest.includes("(")) throw new Error(`the test's specificity does not read ${selector}`);
  const count = (re: RegExp) => {
    const n = rest.match(re)?.length ?? 0;
    rest = rest.replace(re, "");
    return n;
  };
  classes += count(/\[[^\]]*\]/g);
  ids += count(/#[\w-]+/g);
  classes += count(/\.[\w-]+/g) + count(/:[\w-]+/g);
  types += rest.split(/[\s>+~]+/).filter((t) => /^[a-z][\w-]*$/i.test(t)).length;
  return [ids, classes, types];
}

function compare(a: Specificity, b: Specificity): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Every declaration of `property` in the stylesheets, with the selector it applies under. */
function declarations(property: string): Declaration[] {
  const out: Declaration[] = [];
  let order = 0;
  for (const sheet of stylesheets()) {
    const css = sheet.replace(/\/\*[\s\S]*?\*\//g, "").replace(/@keyframes[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}/g, "");
    for (const [, prelude, body] of css.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
      for (const decl of body!.split(";")) {
        const colon = decl.indexOf(":");
        if (colon < 0) continue;
        const name = decl.slice(0, colon).trim();
        if (name.startsWith(`${property}-`) && name !== "outline-offset") {
          throw new Error(`the test reads the ${property} shorthand only, not ${name}`);
        }
        if (name !== property) continue;
        const raw = decl.slice(colon + 1).trim();
        const important = /!important$/.test(raw);
        const value = raw.replace(/\s*!important$/, "");
        for (const selector of splitList(prelude!.trim())) {
          // A pseudo-element's style is not the element's own.
          if (selector.includes("::")) continue;
          out.push({ property, selector, value, important, specificity: specificity(selector), order: order++ });
        }
      }
    }
  }
  return out;
}

/** Which of `all` (one property's declarations) wins on `el`, focused as the keyboard leaves it: its value. */
function winning(el: Element, all: Declaration[]): string | undefined {
  const applying = all.filter((d) => matches(el, d.selector));
  applying.sort((a, b) => Number(a.important) - Number(b.important) || compare(a.specificity, b.specificity) || a.order - b.order);
  return applying.at(-1)?.value;
}

/** Whether `selector` matches `el`, which has focus: `:focus-visible` is read as `:focus` (the test focuses
 * by script, and the ring is for the keyboard focus that `:focus` also matches). */
function matches(el: Element, selector: string): boolean {
  return el.matches(selector.replace(/:focus-visible/g, ":focus"));
}

/** A ring: an outline at least 2 px wide and solid, in a colour (the accent). */
function isRing(outline: string | undefined): boolean {
  if (!outline) return false;
  const width = /(\d+(?:\.\d+)?)px/.exec(outline);
  return width !== null && Number(width[1]) >= 2 && /\bsolid\b/.test(outline) && /var\(--|#|rgb/.test(outline);
}

const TABBABLE = 'a[href], button:not(:disabled), input:not(:disabled), select, textarea, summary, [tabindex]:not([tabindex="-1"])';

/** The controls Tab reaches on the page shown now (not those folded away in a closed <details>). */
function tabbables(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>(TABBABLE)].filter((el) => {
    const closed = el.closest("details:not([open])");
    return !closed || el === closed.querySelector("summary");
  });
}

function describeEl(el: HTMLElement): string {
  const name = el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 30) ?? "";
  const type = el.getAttribute("type");
  return `${el.tagName.toLowerCase()}${type ? `[type=${type}]` : ""}${[...el.classList].map((c) => `.${c}`).join("")} "${name}"`;
}

/** The controls on this page whose focus shows no ring. */
function withoutRing(): string[] {
  const outlines = declarations("outline");
  const found = tabbables();
  expect(found.length).toBeGreaterThan(3);
  return found.flatMap((el) => {
    el.focus();
    expect(document.activeElement).toBe(el);
    return isRing(winning(el, outlines)) ? [] : [describeEl(el)];
  });
}

describe("the focus ring", () => {
  it("reads the stylesheets it checks", () => {
    const outlines = declarations("outline");
    expect(outlines.length).toBeGreaterThan(0);
    expect(specificity('.nav-item[aria-current="page"]')).toEqual([0, 2, 0]);
    expect(specificity("input:not([type])")).toEqual([0, 1, 1]);
    expect(specificity(".button:hover:not(:disabled)")).toEqual([0, 3, 0]);
  });

  it("shows on every control of the profiles list, the sidebar's active item included", async () => {
    renderAt("#/profiles", { profiles: [fakeSignedIn("github", "alice@example.com", 3600), fakeProfile("m2m", { strategy: "client-credentials" })] });
    await screen.findByRole("list", { name: /profiles/i });
    expect(withoutRing()).toEqual([]);
  });

  it("shows on the strategy cards and on every field of the form", async () => {
    const { user } = renderAt("#/add");
    await screen.findByRole("list", { name: "Strategies" });
    expect(withoutRing()).toEqual([]);

    await user.click(screen.getByRole("button", { name: /Log in \(authorization code/ }));
    await user.click(screen.getByText(/More settings/));
    expect(screen.getByRole("combobox")).toBeTruthy();
    expect(withoutRing()).toEqual([]);
  });

  it("shows on a profile's actions and Try a request", async () => {
    renderAt("#/profiles/m2m", { profiles: [fakeProfile("m2m", { strategy: "client-credentials", hasClientSecret: true })] });
    await screen.findByRole("button", { name: "Reveal client secret" });
    expect(withoutRing()).toEqual([]);
  });

  it("shows on the keys page's tabs and checkboxes", async () => {
    renderAt("#/keys", { keys: [fakeKey("signing")] });
    await screen.findByRole("table", { name: "Key pairs" });
    expect(withoutRing()).toEqual([]);
  });
});

describe("the skip link", () => {
  it("is the first stop of Tab and moves focus to the page", async () => {
    const { user } = renderAt("#/profiles", { profiles: [fakeProfile("demo")] });
    await screen.findByRole("list", { name: /profiles/i });

    await user.tab();
    const skip = screen.getByRole("link", { name: "Skip to content" });
    expect(document.activeElement).toBe(skip);
    await user.keyboard("{Enter}");
    expect(document.activeElement).toBe(screen.getByRole("main"));
    expect(window.location.hash).toBe("#/profiles");

    // The next Tab goes on into the page (its search box), past the sidebar.
    await user.tab();
    expect(document.activeElement).toBe(within(screen.getByRole("main")).getByRole("searchbox", { name: "Search profiles" }));
  });
});
