// The one wording of relative times: its unit boundaries, both directions, and the clock.
import { describe, expect, it } from "vitest";

import { clock, duration, relative, since } from "./time";

const MIN = 60;
const H = 3600;
const DAY = 86400;

describe("duration", () => {
  it.each([
    [0, "0 s"],
    [59, "59 s"],
    [60, "1 min"],
    [61 * MIN, "61 min"],
    [89 * MIN, "89 min"],
    [89 * MIN + 59, "89 min"],
    [90 * MIN, "1 h 30 min"],
    [2 * H, "2 h"],
    [25 * H, "25 h"],
    [25 * H + MIN, "25 h 1 min"],
    [47 * H + 59 * MIN, "47 h 59 min"],
    [48 * H, "2 days"],
    [3 * DAY, "3 days"],
    [3 * DAY + 23 * H, "3 days"],
  ])("%i s is %s", (secs, words) => {
    expect(duration(secs)).toBe(words);
    expect(duration(-secs)).toBe(words);
  });

  it("rounds a fraction of a second down", () => {
    expect(duration(59.9)).toBe("59 s");
  });
});

describe("relative", () => {
  it.each([
    [59, "in 59 s", "59 s ago"],
    [60, "in 1 min", "1 min ago"],
    [61 * MIN, "in 61 min", "61 min ago"],
    [89 * MIN, "in 89 min", "89 min ago"],
    [90 * MIN, "in 1 h 30 min", "1 h 30 min ago"],
    [25 * H, "in 25 h", "25 h ago"],
    [3 * DAY, "in 3 days", "3 days ago"],
  ])("%i s ahead and behind", (secs, ahead, behind) => {
    expect(relative(secs)).toBe(ahead);
    expect(relative(-secs)).toBe(behind);
  });

  it("says just now for the last few seconds, never 0 s ago", () => {
    expect(relative(0)).toBe("just now");
    expect(relative(-4)).toBe("just now");
    expect(relative(-5)).toBe("5 s ago");
    expect(relative(1)).toBe("in 1 s");
  });
});

describe("since", () => {
  it("words a past instant, and one a stale clock puts ahead as just now", () => {
    expect(since(1000 - 2 * H, 1000)).toBe("2 h ago");
    expect(since(1012, 1000)).toBe("just now");
  });
});

describe("clock", () => {
  it("counts down as m:ss or h:mm:ss, and 0:00 once past", () => {
    expect(clock(59 * MIN + 7)).toBe("59:07");
    expect(clock(H + 2 * MIN + 3)).toBe("1:02:03");
    expect(clock(-5)).toBe("0:00");
  });
});
