// A small drawing per kind of strategy, so the cards and headers can be told apart at a glance.
import type { Strategy } from "../bindings/Strategy";
import { kindOf } from "../lib/profiles";

const PATHS: Record<ReturnType<typeof kindOf>, string> = {
  // A person in a browser window.
  signIn: "M3 5.5A2.5 2.5 0 0 1 5.5 3h13A2.5 2.5 0 0 1 21 5.5v13a2.5 2.5 0 0 1-2.5 2.5h-13A2.5 2.5 0 0 1 3 18.5zM3 8h18M12 11.2a2.2 2.2 0 1 1 0 4.4 2.2 2.2 0 0 1 0-4.4M8 19c.6-1.8 2.1-2.8 4-2.8s3.4 1 4 2.8",
  // Email and password: a form with a dotted field.
  password: "M4 7h16v10H4zM7.5 12h.01M10.5 12h.01M13.5 12h.01M16.5 12h.01",
  // A server rack.
  machine: "M4 4h16v6H4zM4 14h16v6H4zM8 7h.01M8 17h.01M12 7h4M12 17h4",
  // A signed document.
  saml: "M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 15h4M9.5 18.5c1-1 1.6-1 2.2 0s1.3 1 2.3-.2",
  // A key.
  apiKey: "M8.5 15.5a4 4 0 1 1 0-8 4 4 0 0 1 0 8M12.5 11.5H21M18 11.5v3M21 11.5v2",
};

export function StrategyIcon({ strategy, size = 20 }: { strategy: Strategy; size?: number }) {
  const kind = kindOf({ strategy });
  return (
    <span className={`strategy-icon strategy-icon-${kind}`} aria-hidden="true">
      <svg viewBox="0 0 24 24" width={size} height={size} focusable="false">
        <path d={PATHS[kind]} fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </span>
  );
}
