// The first step of Add credential: one card per strategy the core supports, with its title and help. The
// cards are buttons in the tab order; arrow keys move between them too. Back from a strategy's form, its card
// has the focus again.
import { useEffect, useRef, type KeyboardEvent } from "react";

import type { Strategy } from "../bindings/Strategy";
import type { StrategyInfo } from "../bindings/StrategyInfo";
import { kindOf, type Kind } from "../lib/profiles";
import { StrategyIcon } from "./StrategyIcon";

const HOW: Record<Kind, string> = {
  signIn: "You sign in in your browser",
  password: "Logs in with a stored password",
  machine: "Gets tokens unattended",
  saml: "You paste an assertion from your IdP",
  apiKey: "A key you already have",
};

export function StrategyPicker({
  strategies,
  onPick,
  focused,
}: {
  strategies: StrategyInfo[];
  onPick: (id: Strategy) => void;
  /** The card to focus when the picker appears (the strategy whose form was just left). */
  focused?: Strategy | null;
}) {
  const cards = useRef<(HTMLButtonElement | null)[]>([]);

  // Once, when the picker appears.
  useEffect(() => {
    if (focused) cards.current[strategies.findIndex((s) => s.id === focused)]?.focus();
  }, []);

  function onKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    const i = cards.current.findIndex((c) => c === document.activeElement);
    if (i < 0) return;
    const step = { ArrowRight: 1, ArrowDown: 2, ArrowLeft: -1, ArrowUp: -2 }[e.key];
    if (step === undefined) return;
    const to = Math.min(Math.max(i + step, 0), strategies.length - 1);
    e.preventDefault();
    cards.current[to]?.focus();
  }

  return (
    <ul className="strategy-grid" aria-label="Strategies" onKeyDown={onKeyDown}>
      {strategies.map((s, i) => (
        <li key={s.id}>
          <button
            ref={(el) => {
              cards.current[i] = el;
            }}
            type="button"
            className="strategy-card"
            onClick={() => onPick(s.id)}
            aria-describedby={`strategy-${s.id}-help`}
          >
            <StrategyIcon strategy={s.id} />
            <span className="strategy-card-text">
              <span className="strategy-card-title">{s.title}</span>
              <span className="strategy-card-help" id={`strategy-${s.id}-help`}>
                {s.help}
              </span>
              <span className="strategy-card-kind">{HOW[kindOf({ strategy: s.id })]}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
