// Generate API key (issue 8): a profile name, an optional prefix (rk_live_), scopes and expiry; the core makes
// 256 random bits. The key is shown ONCE in a dialog with Copy (copied from Rust, cleared after 60 s); after
// Close, only its fingerprint, name, scopes, created and expiry stay on the page.
import { useState, type FormEvent } from "react";

import type { ApiKeyView } from "../bindings/ApiKeyView";
import { usePlatform } from "../lib/platform-context";
import { useAction } from "../lib/use-async";
import { ErrorNotice, SuccessNotice } from "./Notice";

export function ApiKeyForm() {
  const platform = usePlatform();
  const [name, setName] = useState("");
  const [prefix, setPrefix] = useState("");
  const [scopes, setScopes] = useState("");
  const [days, setDays] = useState("");
  /** The new key, held only while its reveal-once dialog is open. */
  const [shown, setShown] = useState<string | null>(null);
  const [made, setMade] = useState<ApiKeyView | null>(null);
  const generate = useAction(() =>
    platform.apiKeyNew(name.trim(), {
      prefix: prefix.trim() || null,
      scopes: scopes.split(/[\s,]+/).filter(Boolean),
      placement: null,
      expiresIn: days.trim() ? Number(days) * 86_400 : null,
      apiBaseUrl: null,
      replace: false,
    }),
  );
  const copy = useAction(async () => {
    await platform.copyApiKey(made?.name ?? name.trim());
    return true;
  });

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    copy.reset();
    const answer = await generate.run();
    if (!answer) return;
    setShown(answer[0]);
    setMade(answer[1]);
  }

  return (
    <section className="card" aria-labelledby="apikey-title">
      <div className="card-head">
        <h2 id="apikey-title">New API key</h2>
        <span className="muted">256 random bits, kept in your keychain, shown once</span>
      </div>
      <form className="stack" onSubmit={(e) => void onSubmit(e)} aria-label="Generate API key">
        <div className="field">
          <label className="field-label" htmlFor="apikey-name">
            Profile name<span className="required"> required</span>
          </label>
          <input id="apikey-name" type="text" value={name} spellCheck={false} autoComplete="off" onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="apikey-prefix">
            Prefix
          </label>
          <input id="apikey-prefix" type="text" value={prefix} placeholder="rk_live_" spellCheck={false} onChange={(e) => setPrefix(e.target.value)} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="apikey-scopes">
            Scopes
          </label>
          <input id="apikey-scopes" type="text" value={scopes} placeholder="read:users write:users" spellCheck={false} onChange={(e) => setScopes(e.target.value)} />
          <p className="field-help">Recorded with the key, separated by spaces.</p>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="apikey-days">
            Expires after (days)
          </label>
          <input id="apikey-days" type="text" inputMode="numeric" pattern="[0-9]*" value={days} placeholder="never" onChange={(e) => setDays(e.target.value)} />
        </div>
        {generate.error && <ErrorNotice error={generate.error} />}
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={generate.pending || name.trim() === "" || !/^([1-9][0-9]*)?$/.test(days.trim())}>
            Generate API key
          </button>
        </div>
      </form>
      {made && shown === null && (
        <div className="stack" aria-label="The new API key">
          <SuccessNotice>API key for {made.name} is in your keychain. It is not shown again.</SuccessNotice>
          <dl className="settings">
            <dt>Fingerprint</dt>
            <dd className="mono">{made.fingerprint ?? "unknown"}</dd>
            <dt>Scopes</dt>
            <dd>{made.scopes.length ? made.scopes.join(" ") : "none"}</dd>
            <dt>Created</dt>
            <dd>{made.created ?? "unknown"}</dd>
            <dt>Expires</dt>
            <dd>{made.expires ?? "never"}</dd>
          </dl>
        </div>
      )}
      {shown !== null && made && (
        <RevealOnce
          keyText={shown}
          name={made.name}
          copied={copy.result === true}
          copyError={copy.error}
          onCopy={() => void copy.run()}
          onClose={() => setShown(null)}
        />
      )}
    </section>
  );
}

function RevealOnce({
  keyText,
  name,
  copied,
  copyError,
  onCopy,
  onClose,
}: {
  keyText: string;
  name: string;
  copied: boolean;
  copyError: ReturnType<typeof useAction>["error"];
  onCopy: () => void;
  onClose: () => void;
}) {
  return (
    <div className="backdrop">
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="reveal-title"
        onKeyDown={(e) => {
          if (e.key === "Escape") onClose();
        }}
      >
        <h2 id="reveal-title">Your new API key for {name}</h2>
        <div className="dialog-body stack">
          <p>Copy it now and give it to the API&apos;s owner: Keyward shows it only this once.</p>
          <pre className="code-block" tabIndex={0} aria-label="New API key">
            {keyText}
          </pre>
          {copied && <SuccessNotice>Copied. The clipboard is cleared in 60 seconds.</SuccessNotice>}
          {copyError && <ErrorNotice error={copyError} />}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onCopy}>
            Copy
          </button>
          <button type="button" className="button button-primary" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
