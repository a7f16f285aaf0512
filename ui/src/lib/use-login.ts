// A browser login from the window: its progress steps as they stream in, Cancel, and how it ended. Leaving
// the page cancels a login still waiting, so no browser tab completes a login nobody is watching.
import { useCallback, useEffect, useRef, useState } from "react";

import type { AppError } from "../bindings/AppError";
import type { LoginProgress } from "../bindings/LoginProgress";
import type { TokenMeta } from "../bindings/TokenMeta";
import { toAppError } from "../platform/platform";
import { usePlatform } from "./platform-context";

export interface Login {
  running: boolean;
  progress: LoginProgress | null;
  cancelling: boolean;
  /** How the last login failed; null after success or a cancel. */
  error: AppError | null;
  /** The user pressed Cancel on the last login. */
  cancelled: boolean;
  start: () => void;
  cancel: () => void;
}

export function useLogin(name: string, onSignedIn: (meta: TokenMeta) => void): Login {
  const platform = usePlatform();
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<LoginProgress | null>(null);
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

  const start = useCallback(() => {
    if (runningRef.current) return;
    runningRef.current = true;
    setRunning(true);
    setProgress(null);
    setError(null);
    setCancelled(false);
    setCancelling(false);
    platform
      .login(name, (step) => live.current && setProgress(step))
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
