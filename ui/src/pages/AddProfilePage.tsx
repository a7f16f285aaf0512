// Add credential: pick a strategy first (the core's strategies, as cards), then fill in only that
// strategy's fields. Saved profiles open on their own page. Focus follows the step: the chosen card gives it
// to the form's first field, and Change gives it back to that card.
import { useState } from "react";

import type { Strategy } from "../bindings/Strategy";
import { ProfileEditor } from "../components/ProfileEditor";
import { StrategyPicker } from "../components/StrategyPicker";
import { emptyForm } from "../lib/forms";
import { href, navigate } from "../lib/routes";
import { useStrategies } from "../lib/strategies";

export function AddProfilePage() {
  const { list, byId } = useStrategies();
  const [picked, setPicked] = useState<Strategy | null>(null);
  const [left, setLeft] = useState<Strategy | null>(null);
  const strategy = picked ? byId(picked) : undefined;

  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href={href({ page: "profiles" })}>Profiles</a>
        <span aria-hidden="true">/</span>
        <span aria-current="page">Add credential</span>
      </nav>
      <header className="page-header">
        <div>
          <h1>Add credential</h1>
          <p className="subtitle">
            {strategy ? "Fill in what your provider gave you. Secrets go straight to your OS keychain." : "How does this API hand out credentials?"}
          </p>
        </div>
      </header>
      {!list && <div className="loading" aria-busy="true" aria-label="Loading the strategies" />}
      {list && !strategy && <StrategyPicker strategies={list} onPick={setPicked} focused={left} />}
      {strategy && (
        <ProfileEditor
          key={strategy.id}
          strategy={strategy}
          initial={emptyForm(strategy.id)}
          onSaved={(p) => navigate({ page: "profile", name: p.name })}
          onCancel={() => navigate({ page: "profiles" })}
          onChangeStrategy={() => {
            setLeft(picked);
            setPicked(null);
          }}
          focusFirst
        />
      )}
    </>
  );
}
