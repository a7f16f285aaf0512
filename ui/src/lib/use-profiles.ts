// Loads the profiles through the Platform, keeps the last good list while reloading, and reloads when the
// window gets focus again (after a `keyward profile add` in a terminal, say).
import { useCallback, useEffect, useRef, useState } from "react";

import type { AppError } from "../bindings/AppError";
import type { ProfileView } from "../bindings/ProfileView";
import { toAppError } from "../platform/platform";
import { usePlatform } from "./platform-context";

export type ProfilesState =
  | { status: "loading" }
  | { status: "ready"; profiles: ProfileView[] }
  | { status: "error"; error: AppError };

export function useProfiles(): { state: ProfilesState; reloading: boolean; reload: () => void } {
  const platform = usePlatform();
  const [state, setState] = useState<ProfilesState>({ status: "loading" });
  const [reloading, setReloading] = useState(false);
  // Answers can arrive out of order: only the latest request's answer is shown.
  const latest = useRef(0);

  const reload = useCallback(() => {
    const request = ++latest.current;
    setReloading(true);
    platform.listProfiles().then(
      (profiles) => {
        if (request === latest.current) setState({ status: "ready", profiles });
      },
      (reason: unknown) => {
        if (request === latest.current) setState({ status: "error", error: toAppError(reason) });
      },
    ).finally(() => {
      if (request === latest.current) setReloading(false);
    });
  }, [platform]);

  useEffect(() => {
    reload();
    window.addEventListener("focus", reload);
    return () => window.removeEventListener("focus", reload);
  }, [reload]);

  return { state, reloading, reload };
}
