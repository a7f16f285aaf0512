// A browser login from the window: its progress steps as they stream in (folded into what the view shows,
// so no step is lost when two arrive together), Cancel, and how it ended. Leaving the page cancels a login
// still waiting, so no browser tab completes a login nobody is watching.
import { useCallback, useEffect, useRef, useState } from "react";

import type { AppError } from "../bindings/AppError";
import type { LoginProgress } from "../bindings/LoginProgress";
import type { TokenMeta } from "../bindings/TokenMeta";
import { toAppError } from "../platform/platform";
import { usePlatform } from "./platform-context";

/** What is known of the browser: being started, started (its launch worked, nothing more is known yet),
 * failed to start, silent (nothing reached Keyward a few seconds after it started), or connected. */
export type BrowserState = "opening" | "started" | "failed" | "silent" | "connected";

/** A login under way as the view shows it: every step so far, folded. */
export interface LoginState {
  profile: string;
  /** The step the login is at; news of the browser does not move it. */
  step: "openingBrowser" | "waitingForUser" | "exchangingCode";
  browser: BrowserState;
  /** The address the browser was sent to, for opening by hand. */
  url: string | null;
  /** Why the browser could not be started. */
  reason: string | null;
  /** When the wait for the user ends (a Date.now() instant). */
  deadline: number | null;
}

/** Fold one progress step into the state; `now` is Date.now() when it arrived. */
export function advance(state: LoginState | null, profile: string, step: LoginProgress, now: number): LoginState {
  const s: LoginState = state ?? { profile, step: "openingBrowser", browser: "opening", url: null, reason: null, deadline: null };
  switch (step.step) {
    case "openingBrowser":
      return { ...s, step: "openingBrowser", browser: "opening", url: step.url };
    case "browserFailed":
      return { ...s, browser: "failed", url: step.url, reason: step.reason };
    case "waitingForUser":
      return {
        ...s,
        step: "waitingForUser",
        browser: s.browser === "opening" ? "started" : s.browser,
        deadline: now + step.timeoutSecs * 1000,
      };
    case "browserSilent":
      return { ...s, browser: s.browser === "connected" ? s.browser : "silent", url: step.url };
    case "browserConnected":
      return { ...s, browser: "connected" };
    case "exchangingCode":
      // The redirect came back, so the browser was there.
      return { ...s, step: "exchangingCode", browser: "connected" };
  }
}

export interface Login {
  running: boolean;
  progress: LoginState | null;
  cancelling: boolean;
  /** How the last login failed; null after success or a cancel. */
  error: AppError | null;
  /** The user pressed Cancel on the last login. */
  cancelled: boolean;
  /** Start a login; `replaceUser` lets a sign-in as another account replace the profile's tokens. */
  start: (options?: { replaceUser?: boolean }) => void;
  cancel: () => void;
}

export function useLogin(name: string, onSignedIn: (meta: TokenMeta) => void): Login {
  const platform = usePlatform();
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<LoginState | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const live = useRef(true);
  const runningRef = useRef(false);
  const done = useRef(onSignedIn);
  done.current = onSignedIn;

  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
      if (runningRef.current) void platform.cancelLogin(name);
    };
  }, [platform, name]);

  const start = useCallback((options: { replaceUser?: boolean } = {}) => {
    if (runningRef.current) return;
    runningRef.current = true;
    setRunning(true);
    setProgress(null);
    setError(null);
    setCancelled(false);
    setCancelling(false);
    platform
      .login(
        name,
        (step) => {
          if (!live.current) return;
          const now = Date.now();
          setProgress((state) => advance(state, name, step, now));
        },
        options.replaceUser ?? false,
      )
      .then(
        (meta) => live.current && done.current(meta),
        (reason: unknown) => {
          if (!live.current) return;
          const e = toAppError(reason);
          setError(e);
        },
      )
      .finally(() => {
        runningRef.current = false;
        if (live.current) {
          setRunning(false);
          setCancelling(false);
        }
      });
  }, [platform, name]);

  const cancel = useCallback(() => {
    setCancelling(true);
    setCancelled(true);
    void platform.cancelLogin(name);
  }, [platform, name]);

  return { running, progress, cancelling, error: cancelled && error?.code === "waiting" ? null : error, cancelled, start, cancel };
}
