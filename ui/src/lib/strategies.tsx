// The strategies the core supports, loaded once for the whole window: the forms are built from their
// fields, and lists show their short names. While they load (or if they cannot), a strategy shows its id.
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";

import type { StrategyInfo } from "../bindings/StrategyInfo";
import { usePlatform } from "./platform-context";

interface Strategies {
  /** Null until loaded. */
  list: StrategyInfo[] | null;
  byId(id: string): StrategyInfo | undefined;
}

const StrategiesContext = createContext<Strategies>({ list: null, byId: () => undefined });

export function StrategiesProvider({ children }: { children: ReactNode }) {
  const platform = usePlatform();
  const [list, setList] = useState<StrategyInfo[] | null>(null);
  useEffect(() => {
    let live = true;
    platform.strategies().then(
      (s) => live && setList(s),
      () => live && setList([]),
    );
    return () => {
      live = false;
    };
  }, [platform]);
  const byId = (id: string) => list?.find((s) => s.id === id);
  return <StrategiesContext.Provider value={{ list, byId }}>{children}</StrategiesContext.Provider>;
}

export function useStrategies(): Strategies {
  return useContext(StrategiesContext);
}
