// Hands the Platform down the tree, so pages reach the backend without importing it.
import { createContext, useContext, type ReactNode } from "react";

import type { Platform } from "../platform/platform";

const PlatformContext = createContext<Platform | null>(null);

export function PlatformProvider({ platform, children }: { platform: Platform; children: ReactNode }) {
  return <PlatformContext.Provider value={platform}>{children}</PlatformContext.Provider>;
}

export function usePlatform(): Platform {
  const platform = useContext(PlatformContext);
  if (!platform) throw new Error("usePlatform() outside <PlatformProvider>");
  return platform;
}
