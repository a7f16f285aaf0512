// Keys: the key pairs that sign private_key_jwt assertions. Generate or import one, pick which go in the
// public JWKS, then copy it or save it to upload to your provider or host at your jku URL; make a
// self-signed certificate for a key pair; generate an API key (shown once).
import { useEffect, useMemo, useState } from "react";

import type { KeyView } from "../bindings/KeyView";
import { ApiKeyForm } from "../components/ApiKeyForm";
import { CertForm } from "../components/CertForm";
import { EmptyState } from "../components/EmptyState";
import { ErrorState } from "../components/ErrorState";
import { KeyForms } from "../components/KeyForms";
import { KeyList } from "../components/KeyList";
import { ErrorNotice, SuccessNotice } from "../components/Notice";
import { usePlatform } from "../lib/platform-context";
import { useAction, useLoad } from "../lib/use-async";

export function KeysPage() {
  const platform = usePlatform();
  const { state, reload } = useLoad(() => platform.keys(), [platform]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [created, setCreated] = useState<KeyView | null>(null);
  const keys = useMemo(() => (state.status === "ready" ? state.value : []), [state]);

  // New keys start selected; keys that disappeared leave the selection.
  useEffect(() => {
    setSelected((s) => new Set([...s].filter((n) => keys.some((k) => k.name === n))));
  }, [keys]);

  const names = useMemo(() => (selected.size > 0 ? [...selected] : keys.map((k) => k.name)), [selected, keys]);
  const jwks = useLoad(() => (names.length ? platform.jwks(names) : Promise.resolve({ keys: [] })), [platform, names.join("\n")]);
  const copy = useAction(async () => {
    await platform.copyJwks(names);
    return true;
  });
  const save = useAction(() => platform.saveJwks(names));

  function toggle(name: string) {
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  }

  return (
    <>
      <header className="page-header">
        <div>
          <h1>Keys</h1>
          <p className="subtitle">
            Key pairs for private_key_jwt. Private keys stay in your keychain; only the public JWKS leaves Keyward.
          </p>
        </div>
      </header>

      {state.status === "loading" && <div className="loading" aria-busy="true" aria-label="Loading the keys" />}
      {state.status === "error" && <ErrorState error={state.error} onRetry={reload} />}

      <div className="stack">
        {created && <SuccessNotice>Key {created.name} ({created.alg}) is ready: kid {created.kid}.</SuccessNotice>}
        {state.status === "ready" && keys.length === 0 && (
          <EmptyState title="No keys yet">
            <p>Generate a key pair below, or import the private key your provider asked you to use.</p>
          </EmptyState>
        )}
        {keys.length > 0 && (
          <section className="card card-flush" aria-labelledby="keys-title">
            <div className="card-head card-head-padded">
              <h2 id="keys-title">Key pairs</h2>
              <span className="muted">{keys.length === 1 ? "1 key" : `${keys.length} keys`}</span>
            </div>
            <KeyList keys={keys} selected={selected} onToggle={toggle} />
          </section>
        )}

        {keys.length > 0 && (
          <section className="card" aria-labelledby="jwks-title">
            <div className="card-head">
              <h2 id="jwks-title">Public JWKS</h2>
              <span className="muted">
                {selected.size > 0 ? `${selected.size} of ${keys.length} keys` : "All keys · tick some to narrow it"}
              </span>
            </div>
            {jwks.state.status === "ready" && (
              <pre className="code-block" tabIndex={0} aria-label="JWKS">
                {JSON.stringify(jwks.state.value, null, 2)}
              </pre>
            )}
            {jwks.state.status === "error" && <ErrorNotice error={jwks.state.error} />}
            <div className="actions">
              <button type="button" className="button button-primary" onClick={() => void copy.run()} disabled={copy.pending}>
                Copy JWKS
              </button>
              <button type="button" className="button" onClick={() => void save.run()} disabled={save.pending}>
                Save JWKS…
              </button>
            </div>
            {copy.error && <ErrorNotice error={copy.error} />}
            {save.error && <ErrorNotice error={save.error} />}
            {copy.result && !copy.error && <SuccessNotice>JWKS copied to the clipboard.</SuccessNotice>}
            {save.result && <SuccessNotice>Saved to {save.result}.</SuccessNotice>}
          </section>
        )}

        {keys.length > 0 && <CertForm keys={keys} />}

        <KeyForms
          onCreated={(key) => {
            setCreated(key);
            setSelected((s) => new Set(s).add(key.name));
            reload();
          }}
        />

        <ApiKeyForm />
      </div>
    </>
  );
}
