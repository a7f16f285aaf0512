// Time as the UI shows it: "in 42 min", "3 h ago" (one wording, `relative`), and a clock that ticks so those
// stay true.
import { useEffect, useState } from "react";

/** Unix seconds now, updated every `everyMs` (expiry texts stay current while the window is open). */
export function useNowSecs(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Math.floor(Date.now() / 1000));
  useEffect(() => {
    const id = setInterval(() => setNow(Math.floor(Date.now() / 1000)), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** Whole seconds left until `deadlineMs` (a Date.now() instant), rounded up and never below 0, updated every
 * second. Mount it with its deadline (it counts from when it first renders). */
export function useSecondsLeft(deadlineMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  return Math.max(0, Math.ceil((deadlineMs - now) / 1000));
}

/** A span in words, the one wording of lengths of time in the UI: under a minute in seconds ("59 s"), under
 * 90 minutes in minutes ("61 min", "89 min"), under 48 hours in hours and minutes ("1 h 30 min", "25 h"),
 * then in days ("3 days"). Whole units, rounded down; the sign is ignored (`relative` words it). */
export function duration(secs: number): string {
  const s = Math.floor(Math.abs(secs));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 90) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} days`;
}

/** How far an instant is from now, `deltaSecs` = instant − now: "in 42 min" ahead, "1 h 1 min ago" behind,
 * "just now" up to 5 s behind (so a moment ago never reads "0 s ago"). Every relative time the UI shows goes
 * through here. */
export function relative(deltaSecs: number): string {
  if (deltaSecs > 0) return `in ${duration(deltaSecs)}`;
  return deltaSecs > -5 ? "just now" : `${duration(deltaSecs)} ago`;
}

/** `relative` for something that has happened (an audit event, a change): a clock a tick behind it says
 * "just now", never "in 12 s". */
export function since(atSecs: number, nowSecs: number): string {
  return relative(Math.min(0, atSecs - nowSecs));
}

/** A Unix-seconds instant as an ISO string, for `<time dateTime>` and tooltips. */
export function isoTime(unixSecs: number): string {
  return new Date(unixSecs * 1000).toISOString();
}

/** A countdown as a clock: "59:07", "1:02:03"; "0:00" once past. */
export function clock(secs: number): string {
  const s = Math.max(0, Math.floor(secs));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}
