// Time as the UI shows it: "in 42 min", "3 h ago", and a clock that ticks so those stay true.
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

/** A duration in words, coarse on purpose: "less than a minute", "42 min", "3 h 5 min", "2 days". */
export function duration(secs: number): string {
  const s = Math.abs(secs);
  if (s < 60) return "less than a minute";
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  const days = Math.floor(h / 24);
  return days === 1 ? "1 day" : `${days} days`;
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
