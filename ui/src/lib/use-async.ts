// Running the backend's calls from a page: a load that refreshes, and an action with its pending state,
// its result and its error, each as an AppError the page can switch on.
import { useCallback, useEffect, useRef, useState } from "react";

import type { AppError } from "../bindings/AppError";
import { toAppError } from "../platform/platform";

export type Loaded<T> = { status: "loading" } | { status: "ready"; value: T } | { status: "error"; error: AppError };

/** Load with `load` now and whenever `deps` change; `reload` loads again and keeps showing the last value. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { state: Loaded<T>; reload: () => void } {
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  const latest = useRef(0);
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    const request = ++latest.current;
    run().then(
      (value) => request === latest.current && setState({ status: "ready", value }),
      (reason: unknown) => request === latest.current && setState({ status: "error", error: toAppError(reason) }),
    );
  }, [run]);
  useEffect(() => {
    setState({ status: "loading" });
    reload();
  }, [reload]);
  return { state, reload };
}

export interface Action<A extends unknown[], T> {
  run: (...args: A) => Promise<T | undefined>;
  pending: boolean;
  error: AppError | null;
  result: T | undefined;
  reset: () => void;
}

/** An action the user starts (a button): one at a time, its error kept until the next run or reset. */
export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>): Action<A, T> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [result, setResult] = useState<T | undefined>(undefined);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(
    async (...args: A) => {
      setPending(true);
      setError(null);
      try {
        const value = await action(...args);
        if (mounted.current) setResult(value);
        return value;
      } catch (reason) {
        if (mounted.current) setError(toAppError(reason));
        return undefined;
      } finally {
        if (mounted.current) setPending(false);
      }
    },
    [action],
  );
  const reset = useCallback(() => {
    setError(null);
    setResult(undefined);
  }, []);
  return { run, pending, error, result, reset };
}
