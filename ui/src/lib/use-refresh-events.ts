// The background refresh's news (src-tauri/src/refresh.rs): a page hears every event while it is mounted.
// The platform cannot unsubscribe a watcher, so an unmounted page's handler simply stops listening.
import { useEffect, useRef } from "react";

import type { RefreshEvent } from "../bindings/RefreshEvent";
import { usePlatform } from "./platform-context";

export function useRefreshEvents(onEvent: (event: RefreshEvent) => void): void {
  const platform = usePlatform();
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    let active = true;
    platform.watchCredentials((event) => {
      if (active) handler.current(event);
    }).catch(() => {
      // Outside the window (a preview) there is no background refresh to hear: nothing to show.
    });
    return () => {
      active = false;
    };
  }, [platform]);
}
